from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from pingan.jurisdictions.models import Level


class JurisdictionCreate(BaseModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    parent_code: str | None = None
    level: Level
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(default="", max_length=200)
    boundary: dict | None = None


class JurisdictionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    parent_id: int | None
    level: Level
    name_zh: str
    name_en: str

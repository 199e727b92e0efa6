from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pingan.jurisdictions.models import Level
from pingan.policy import Role


class JurisdictionCreate(BaseModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    parent_code: str | None = None
    level: Level
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(default="", max_length=200)
    boundary: dict[str, Any] | None = None


class JurisdictionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    parent_id: int | None
    level: Level
    name_zh: str
    name_en: str


class MutualAidUpdate(BaseModel):
    """The roles whose holders in one station under a node may send another station's
    units there; ``null`` restores the level's default (a sub-bureau's dispatchers)."""

    roles: list[Role] | None = Field(max_length=len(Role))


class MutualAidRead(BaseModel):
    code: str
    roles: list[str]

"""Request and answer bodies of campaigns."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class TargetIn(BaseModel):
    """A target: ``figure direction value`` for one jurisdiction (its code)."""

    model_config = ConfigDict(extra="forbid")

    jurisdiction: str = Field(min_length=1, max_length=64)
    figure: str = Field(min_length=1, max_length=40)
    direction: Literal["<=", ">="]
    value: float = Field(ge=-1e9, le=1e9)


class FocusPlaceIn(BaseModel):
    """A focus place: a point and radius (picked from OSM places or drawn), or a polygon,
    with its focus hours ``HH:MM``–``HH:MM`` (crossing midnight when the end is earlier)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_m: float = Field(default=150.0, gt=0, le=5000)
    polygon: list[tuple[float, float]] | None = Field(default=None, max_length=200)
    osm_place: str | None = Field(default=None, max_length=40)
    hours_from: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    hours_to: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class CampaignCreate(BaseModel):
    """A new campaign."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1, max_length=100)
    starts_on: dt.date = Field(alias="from")
    ends_on: dt.date = Field(alias="to")
    jurisdictions: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=50
    )
    focus_places: list[FocusPlaceIn] = Field(default_factory=list, max_length=50)
    targets: list[TargetIn] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _period(self) -> CampaignCreate:
        if self.ends_on < self.starts_on:
            raise ValueError("the period ends before it starts")
        if (self.ends_on - self.starts_on).days > 366:
            raise ValueError("a campaign lasts at most a year")
        return self


class CampaignRead(BaseModel):
    """A campaign as stored."""

    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    simulated: bool
    jurisdictions: list[str]
    focus_places: list[dict[str, Any]]
    targets: list[dict[str, Any]]

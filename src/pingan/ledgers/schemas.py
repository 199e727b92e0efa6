"""Request and response bodies of the ledgers' API."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from pingan.bounds import MAX_LIST_ITEMS
from pingan.ledgers.models import (
    HazardStatus,
    InspectionKind,
    ItemResult,
    Reinspection,
    SessionKind,
    Severity,
    SiteCategory,
)

#: ``HH:MM-HH:MM`` (may pass midnight) or ``24h``; empty when unknown.
HOURS_PATTERN = re.compile(r"^(24h|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d)?$")
#: A site or control-room code.
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,39}$"
SYSTEMS = (
    "alarm_controller",
    "linkage_controller",
    "fire_telephone",
    "emergency_broadcast",
    "sprinkler_pump",
    "hydrant_pump",
)
Mode = Literal["auto", "manual"]
State = Literal["normal", "fault"]


def check_hours(value: str) -> str:
    value = value.strip()
    if not HOURS_PATTERN.match(value):
        raise ValueError("opening hours are HH:MM-HH:MM (e.g. 18:00-02:00) or 24h")
    return value


class SiteWrite(BaseModel):
    """A site with a fire-safety duty; the point is geocoded from the address when absent."""

    code: str = Field(pattern=CODE_PATTERN, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    category: SiteCategory
    address: str = Field(default="", max_length=300)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    jurisdiction_code: str | None = Field(default=None, max_length=64)
    grid_code: str | None = Field(default=None, max_length=64)
    responsible_name: str = Field(default="", max_length=100)
    responsible_phone: str = Field(default="", max_length=32)
    manager_name: str = Field(default="", max_length=100)
    manager_phone: str = Field(default="", max_length=32)
    opening_hours: str = Field(default="", max_length=40)
    key_unit: bool = False

    @field_validator("opening_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        return check_hours(value)


class SystemState(BaseModel):
    mode: Mode = "auto"
    state: State = "normal"


class OperatorWrite(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    certificate_no: str = Field(default="", max_length=40)
    level: str = Field(default="", max_length=20)
    expires_on: date | None = None


class ControlRoomWrite(BaseModel):
    """A fire control room (消防控制室) of a site."""

    code: str = Field(pattern=CODE_PATTERN, max_length=40)
    site_code: str = Field(max_length=40)
    location: str = Field(default="", max_length=200)
    systems: dict[Literal[SYSTEMS], SystemState] = Field(  # type: ignore[valid-type]  # Literal of a tuple: valid for pydantic
        default_factory=dict, max_length=len(SYSTEMS)
    )
    surveyed_at: datetime | None = None
    operators: list[OperatorWrite] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)


class OnDuty(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    certificate_no: str = Field(default="", max_length=40)


class HandoverSystem(BaseModel):
    """A system's state at handover: the alarm controller normal/fault; the others their
    control mode and running state."""

    mode: Mode = "auto"
    state: State = "normal"


class DailyCheck(BaseModel):
    self_test: bool = False
    silence: bool = False
    reset: bool = False
    main_power: bool = False
    backup_power: bool = False


AlarmNature = Literal["fire", "false_alarm", "fault", "supervisory", "missed"]


class Alarm(BaseModel):
    received_at: datetime
    confirmed_at: datetime | None = None
    nature: AlarmNature
    location: str = Field(default="", max_length=200)
    cause: str = Field(default="", max_length=500)
    handling: str = Field(default="", max_length=500)
    called_119: bool = False
    called_responsible: bool = False
    #: A fault reported to the maintenance company and the responsible person.
    reported: bool = False


class ShiftWrite(BaseModel):
    """One shift's duty record (值班记录) after GB 25506."""

    control_room_code: str = Field(max_length=40)
    starts_at: datetime
    ends_at: datetime
    on_duty: list[OnDuty] = Field(max_length=10)
    handover_to: str = Field(default="", max_length=200)
    systems: dict[Literal[SYSTEMS], HandoverSystem] = Field(  # type: ignore[valid-type]  # Literal of a tuple: valid for pydantic
        default_factory=dict, max_length=len(SYSTEMS)
    )
    daily_check: DailyCheck = Field(default_factory=DailyCheck)
    entries: list[datetime] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    alarms: list[Alarm] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)


class ItemWrite(BaseModel):
    code: str = Field(max_length=20)
    result: ItemResult
    note: str = Field(default="", max_length=500)
    corrected_on_spot: bool = False
    severity: Severity = Severity.ordinary


class InspectionWrite(BaseModel):
    """A patrol, check or re-inspection as the phone form sends it."""

    site_id: int = Field(ge=1, le=2**31 - 1)
    task_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    kind: InspectionKind = InspectionKind.check
    at: datetime | None = None
    inspectors: list[str] = Field(min_length=1, max_length=10)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    items: list[ItemWrite] = Field(min_length=1, max_length=MAX_LIST_ITEMS)
    signature: str = Field(min_length=1, max_length=100)
    note: str = Field(default="", max_length=1000)

    @field_validator("inspectors")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        names = [v.strip()[:100] for v in value if v.strip()]
        if not names:
            raise ValueError("name at least one inspector")
        return names


class TaskWrite(BaseModel):
    """A recurring patrol or check of a site (one task, many occurrences)."""

    site_id: int = Field(ge=1, le=2**31 - 1)
    kind: Literal[InspectionKind.patrol, InspectionKind.check] = InspectionKind.patrol
    interval_h: int | None = Field(default=None, ge=1, le=24 * 366)
    starts_at: datetime
    ends_at: datetime | None = None


class HazardUpdate(BaseModel):
    """The rectification plan of a hazard; any field left out stays."""

    category: str | None = Field(default=None, max_length=40)
    severity: Severity | None = None
    measures: str | None = Field(default=None, max_length=1000)
    department: str | None = Field(default=None, max_length=100)
    responsible_name: str | None = Field(default=None, max_length=100)
    funding: str | None = Field(default=None, max_length=100)
    interim_safeguards: str | None = Field(default=None, max_length=1000)
    status: Literal[HazardStatus.rectifying] | None = None


class ReinspectionWrite(BaseModel):
    """The outcome of a re-inspection, with the inspection that checked the item."""

    outcome: Reinspection
    inspection_id: int = Field(ge=1, le=2**31 - 1)
    note: str = Field(default="", max_length=500)


class TrainingWrite(BaseModel):
    site_id: int = Field(ge=1, le=2**31 - 1)
    held_on: date
    kind: SessionKind
    attendees: str = Field(default="", max_length=2000)
    attendee_count: int = Field(default=0, ge=0, le=100_000)
    duration_min: int = Field(default=0, ge=0, le=24 * 60)

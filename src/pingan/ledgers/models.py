"""Tables of the fire-safety and venue ledgers."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from pingan.db import Base, UTCDateTime, utcnow


class SiteCategory(enum.StrEnum):
    mall = "mall"
    hotel = "hotel"
    high_rise = "high_rise"
    hospital = "hospital"
    school = "school"
    ktv = "ktv"
    bar = "bar"
    nightclub = "nightclub"
    internet_cafe = "internet_cafe"
    chess_room = "chess_room"
    cinema = "cinema"
    restaurant = "restaurant"
    gaming = "gaming"
    factory = "factory"
    warehouse = "warehouse"
    government = "government"
    residential = "residential"
    other = "other"


class Source(enum.StrEnum):
    """Where a record came from; simulated records are the demo's and say so."""

    manual = "manual"
    imported = "imported"
    osm = "osm"
    simulated = "simulated"


class ItemResult(enum.StrEnum):
    passed = "passed"
    failed = "failed"
    not_applicable = "not_applicable"


class InspectionKind(enum.StrEnum):
    patrol = "patrol"  # 防火巡查
    check = "check"  # 防火检查
    reinspection = "reinspection"  # 复查


class Severity(enum.StrEnum):
    major = "major"  # 重大
    ordinary = "ordinary"  # 一般


class HazardStatus(enum.StrEnum):
    open = "open"
    rectifying = "rectifying"
    closed = "closed"


class Reinspection(enum.StrEnum):
    corrected = "corrected"
    violations_remaining = "violations_remaining"
    not_corrected = "not_corrected"


class SessionKind(enum.StrEnum):
    training = "training"
    evacuation_drill = "evacuation_drill"
    extinguisher_practice = "extinguisher_practice"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=24)


class Site(Base):
    """A building or venue with a fire-safety duty (a mall, a KTV, a hotel …)."""

    __tablename__ = "ledger_site"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[SiteCategory] = mapped_column(_enum(SiteCategory), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    #: The station the site belongs to, and its grid (a child of the station), if known.
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction.id"))
    #: The responsible person (消防安全责任人) and the fire-safety manager (管理人):
    #: personal data, masked for roles without the personal-data right.
    responsible_name: Mapped[str] = mapped_column(String(100), default="")
    responsible_phone: Mapped[str] = mapped_column(String(32), default="")
    manager_name: Mapped[str] = mapped_column(String(100), default="")
    manager_phone: Mapped[str] = mapped_column(String(32), default="")
    #: Opening hours, ``HH:MM-HH:MM`` (may pass midnight) or ``24h``.
    opening_hours: Mapped[str] = mapped_column(String(40), default="")
    #: 消防安全重点单位.
    key_unit: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[Source] = mapped_column(_enum(Source), default=Source.manual)
    #: The OSM object a venue was seeded from.
    osm_type: Mapped[str | None] = mapped_column(String(1))
    osm_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ControlRoom(Base):
    """A fire control room (消防控制室) of a site, with the state of its systems.

    ``systems`` maps a system (``alarm_controller``, ``linkage_controller``,
    ``fire_telephone``, ``emergency_broadcast``, ``sprinkler_pump``, ``hydrant_pump``) to
    ``{"mode": "auto"|"manual", "state": "normal"|"fault"}``.
    """

    __tablename__ = "ledger_control_room"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("ledger_site.id"), index=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    systems: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: When the station surveyed it (the campaign's 136-room survey); None: registered only.
    surveyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source: Mapped[Source] = mapped_column(_enum(Source), default=Source.manual)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Operator(Base):
    """A certified operator (消防设施操作员) of a control room."""

    __tablename__ = "ledger_operator"

    id: Mapped[int] = mapped_column(primary_key=True)
    control_room_id: Mapped[int] = mapped_column(ForeignKey("ledger_control_room.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    certificate_no: Mapped[str] = mapped_column(String(40), default="")
    level: Mapped[str] = mapped_column(String(20), default="")
    expires_on: Mapped[date | None] = mapped_column(Date)


class DutyShift(Base):
    """One shift of a control room after GB 25506 (at most 8 h).

    ``on_duty`` lists ``{"name", "certificate_no"}``; ``systems`` the state of each system
    at handover; ``daily_check`` the self-test, silence, reset, main and backup power
    (true when done and normal); ``entries`` the times of the log entries; ``alarms``
    ``{"received_at", "confirmed_at", "nature", "location", "cause", "handling",
    "called_119", "called_responsible", "reported"}``. ``flags`` are computed when stored.
    """

    __tablename__ = "ledger_duty_shift"

    id: Mapped[int] = mapped_column(primary_key=True)
    control_room_id: Mapped[int] = mapped_column(ForeignKey("ledger_control_room.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    on_duty: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    handover_to: Mapped[str] = mapped_column(String(200), default="")
    systems: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    daily_check: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    entries: Mapped[list[str]] = mapped_column(JSON, default=list)
    alarms: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    source: Mapped[Source] = mapped_column(_enum(Source), default=Source.manual)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class InspectionTask(Base):
    """A recurring patrol or check of a site: one task, its occurrences computed from the
    interval (every ``interval_h`` hours from ``starts_at``)."""

    __tablename__ = "ledger_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("ledger_site.id"), index=True)
    kind: Mapped[InspectionKind] = mapped_column(_enum(InspectionKind))
    interval_h: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Inspection(Base):
    """A patrol, check or re-inspection of a site, with its items."""

    __tablename__ = "ledger_inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("ledger_site.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_task.id"), index=True)
    kind: Mapped[InspectionKind] = mapped_column(_enum(InspectionKind))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    inspectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    photos: Mapped[list[str]] = mapped_column(JSON, default=list)
    signature: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(1000), default="")
    #: The phone form's key: a retried send stores the inspection once.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    source: Mapped[Source] = mapped_column(_enum(Source), default=Source.manual)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class InspectionItem(Base):
    """One checklist item of an inspection: passed, failed or not applicable."""

    __tablename__ = "ledger_inspection_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("ledger_inspection.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    result: Mapped[ItemResult] = mapped_column(_enum(ItemResult))
    note: Mapped[str] = mapped_column(String(500), default="")
    #: One of the violations 61号令 says are corrected on the spot (当场改正), and it was.
    corrected_on_spot: Mapped[bool] = mapped_column(Boolean, default=False)


class Hazard(Base):
    """A fire hazard (隐患) found by an inspection, and its rectification."""

    __tablename__ = "ledger_hazard"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("ledger_site.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_inspection.id"))
    item_code: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40), default="")
    severity: Mapped[Severity] = mapped_column(_enum(Severity))
    description: Mapped[str] = mapped_column(String(1000), default="")
    measures: Mapped[str] = mapped_column(String(1000), default="")
    department: Mapped[str] = mapped_column(String(100), default="")
    responsible_name: Mapped[str] = mapped_column(String(100), default="")
    funding: Mapped[str] = mapped_column(String(100), default="")
    interim_safeguards: Mapped[str] = mapped_column(String(1000), default="")
    found_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[HazardStatus] = mapped_column(_enum(HazardStatus), default=HazardStatus.open)
    #: Escalated to the station chief (a re-inspection found it not or not fully corrected).
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The inspection whose pass of the item closed the hazard.
    closed_by_inspection_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_inspection.id"))
    source: Mapped[Source] = mapped_column(_enum(Source), default=Source.manual)


class HazardEvent(Base):
    """One step of a hazard's rectification: a status change, a re-inspection, an edit."""

    __tablename__ = "ledger_hazard_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("ledger_hazard.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    action: Mapped[str] = mapped_column(String(24))
    outcome: Mapped[Reinspection | None] = mapped_column(_enum(Reinspection))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_inspection.id"))
    new_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(500), default="")
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class TrainingSession(Base):
    """A training session, evacuation drill or extinguisher practice at a site."""

    __tablename__ = "ledger_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("ledger_site.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[SessionKind] = mapped_column(_enum(SessionKind))
    attendees: Mapped[str] = mapped_column(String(2000), default="")
    attendee_count: Mapped[int] = mapped_column(Integer, default=0)
    duration_min: Mapped[int] = mapped_column(Integer, default=0)
    photos: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[Source] = mapped_column(_enum(Source), default=Source.manual)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from pingan.db import Base, UTCDateTime, utcnow


class UnitKind(enum.StrEnum):
    patrol_car = "patrol_car"  # 巡逻车
    ebike_patrol = "ebike_patrol"  # 电动车巡逻组
    foot_patrol = "foot_patrol"  # 步巡组
    special_police = "special_police"  # 特警
    joint_patrol = "joint_patrol"  # 武装联巡
    key_unit_post = "key_unit_post"  # 重点单位保安岗
    volunteer_team = "volunteer_team"  # 志愿者队


class UnitStatus(enum.StrEnum):
    available = "available"
    en_route = "en_route"
    on_scene = "on_scene"
    off_duty = "off_duty"
    unavailable = "unavailable"


class TravelMode(enum.StrEnum):
    car = "car"
    ebike = "ebike"
    foot = "foot"


#: The travel mode a unit of each kind usually moves with.
DEFAULT_MODE: dict[UnitKind, TravelMode] = {
    UnitKind.patrol_car: TravelMode.car,
    UnitKind.ebike_patrol: TravelMode.ebike,
    UnitKind.foot_patrol: TravelMode.foot,
    UnitKind.special_police: TravelMode.car,
    UnitKind.joint_patrol: TravelMode.car,
    UnitKind.key_unit_post: TravelMode.foot,
    UnitKind.volunteer_team: TravelMode.foot,
}


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=20)


class Unit(Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The home station.
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    city: Mapped[str] = mapped_column(String(64))
    callsign: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[UnitKind] = mapped_column(_enum(UnitKind))
    mode: Mapped[TravelMode] = mapped_column(_enum(TravelMode))
    status: Mapped[UnitStatus] = mapped_column(_enum(UnitStatus), default=UnitStatus.available)
    members: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: Shift as "HH:MM-HH:MM" in the district's time zone ("" = around the clock).
    shift: Mapped[str] = mapped_column(String(11), default="")
    post_lat: Mapped[float | None] = mapped_column(Float)
    post_lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class PositionReport(Base):
    """One position fix (from the unit's phone or an AVL feed)."""

    __tablename__ = "position_report"
    __table_args__ = (Index("ix_position_report_unit_at", "unit_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

"""Stored analysis results: hot-spot forecasts, crime series, cameras and canvass checklists.

A :class:`Forecast` keeps the grid it was made on (CRS, origin, raster shape, cell size) so
that its cells' outlines can be drawn again, and one :class:`ForecastCell` per scored cell
(flat raster index, centre, score, rank). Forecasts made from a simulated history say so
(``simulated``) wherever they are shown.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from pingan.db import Base, UTCDateTime, utcnow


class SeriesStatus(enum.StrEnum):
    candidate = "candidate"
    confirmed = "confirmed"
    rejected = "rejected"


class OwnerRole(enum.StrEnum):
    """Whom to ask for a camera's footage (the keeper's role, never a name or a number)."""

    shop = "shop"  # 商户
    property_manager = "property_manager"  # 物业
    organisation = "organisation"  # 单位
    transport = "transport"  # 公交、地铁、出租
    police = "police"  # 公安
    resident = "resident"  # 住户
    other = "other"


class FootageStatus(enum.StrEnum):
    none = "none"
    requested = "requested"
    obtained = "obtained"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=16)


class Forecast(Base):
    __tablename__ = "forecast"
    __table_args__ = (Index("ix_forecast_city_created", "city", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    city: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(32), default="best")
    horizon_h: Mapped[float] = mapped_column(Float, default=168.0)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cell_m: Mapped[float] = mapped_column(Float, default=150.0)
    epsg: Mapped[int] = mapped_column(Integer, default=4326)
    origin_x_m: Mapped[float] = mapped_column(Float, default=0.0)
    origin_y_m: Mapped[float] = mapped_column(Float, default=0.0)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    cols: Mapped[int] = mapped_column(Integer, default=0)
    n_events: Mapped[int] = mapped_column(Integer, default=0)
    n_cells: Mapped[int] = mapped_column(Integer, default=0)
    #: True when any incident of the history it learnt from is simulated.
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Where the history came from, in words ("1,832 incidents of helsinki, 2025-06-01 …").
    source: Mapped[str] = mapped_column(String(300), default="")
    #: The model's settings as JSON.
    params: Mapped[str] = mapped_column(Text, default="{}")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ForecastCell(Base):
    __tablename__ = "forecast_cell"
    __table_args__ = (Index("ix_forecast_cell_forecast_rank", "forecast_id", "rank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forecast_id: Mapped[int] = mapped_column(ForeignKey("forecast.id", ondelete="CASCADE"))
    #: 1 for the hottest cell.
    rank: Mapped[int] = mapped_column(Integer)
    #: Flat raster index ``row * cols + col`` of the cell.
    raster_index: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class Series(Base):
    """A group of incidents an analyst judged (or may judge) to be one offender's work."""

    __tablename__ = "crime_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    city: Mapped[str | None] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(32), default="other")
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[SeriesStatus] = mapped_column(
        _enum(SeriesStatus), default=SeriesStatus.candidate
    )
    score: Mapped[float] = mapped_column(Float, default=0.0)
    #: The links among the members with their evidence, as JSON.
    evidence: Mapped[str] = mapped_column(Text, default="[]")
    note: Mapped[str] = mapped_column(Text, default="")
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SeriesMember(Base):
    __tablename__ = "crime_series_member"
    __table_args__ = (UniqueConstraint("series_id", "incident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(
        ForeignKey("crime_series.id", ondelete="CASCADE"), index=True
    )
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)


class Camera(Base):
    """A camera a user registered (a shop's, a residential compound's, a bus's dashcam …)."""

    __tablename__ = "camera"
    __table_args__ = (Index("ix_camera_city", "city"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    city: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    #: Who keeps the footage (a shop, the compound's property manager, a station).
    owner: Mapped[str] = mapped_column(String(200), default="")
    #: The keeper's role: all that another station's canvass is told about the owner.
    owner_role: Mapped[OwnerRole | None] = mapped_column(_enum(OwnerRole))
    #: Where the camera looks, degrees clockwise from north, when known.
    direction_deg: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CanvassItem(Base):
    """Footage requested and obtained from one camera for one incident."""

    __tablename__ = "canvass_item"
    __table_args__ = (UniqueConstraint("incident_id", "source", "camera_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    #: "place" (a surveillance point of the city's map) or "camera" (a registered one).
    source: Mapped[str] = mapped_column(String(8))
    camera_ref: Mapped[int] = mapped_column(Integer)
    status: Mapped[FootageStatus] = mapped_column(_enum(FootageStatus), default=FootageStatus.none)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

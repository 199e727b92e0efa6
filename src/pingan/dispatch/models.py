from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, Float, ForeignKey, Integer, false
from sqlalchemy.orm import Mapped, mapped_column

from pingan.db import Base, UTCDateTime, utcnow


class AssignmentStatus(enum.StrEnum):
    en_route = "en_route"
    on_scene = "on_scene"
    cleared = "cleared"
    cancelled = "cancelled"


class Assignment(Base):
    """One unit sent to one incident, with its times (CAD-style)."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    #: The incident's jurisdiction (who may see this assignment).
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    #: The unit's home station does not hold the incident: sent as mutual aid.
    mutual_aid: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[AssignmentStatus] = mapped_column(
        Enum(AssignmentStatus, native_enum=False, length=16), default=AssignmentStatus.en_route
    )
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    en_route_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Road travel time predicted at dispatch, and its tier (1, 2, 3; 4 = beyond).
    predicted_travel_s: Mapped[float | None] = mapped_column(Float)
    predicted_tier: Mapped[int | None] = mapped_column(Integer)
    #: arrival − the incident's received time, seconds.
    response_s: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

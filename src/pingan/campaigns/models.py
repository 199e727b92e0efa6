"""Tables of campaigns: the campaign, the jurisdictions it covers, its focus places and
its targets."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pingan.db import Base, UTCDateTime, utcnow


class Campaign(Base):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)


class CampaignJurisdiction(Base):
    """A jurisdiction a campaign covers (one campaign per jurisdiction at a time)."""

    __tablename__ = "campaign_jurisdiction"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(
        ForeignKey("jurisdiction.id"), primary_key=True, index=True
    )


class FocusPlace(Base):
    """A barbecue street, night market, bar street…: a point with a radius, or a polygon
    (GeoJSON), watched in its focus hours (``hours_from`` … ``hours_to``, minutes after
    local midnight; ``hours_to < hours_from`` crosses midnight)."""

    __tablename__ = "campaign_focus_place"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[float] = mapped_column(Float, default=150.0)
    polygon: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    osm_place: Mapped[str | None] = mapped_column(String(40), nullable=True)
    hours_from: Mapped[int] = mapped_column(Integer)
    hours_to: Mapped[int] = mapped_column(Integer)


class CampaignTarget(Base):
    """A target: a figure (:data:`pingan.campaigns.catalogue.FIGURES`) of one jurisdiction
    with a direction (``<=`` or ``>=``) and a value."""

    __tablename__ = "campaign_target"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"))
    figure: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(2))
    value: Mapped[float] = mapped_column(Float)

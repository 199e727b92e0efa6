"""Incidents and what they are made of: reports, stolen property, notes, chat messages.

An :class:`Incident` is what an officer works on; each original report or message
that told of it is an :class:`IncidentReport` (merge and split move these between
incidents). Chat messages are all kept (:class:`ChatMessage`), reports or not.
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pingan.db import Base, UTCDateTime, utcnow


class Status(enum.StrEnum):
    received = "received"
    confirmed = "confirmed"
    dispatched = "dispatched"
    on_scene = "on_scene"
    resolved = "resolved"
    closed = "closed"
    rejected = "rejected"
    duplicate = "duplicate"


class Channel(enum.StrEnum):
    api = "api"  # JSON API / web form
    open311 = "open311"
    chat = "chat"  # police–citizen group chat
    hotline = "hotline"  # 110 records imported from CSV
    officer = "officer"  # entered by an officer


def _enum(kind: type[enum.Enum], length: int = 16) -> Enum:
    return Enum(kind, native_enum=False, length=length)


class Incident(Base):
    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_jurisdiction_status", "jurisdiction_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    type: Mapped[str] = mapped_column(String(32), default="other")
    fraud_type: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.received)
    is_draft: Mapped[bool] = mapped_column(Boolean, default=False)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    occurred_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    occurred_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    place_text: Mapped[str | None] = mapped_column(String(300))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    geocode_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    city: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[Channel] = mapped_column(_enum(Channel), default=Channel.api)
    reporter_name: Mapped[str | None] = mapped_column(String(100))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    reporter_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    open311_key_id: Mapped[int | None] = mapped_column(ForeignKey("open311_key.id"), index=True)
    amount_yuan: Mapped[int | None] = mapped_column(Integer)
    property_returned: Mapped[bool] = mapped_column(Boolean, default=False)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    public_token: Mapped[str] = mapped_column(String(43), unique=True)
    #: The status note for the public (Open311 ``status_notes``), written on purpose by staff;
    #: never the internal notes.
    public_note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    reports: Mapped[list[IncidentReport]] = relationship(
        back_populates="incident", order_by="IncidentReport.id"
    )
    items: Mapped[list[StolenItem]] = relationship(
        back_populates="incident", order_by="StolenItem.id"
    )
    notes: Mapped[list[IncidentNote]] = relationship(
        back_populates="incident", order_by="IncidentNote.id"
    )


class IncidentReport(Base):
    """One original report (a form, an Open311 request, a chat message, a hotline record)."""

    __tablename__ = "incident_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel), default=Channel.api)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    text: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(32), default="other")
    occurred_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    occurred_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    place_text: Mapped[str | None] = mapped_column(String(300))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    reporter_name: Mapped[str | None] = mapped_column(String(100))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    reporter_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: The extraction result (``Extraction.to_json()``), as JSON text.
    extraction: Mapped[str | None] = mapped_column(Text)
    #: Where it came from: "line 12" of an import, a chat message id, an Open311 key.
    source_ref: Mapped[str | None] = mapped_column(String(200))

    incident: Mapped[Incident] = relationship(back_populates="reports")


class StolenItem(Base):
    __tablename__ = "stolen_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("incident_report.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="other")
    brand: Mapped[str | None] = mapped_column(String(64))
    colour: Mapped[str | None] = mapped_column(String(32))
    plate: Mapped[str | None] = mapped_column(String(32))
    frame_number: Mapped[str | None] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer, default=1)
    value_yuan: Mapped[int | None] = mapped_column(Integer)

    incident: Mapped[Incident] = relationship(back_populates="items")


class IncidentNote(Base):
    """The history of an incident: status changes, notes, merges and splits."""

    __tablename__ = "incident_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="note")
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    author: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    incident: Mapped[Incident] = relationship(back_populates="notes")


class IdempotencyRecord(Base):
    """The first answer to a (caller, Idempotency-Key) pair; the unique constraint is the lock."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("caller", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    caller: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(200))
    body_sha256: Mapped[str] = mapped_column(String(64))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    response: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChatMessage(Base):
    """One message of a police–citizen group chat, report or chatter."""

    __tablename__ = "chat_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    group_name: Mapped[str] = mapped_column(String(200), default="")
    sender: Mapped[str] = mapped_column(String(100), default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text, default="")
    is_report: Mapped[bool] = mapped_column(Boolean, default=False)
    extraction: Mapped[str | None] = mapped_column(Text)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("incident_report.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Open311Key(Base):
    """An Open311 client's API key (only its SHA-256 is stored) and where it files reports."""

    __tablename__ = "open311_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

"""Tables of the anti-fraud desk: warnings (预警) and the contact attempts on them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pingan.db import Base, UTCDateTime, utcnow


class Tier(enum.StrEnum):
    red = "red"  # money is moving or about to move
    orange = "orange"  # in contact with the scammer, no money yet
    yellow = "yellow"  # exposure only


#: Queue order of the tiers (most urgent first).
TIER_RANK = {Tier.red: 0, Tier.orange: 1, Tier.yellow: 2}


class WarningSource(enum.StrEnum):
    screening = "screening"
    consultation = "consultation"
    manual = "manual"
    referral = "referral"  # a bank's or the 96110 centre's, imported from CSV
    report = "report"  # a fraud report from any intake channel, lifted by the desk


class WarningStatus(enum.StrEnum):
    new = "new"
    assigned = "assigned"
    contacting = "contacting"
    closed = "closed"


class ContactChannel(enum.StrEnum):
    phone = "phone"
    in_person = "in_person"
    via_family = "via_family"


class Outcome(enum.StrEnum):
    dissuaded = "dissuaded"  # 及时劝阻
    self_protected = "self_protected"  # 自主防范
    payment_stopped = "payment_stopped"  # 止付, with the amount
    app_removed = "app_removed"
    already_lost = "already_lost"  # 已受骗, with the amount: a fraud incident is filed
    unreachable = "unreachable"  # escalated to a visit in person


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=20)


class FraudWarning(Base):
    """A person at risk of being defrauded, to be contacted before the due time."""

    __tablename__ = "fraud_warning"

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    #: The person to warn (personal data: masked for roles without personal-data rights).
    target_name: Mapped[str | None] = mapped_column(String(100))
    target_phone: Mapped[str | None] = mapped_column(String(32))
    #: The situation as described (free text: personal data in it is masked on read).
    situation: Mapped[str | None] = mapped_column(Text)
    fraud_type: Mapped[str | None] = mapped_column(String(40))
    tier: Mapped[Tier] = mapped_column(_enum(Tier))
    source: Mapped[WarningSource] = mapped_column(_enum(WarningSource))
    status: Mapped[WarningStatus] = mapped_column(_enum(WarningStatus), default=WarningStatus.new)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: First contact is due by then (by tier, from the settings).
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    first_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[Outcome | None] = mapped_column(_enum(Outcome))
    #: Yuan stopped (止付) or lost (受骗), by the outcome.
    amount_yuan: Mapped[int | None] = mapped_column(Integer)
    #: The fraud incident filed for an "already lost" outcome.
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    #: The fraud report (incident) the warning was lifted from.
    source_incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), unique=True)
    #: Unreachable by phone: a visit in person is due.
    visit_required: Mapped[bool] = mapped_column(Boolean, default=False)


class ContactAttempt(Base):
    """One attempt to reach the person of a warning."""

    __tablename__ = "fraud_contact_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("fraud_warning.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    channel: Mapped[ContactChannel] = mapped_column(_enum(ContactChannel))
    reached: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(500))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class OutreachKind(enum.StrEnum):
    stall = "stall"  # 摆摊宣传
    talk = "talk"  # 讲座


class Venue(enum.StrEnum):
    night_market = "night_market"
    square = "square"
    school = "school"
    company = "company"
    community = "community"
    other = "other"


class OutreachEvent(Base):
    """A stall or a talk (反诈宣传) and the figures stations report for it."""

    __tablename__ = "fraud_outreach"

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    kind: Mapped[OutreachKind] = mapped_column(_enum(OutreachKind))
    venue: Mapped[Venue] = mapped_column(_enum(Venue))
    place_text: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    staff: Mapped[int] = mapped_column(Integer, default=0)
    volunteers: Mapped[int] = mapped_column(Integer, default=0)
    #: People reached (人次), leaflets handed out, 国家反诈中心 app registrations, clues.
    people_reached: Mapped[int] = mapped_column(Integer, default=0)
    leaflets: Mapped[int] = mapped_column(Integer, default=0)
    app_registrations: Mapped[int] = mapped_column(Integer, default=0)
    clues: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class FraudCase(Base):
    """The cases library (典型案例): per fraud type a short case, its signs and what to say,
    in Chinese and English; one per type, edited in place."""

    __tablename__ = "fraud_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    fraud_type: Mapped[str] = mapped_column(String(40), unique=True)
    story_zh: Mapped[str] = mapped_column(Text)
    story_en: Mapped[str] = mapped_column(Text)
    signs_zh: Mapped[str] = mapped_column(Text)
    signs_en: Mapped[str] = mapped_column(Text)
    say_zh: Mapped[str] = mapped_column(Text)
    say_en: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class QuestionChannel(enum.StrEnum):
    consultation = "consultation"  # 是不是诈骗？ on the citizen page
    chat = "chat"  # a group-chat message screened as fraud


class FraudQuestion(Base):
    """A question about a scam, counted as demand (per type and per week). It keeps no
    words of the question (they may hold personal data): the type, the screening's tier and
    confidence, and whether it was answered (a group chat is answered only on a confident
    match)."""

    __tablename__ = "fraud_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    channel: Mapped[QuestionChannel] = mapped_column(_enum(QuestionChannel))
    fraud_type: Mapped[str] = mapped_column(String(40))
    risk: Mapped[str] = mapped_column(String(10))
    confidence: Mapped[float] = mapped_column(Float)
    answered: Mapped[bool] = mapped_column(Boolean)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: The group-chat message asked in (one count per message).
    chat_message_id: Mapped[int | None] = mapped_column(ForeignKey("chat_message.id"), unique=True)

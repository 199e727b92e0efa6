"""Request and response bodies of the incidents API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from pingan.algo.text.lexicon import FRAUD_TYPES, INCIDENT_TYPES
from pingan.bounds import MAX_LIST_ITEMS, Id
from pingan.incidents.models import Channel, Status

#: Longest description accepted through the form/JSON API and Open311 (characters).
MAX_DESCRIPTION_CHARS = 4_000
#: Longest chat message accepted (characters).
MAX_CHAT_CHARS = 10_000


class ItemIn(BaseModel):
    kind: str = Field(default="other", pattern=r"^(ebike|bicycle|phone|car|other)$")
    brand: str | None = Field(default=None, max_length=64)
    colour: str | None = Field(default=None, max_length=32)
    plate: str | None = Field(default=None, max_length=32)
    frame_number: str | None = Field(default=None, max_length=64)
    count: int = Field(default=1, ge=1, le=1000)
    value_yuan: int | None = Field(default=None, ge=0, le=2_147_483_647)


class ItemRead(ItemIn):
    pass


def _check_type(value: str | None) -> str | None:
    if value is not None and value not in INCIDENT_TYPES:
        raise ValueError(f"unknown incident type {value!r}; one of {', '.join(INCIDENT_TYPES)}")
    return value


def _check_fraud_type(value: str | None) -> str | None:
    if value is not None and value not in FRAUD_TYPES:
        raise ValueError(f"unknown fraud type {value!r}; one of {', '.join(FRAUD_TYPES)}")
    return value


class ReportCreate(BaseModel):
    """A citizen's report (web form or JSON API). Type, time, place and items are
    extracted from the description when not given."""

    description: str = Field(max_length=MAX_DESCRIPTION_CHARS)
    type: str | None = None
    fraud_type: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    place_text: str | None = Field(default=None, max_length=300)
    occurred_start: datetime | None = None
    occurred_end: datetime | None = None
    reporter_name: str | None = Field(default=None, max_length=100)
    reporter_phone: str | None = Field(default=None, max_length=32)
    items: list[ItemIn] | None = Field(default=None, max_length=MAX_LIST_ITEMS)

    _type = field_validator("type")(_check_type)
    _fraud = field_validator("fraud_type")(_check_fraud_type)

    @field_validator("occurred_start", "occurred_end")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("the time needs a UTC offset (e.g. 2024-05-01T08:00:00+08:00)")
        return value


class IncidentRead(BaseModel):
    id: int
    type: str
    fraud_type: str | None
    status: Status
    is_draft: bool
    priority: int
    occurred_start: datetime | None
    occurred_end: datetime | None
    received_at: datetime
    place_text: str | None
    lat: float | None
    lon: float | None
    geocode_confidence: float
    description: str
    channel: Channel
    simulated: bool
    reporter_name: str | None
    reporter_phone: str | None
    items: list[ItemRead]
    amount_yuan: int | None
    property_returned: bool
    duplicate_of_id: int | None
    report_count: int
    jurisdiction_code: str
    city: str | None
    public_token: str | None = None
    #: A draft whose type the text classifier was unsure of (its confidence below the
    #: model's threshold): the officer sees "type uncertain" and checks the type.
    type_uncertain: bool = False
    #: The status note the officer wrote for the public (Open311 ``status_notes``).
    public_note: str | None = None
    updated_at: datetime


class IncidentPage(BaseModel):
    items: list[IncidentRead]
    total: int
    offset: int
    limit: int


class ReportStatus(BaseModel):
    """The citizen's status page: no personal data, no internal notes."""

    public_token: str
    type: str
    status: Status
    received_at: datetime
    updated_at: datetime
    history: list[dict[str, str | None]]
    #: The public status note staff wrote (masked like every public read).
    public_note: str | None = None


#: Longest public status note, in characters.
MAX_PUBLIC_NOTE_CHARS = 500


class TransitionIn(BaseModel):
    status: Status
    #: Internal note: staff only, never shown to the public.
    note: str = Field(default="", max_length=4_000)
    #: Public status note (Open311 ``status_notes``), written on purpose; None keeps it.
    public_note: str | None = Field(default=None, max_length=MAX_PUBLIC_NOTE_CHARS)


class PublicNoteIn(BaseModel):
    """The public status note of an incident (an empty text clears it)."""

    text: str = Field(max_length=MAX_PUBLIC_NOTE_CHARS)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=4_000)


class NoteRead(BaseModel):
    id: int
    kind: str
    from_status: str | None
    to_status: str | None
    text: str
    author: str
    at: datetime


class MergeIn(BaseModel):
    other_ids: list[Id] = Field(min_length=1, max_length=100)
    note: str = Field(default="", max_length=4_000)


class SplitIn(BaseModel):
    report_ids: list[Id] = Field(min_length=1, max_length=100)
    note: str = Field(default="", max_length=4_000)


class ReportRead(BaseModel):
    id: int
    incident_id: int
    channel: Channel
    received_at: datetime
    text: str
    type: str
    place_text: str | None
    source_ref: str | None


class ChatMessageIn(BaseModel):
    group: str = Field(default="", max_length=200)
    sender: str = Field(default="", max_length=100)
    sent_at: datetime
    text: str = Field(max_length=MAX_CHAT_CHARS)
    jurisdiction_code: str | None = None


class ChatReply(BaseModel):
    """Advice for a scam question asked in a group chat (see ``pingan.antifraud.demand``)."""

    fraud_type: str
    risk: str
    confidence: float
    call_110: bool
    advice_zh: list[str]
    advice_en: list[str]


class ChatMessageRead(BaseModel):
    id: int
    group: str
    sender: str
    sent_at: datetime
    is_report: bool
    type: str
    incident_id: int | None
    joined_existing: bool
    extraction: dict[str, Any] | None
    #: The answer to post back in the group: the anti-fraud advice, given only when the
    #: message is a scam question matched with confidence (else none).
    reply: ChatReply | None = None


class ImportResult(BaseModel):
    created_incidents: list[int]
    messages: int = 0
    reports: int = 0
    chatter: int = 0
    rows: int = 0
    errors: list[dict[str, str | int]] = []


class ChangesRead(BaseModel):
    items: list[IncidentRead]
    cursor: str

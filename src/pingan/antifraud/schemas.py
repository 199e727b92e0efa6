"""Request and response bodies of the anti-fraud API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from pingan.algo.taxonomy import FRAUD_TYPES
from pingan.antifraud.models import (
    ContactChannel,
    Outcome,
    OutreachKind,
    Tier,
    Venue,
    WarningSource,
    WarningStatus,
)
from pingan.bounds import INT32_MAX

#: Longest situation accepted for screening (characters).
MAX_SITUATION_CHARS = 4_000


class ScreenRequest(BaseModel):
    """A situation described in a person's own words, Chinese or English."""

    text: str = Field(min_length=1, max_length=MAX_SITUATION_CHARS)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("describe the situation: the text is blank")
        return value


class SignRead(BaseModel):
    """A tell-tale sign and the words of the text that show it."""

    sign: str
    label_zh: str
    label_en: str
    evidence: str


class AdviceRead(BaseModel):
    zh: list[str]
    en: list[str]


class ScreeningRead(BaseModel):
    """The answer to "is this a scam?": stored nowhere."""

    fraud: bool
    fraud_type: str | None
    risk: Literal["red", "orange", "yellow", "none"]
    reason_zh: str
    reason_en: str
    signs: list[SignRead]
    advice: AdviceRead
    confidence: float


class WarningCreate(BaseModel):
    """A warning entered at the desk: with a tier (manual), or a situation to screen
    (a red or orange screening becomes a warning; a lesser one is refused)."""

    jurisdiction_code: str | None = Field(default=None, max_length=64)
    target_name: str | None = Field(default=None, max_length=100)
    target_phone: str | None = Field(default=None, max_length=32)
    situation: str | None = Field(default=None, max_length=MAX_SITUATION_CHARS)
    tier: Tier | None = None
    fraud_type: str | None = Field(default=None, max_length=40)

    @field_validator("fraud_type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is not None and value not in FRAUD_TYPES:
            raise ValueError(f"unknown fraud type {value!r}; one of {', '.join(FRAUD_TYPES)}")
        return value


class ContactCreate(BaseModel):
    """One attempt to reach the person: by phone, in person or through their family."""

    channel: ContactChannel
    reached: bool
    note: str | None = Field(default=None, max_length=500)


class OutcomeCreate(BaseModel):
    """How the warning ended; ``payment_stopped`` and ``already_lost`` carry the amount."""

    outcome: Outcome
    amount_yuan: int | None = Field(default=None, ge=1, le=INT32_MAX)
    note: str | None = Field(default=None, max_length=500)


class ContactRead(BaseModel):
    id: int
    at: datetime
    channel: ContactChannel
    reached: bool
    note: str | None


class WarningRead(BaseModel):
    id: int
    jurisdiction_code: str
    target_name: str | None
    target_phone: str | None
    situation: str | None
    fraud_type: str | None
    tier: Tier
    source: WarningSource
    status: WarningStatus
    created_at: datetime
    due_at: datetime
    overdue: bool
    assignee_id: int | None
    first_contact_at: datetime | None
    closed_at: datetime | None
    outcome: Outcome | None
    amount_yuan: int | None
    incident_id: int | None
    source_incident_id: int | None
    visit_required: bool
    contacts: list[ContactRead]


class WarningQueue(BaseModel):
    """Open warnings: overdue first, then by tier, then by due time."""

    overdue: int
    items: list[WarningRead]


class ConsultationCreate(BaseModel):
    """A citizen's "是不是诈骗？ / Is this a scam?": the situation, where they are (a point
    or a station code) and, if they want a call back, a phone number."""

    text: str = Field(min_length=1, max_length=MAX_SITUATION_CHARS)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    jurisdiction_code: str | None = Field(default=None, max_length=64)
    callback_phone: str | None = Field(default=None, max_length=32)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("describe the situation: the text is blank")
        return value

    @field_validator("callback_phone")
    @classmethod
    def _a_phone(cls, value: str | None) -> str | None:
        """Digits (5 to 20), with spaces, dashes and a leading + allowed; blank is none."""
        value = (value or "").strip()
        if not value:
            return None
        digits = value.removeprefix("+").replace(" ", "").replace("-", "")
        if not digits.isascii() or not digits.isdigit() or not 5 <= len(digits) <= 20:
            raise ValueError("the call-back phone is not a phone number")
        return value


class CaseAdvice(BaseModel):
    """What the cases library says to someone facing this type of fraud."""

    signs_zh: str
    signs_en: str
    say_zh: str
    say_en: str


class ConsultationRead(ScreeningRead):
    """The screening, and what happens next: call 110 now (red), the desk was warned; with
    the library's case advice for the type when there is one."""

    call_110: bool
    desk_warned: bool
    case: CaseAdvice | None


class FraudFigureRow(BaseModel):
    """One station's week (see :mod:`pingan.antifraud.figures`)."""

    station: str
    week: str
    red: int
    orange: int
    yellow: int
    contacted_in_time_share: float | None
    median_first_contact_s: float | None
    dissuaded_share: float | None
    amount_stopped_yuan: int
    amount_lost_yuan: int
    #: 同比: fraud incidents and losses against the same days last year (exact Poisson test
    #: on the counts; see :mod:`pingan.antifraud.yoy`).
    fraud_incidents: int
    fraud_incidents_last_year: int
    #: How many of the incidents of both sides are simulated (the demo's history).
    fraud_incidents_simulated: int
    fraud_losses_yuan: int
    fraud_losses_last_year_yuan: int
    fraud_losses_change: float | None
    yoy_change: float | None
    yoy_p_value: float
    yoy_significant: bool
    yoy_verdict: str
    #: Share of the station's residents within a walk of the week's stalls (None: no city).
    outreach_reach_share: float | None = None


class DemandRow(BaseModel):
    """Questions about one fraud type in one week (see :mod:`pingan.antifraud.demand`)."""

    week: str
    fraud_type: str
    questions: int
    consultations: int
    chat: int
    answered: int


class DemandTop(BaseModel):
    fraud_type: str
    questions: int


class DemandRead(BaseModel):
    """Repeated questions as demand: per type and week, and the most-asked scams."""

    weeks: int
    by_week: list[DemandRow]
    top: list[DemandTop]


class ReferralImportResult(BaseModel):
    created_warnings: list[int]
    rows: int


class OutreachCreate(BaseModel):
    """A stall or talk: where (a point and/or a place text, or a station code), when, who,
    and the figures (people reached, leaflets, app registrations, clues)."""

    kind: OutreachKind
    venue: Venue
    place_text: str = Field(min_length=1, max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    jurisdiction_code: str | None = Field(default=None, max_length=64)
    starts_at: datetime
    ends_at: datetime
    staff: int = Field(default=0, ge=0, le=1_000)
    volunteers: int = Field(default=0, ge=0, le=10_000)
    people_reached: int = Field(default=0, ge=0, le=1_000_000)
    leaflets: int = Field(default=0, ge=0, le=1_000_000)
    app_registrations: int = Field(default=0, ge=0, le=1_000_000)
    clues: int = Field(default=0, ge=0, le=100_000)


class OutreachRead(BaseModel):
    id: int
    jurisdiction_code: str
    kind: OutreachKind
    venue: Venue
    place_text: str
    lat: float | None
    lon: float | None
    starts_at: datetime
    ends_at: datetime
    staff: int
    volunteers: int
    people_reached: int
    leaflets: int
    app_registrations: int
    clues: int


class OutreachFigureRow(BaseModel):
    station: str
    week: str
    events: int
    people_reached: int
    leaflets: int
    app_registrations: int
    clues: int


class OutreachFigureReach(BaseModel):
    """Totals of the outreach reach layer (:mod:`pingan.antifraud.reach`)."""

    zones: int
    population: float
    reached: float
    share: float
    stalls: int


class OutreachReachRead(BaseModel):
    """The reach layer: a GeoJSON FeatureCollection of the station's zones, each with its
    ``population``, ``reached`` and ``share``, and the month's placed stalls."""

    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]
    jurisdiction_code: str
    city: str
    #: The city's box (min lon, min lat, max lon, max lat) for the map.
    bbox: list[float]
    month: str
    walk_s: float
    walk_m: float
    population_source: Literal["zones", "network"]
    stalls: list[dict[str, Any]]
    totals: OutreachFigureReach


class SiteWhy(BaseModel):
    zh: str
    en: str


class SiteSuggestionRead(BaseModel):
    """A suggested stall site (:mod:`pingan.antifraud.suggestions`)."""

    rank: int
    lat: float
    lon: float
    name: str
    kind: str
    source: Literal["place", "street"]
    venue: Venue
    demand_covered: float
    incidents: int
    warnings: int
    nearest_stall_m: float | None
    why: SiteWhy


class SiteSuggestionsRead(BaseModel):
    jurisdiction_code: str
    city: str
    month: str
    walk_s: float
    k: int
    stalls: int
    candidates: int
    demand_total: float
    demand_reached: float
    demand_open: float
    suggestions: list[SiteSuggestionRead]


#: Longest text of one field of a library case (characters).
MAX_CASE_CHARS = 4_000


class CaseWrite(BaseModel):
    """A library case: the story, the tell-tale signs and what to say, in zh and en."""

    story_zh: str = Field(min_length=1, max_length=MAX_CASE_CHARS)
    story_en: str = Field(min_length=1, max_length=MAX_CASE_CHARS)
    signs_zh: str = Field(min_length=1, max_length=MAX_CASE_CHARS)
    signs_en: str = Field(min_length=1, max_length=MAX_CASE_CHARS)
    say_zh: str = Field(min_length=1, max_length=MAX_CASE_CHARS)
    say_en: str = Field(min_length=1, max_length=MAX_CASE_CHARS)


class CaseRead(CaseWrite):
    fraud_type: str
    updated_at: datetime

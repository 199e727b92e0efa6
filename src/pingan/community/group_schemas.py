"""Request and answer bodies of drills (演练) and of the group-chat registry and its health."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import annotated_types
from pydantic import BaseModel, Field, field_validator

from pingan.bounds import MAX_LIST_ITEMS, Count, Id
from pingan.community.models import ChatPlatform, DrillKind

#: Longest drill time we take (seconds): a day.
MAX_DRILL_S = 86_400
#: Most people of one kind (police, venue staff) a drill records.
MAX_DRILL_PEOPLE = 10_000

DrillSeconds = Annotated[int, annotated_types.Ge(0), annotated_types.Le(MAX_DRILL_S)]
People = Annotated[int, annotated_types.Ge(0), annotated_types.Le(MAX_DRILL_PEOPLE)]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("needs a UTC offset (e.g. +08:00)")
    return value


class DrillCreate(BaseModel):
    kind: DrillKind = DrillKind.other
    scenario: str = Field(min_length=1, max_length=300)
    held_at: datetime
    #: A grid or station code; default: the caller's station.
    jurisdiction_code: str | None = Field(default=None, max_length=64)
    place_text: str = Field(min_length=1, max_length=300)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    police_count: People = 0
    venue_staff_count: People = 0
    team_ids: list[Id] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    volunteer_ids: list[Id] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    assemble_s: DrillSeconds
    first_action_s: DrillSeconds
    outcome: str = Field(default="", max_length=2000)
    lessons: str = Field(default="", max_length=4000)

    _held_at_aware = field_validator("held_at")(_aware)


class DrillTeamRef(BaseModel):
    id: int
    name: str


class DrillRead(BaseModel):
    id: int
    kind: DrillKind
    scenario: str
    held_at: datetime
    jurisdiction_code: str
    place_text: str
    lat: float | None
    lon: float | None
    police_count: int
    venue_staff_count: int
    teams: list[DrillTeamRef]
    #: Volunteers by reference only (their names are personal data, read on their pages).
    volunteer_ids: list[int]
    assemble_s: int
    first_action_s: int
    outcome: str
    lessons: str
    simulated: bool


class DrillPage(BaseModel):
    items: list[DrillRead]
    total: int


class TeamDrillFigures(BaseModel):
    team_id: int
    team_name: str
    drills: int
    mean_assemble_s: float | None


class ChatGroupCreate(BaseModel):
    platform: ChatPlatform
    external_id: str = Field(min_length=1, max_length=128)
    name: str = Field(min_length=1, max_length=200)
    grid_code: str = Field(min_length=1, max_length=64)
    #: The owning officer's username.
    officer: str = Field(min_length=1, max_length=64)
    #: Other names officers write under in the group (the owner's display name counts too).
    officer_senders: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS
    )
    member_count: Count = 0
    created_on: date


class ChatGroupUpdate(BaseModel):
    """Fields to change (the others stay); a new name links the messages that carry it."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    grid_code: str | None = Field(default=None, min_length=1, max_length=64)
    officer: str | None = Field(default=None, min_length=1, max_length=64)
    officer_senders: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = Field(
        default=None, max_length=MAX_LIST_ITEMS
    )
    member_count: Count | None = None


class ChatGroupRead(BaseModel):
    id: int
    platform: ChatPlatform
    external_id: str
    name: str
    grid_code: str
    officer: str
    officer_name: str
    officer_senders: list[str]
    member_count: int
    created_on: date
    simulated: bool


class ChatGroupPage(BaseModel):
    items: list[ChatGroupRead]
    total: int


class GroupImportResult(BaseModel):
    created_groups: list[int]
    rows: int
    linked_messages: int


class GroupHealthRow(BaseModel):
    group_id: int
    name: str
    platform: ChatPlatform
    grid_code: str
    officer: str
    messages: int
    officer_messages: int
    #: Messages the chat intake filed as reports.
    reports: int
    #: Draft incidents those reports made or joined.
    drafts: int
    questions: int
    answered: int
    median_answer_s: float | None
    last_officer_message_at: datetime | None
    #: No officer message in the 7 days up to the week's end (or now, for this week).
    silent: bool


class GroupHealthTotals(BaseModel):
    groups: int
    messages: int
    reports: int
    drafts: int
    questions: int
    answered: int
    median_answer_s: float | None
    silent_groups: int


class GroupHealthRead(BaseModel):
    week: str
    start: datetime
    end: datetime
    groups: list[GroupHealthRow]
    totals: GroupHealthTotals


class UnansweredGroup(BaseModel):
    group_id: int
    name: str
    grid_code: str
    officer: str
    #: Citizen questions since the last officer message.
    waiting_questions: int
    #: When the oldest of them was asked.
    waiting_since: datetime

"""Group health per ISO week: how the police–citizen groups (警民群) are kept.

For each registered group and an ISO week (Monday 00:00 to Monday 00:00 in the configured
time zone):

- ``messages``: the group's messages sent in the week; ``officer_messages`` those written
  under an officer's name (:func:`pingan.community.groups.officer_names`);
- ``reports``: the messages the chat intake filed as reports, and ``drafts``: the distinct
  draft incidents they made or joined;
- ``questions``: citizens' messages that ask something (:func:`pingan.algo.text.questions.
  is_question`), and ``answered``: those followed by an officer message in the group (up to
  :data:`ANSWER_HORIZON` after the week's end); ``median_answer_s``: the median of
  (officer message − question) in seconds;
- ``silent``: no officer message in the :data:`SILENCE` before the week's end (or now,
  for the current week), for a group created before that span began.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.algo.text.questions import is_question
from pingan.auth.models import User
from pingan.community import groups as registry
from pingan.community.models import ChatGroup, ChatGroupMessage
from pingan.db import utcnow
from pingan.errors import InvalidInput
from pingan.incidents.models import ChatMessage
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

#: A group with no officer message for this long is flagged.
SILENCE = timedelta(days=7)
#: An answer to a question of the week is looked for up to this long after the week's end.
ANSWER_HORIZON = timedelta(days=7)

_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


def week_bounds(week: str, time_zone: str) -> tuple[datetime, datetime]:
    """The start and end (Monday 00:00, local time) of an ISO week written ``2026-W28``."""
    match = _WEEK_RE.match(week)
    if match is None:
        raise InvalidInput(f"{week!r} is not an ISO week like 2026-W28", field="week")
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise InvalidInput(f"{week!r}: no such ISO week", field="week") from None
    start = datetime.combine(monday, time(0), tzinfo=ZoneInfo(time_zone))
    return start, start + timedelta(days=7)


def current_week(now: datetime, time_zone: str) -> str:
    year, number, _ = now.astimezone(ZoneInfo(time_zone)).isocalendar()
    return f"{year}-W{number:02d}"


@dataclass(frozen=True)
class Said:
    """One message as the health figures see it."""

    sent_at: datetime
    by_officer: bool
    asks: bool
    incident_id: int | None


@dataclass(frozen=True)
class Figures:
    messages: int
    officer_messages: int
    reports: int
    drafts: int
    questions: int
    answered: int
    median_answer_s: float | None
    answer_s: tuple[float, ...]
    last_officer_message_at: datetime | None
    silent: bool


def answer_times(said: Sequence[Said], start: datetime, end: datetime) -> list[float | None]:
    """For each citizen question sent in [start, end): seconds until the next officer
    message in the same (time-ordered) sequence, or None when none follows."""
    waits: list[float | None] = []
    pending: list[datetime] = []
    for message in said:
        if message.by_officer:
            waits += [(message.sent_at - asked).total_seconds() for asked in pending]
            pending = []
        elif message.asks and start <= message.sent_at < end:
            pending.append(message.sent_at)
    return waits + [None] * len(pending)


def figures(
    said: Sequence[Said], start: datetime, end: datetime, as_of: datetime, created_on: date
) -> Figures:
    """The week's figures of one group from its messages in time order (pure)."""
    week = [m for m in said if start <= m.sent_at < end]
    reference = min(end, as_of)
    officer_times = [m.sent_at for m in said if m.by_officer and m.sent_at <= reference]
    last = max(officer_times, default=None)
    old_enough = created_on <= (reference - SILENCE).date()
    silent = old_enough and (last is None or last <= reference - SILENCE)
    waits = answer_times(said, start, end)
    answered = tuple(w for w in waits if w is not None)
    incidents = {m.incident_id for m in week if m.incident_id is not None}
    return Figures(
        messages=len(week),
        officer_messages=sum(m.by_officer for m in week),
        reports=sum(m.incident_id is not None for m in week),
        drafts=len(incidents),
        questions=len(waits),
        answered=len(answered),
        median_answer_s=statistics.median(answered) if answered else None,
        answer_s=answered,
        last_officer_message_at=last,
        silent=silent,
    )


def _messages_by_group(
    db_session: Session, groups: Sequence[ChatGroup], since: datetime, until: datetime
) -> dict[int, list[Said]]:
    users = {
        u.id: u
        for u in db_session.scalars(select(User).where(User.id.in_({g.officer_id for g in groups})))
    }
    officers = {g.id: registry.officer_names(g, users[g.officer_id]) for g in groups}
    rows = db_session.execute(
        select(
            ChatGroupMessage.group_id,
            ChatMessage.sent_at,
            ChatMessage.sender,
            ChatMessage.text,
            ChatMessage.incident_id,
        )
        .join(ChatMessage, ChatMessage.id == ChatGroupMessage.message_id)
        .where(
            ChatGroupMessage.group_id.in_(list(officers)),
            ChatMessage.sent_at >= since,
            ChatMessage.sent_at <= until,
        )
        .order_by(ChatMessage.sent_at, ChatMessage.id)
    ).all()
    by_group: dict[int, list[Said]] = defaultdict(list)
    for group_id, sent_at, sender, text, incident_id in rows:
        by_officer = sender in officers[group_id]
        asks = not by_officer and is_question(text)
        by_group[group_id].append(Said(sent_at, by_officer, asks, incident_id))
    return by_group


def _codes(db_session: Session, groups: Sequence[ChatGroup]) -> dict[int, str]:
    ids = {g.jurisdiction_id for g in groups}
    rows = db_session.execute(
        select(Jurisdiction.id, Jurisdiction.code).where(Jurisdiction.id.in_(ids))
    ).all()
    return dict(rows)


def _usernames(db_session: Session, groups: Sequence[ChatGroup]) -> dict[int, str]:
    ids = {g.officer_id for g in groups}
    rows = db_session.execute(select(User.id, User.username).where(User.id.in_(ids))).all()
    return dict(rows)


def week_health(
    db_session: Session,
    principal: Principal,
    week: str,
    time_zone: str,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Each visible group's figures for ``week`` (groups created after it are left out), and
    the totals; the median of the totals is over all answered questions."""
    start, end = week_bounds(week, time_zone)
    as_of = now or utcnow()
    groups = [
        g for g in registry.visible_groups(db_session, principal) if g.created_on < end.date()
    ]
    said = _messages_by_group(db_session, groups, start - SILENCE, min(as_of, end + ANSWER_HORIZON))
    codes, usernames = _codes(db_session, groups), _usernames(db_session, groups)
    rows: list[dict[str, Any]] = []
    waits: list[float] = []
    for group in groups:
        got = figures(said.get(group.id, []), start, end, as_of, group.created_on)
        waits += got.answer_s
        rows.append(
            {
                "group_id": group.id,
                "name": group.name,
                "platform": group.platform,
                "grid_code": codes[group.jurisdiction_id],
                "officer": usernames[group.officer_id],
                "messages": got.messages,
                "officer_messages": got.officer_messages,
                "reports": got.reports,
                "drafts": got.drafts,
                "questions": got.questions,
                "answered": got.answered,
                "median_answer_s": got.median_answer_s,
                "last_officer_message_at": got.last_officer_message_at,
                "silent": got.silent,
            }
        )
    totals: dict[str, Any] = {
        "groups": len(rows),
        "median_answer_s": statistics.median(waits) if waits else None,
        "silent_groups": sum(r["silent"] for r in rows),
    }
    for key in ("messages", "reports", "drafts", "questions", "answered"):
        totals[key] = sum(r[key] for r in rows)
    return {"week": week, "start": start, "end": end, "groups": rows, "totals": totals}


def unanswered_groups(
    db_session: Session, principal: Principal, *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Groups where citizens asked in the last :data:`SILENCE` and no officer has written
    since: the oldest waiting question first."""
    as_of = now or utcnow()
    groups = registry.visible_groups(db_session, principal)
    said = _messages_by_group(db_session, groups, as_of - SILENCE, as_of)
    codes, usernames = _codes(db_session, groups), _usernames(db_session, groups)
    waiting = []
    for group in groups:
        pending: list[datetime] = []
        for message in said.get(group.id, []):
            pending = [] if message.by_officer else pending + [message.sent_at] * message.asks
        if pending:
            waiting.append(
                {
                    "group_id": group.id,
                    "name": group.name,
                    "grid_code": codes[group.jurisdiction_id],
                    "officer": usernames[group.officer_id],
                    "waiting_questions": len(pending),
                    "waiting_since": pending[0],
                }
            )
    return sorted(waiting, key=lambda w: (w["waiting_since"], w["group_id"]))

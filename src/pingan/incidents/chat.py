"""Group-chat intake: every message kept, reports as draft incidents joined by event.

A report becomes a draft incident through the one writer
(:func:`pingan.incidents.intake.file_report`), or joins a draft about the same event
(:func:`pingan.algo.dedup.find_duplicates`). Functions ``flush()``; the request or the
CLI command commits once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import cos, radians
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.algo.dedup import ReportPoint, find_duplicates
from pingan.algo.text import Extraction
from pingan.audit import service as audit
from pingan.config import Settings
from pingan.errors import InvalidInput
from pingan.incidents import rows, writer
from pingan.incidents.intake import file_report
from pingan.incidents.lifecycle import touch, widen_interval
from pingan.incidents.models import Channel, ChatMessage, Incident, IncidentReport, Status
from pingan.incidents.placement import Geocoder, Placed, ReportInput, default_jurisdiction, prepare
from pingan.incidents.schemas import MAX_CHAT_CHARS
from pingan.jurisdictions import service as jurisdictions
from pingan.principal import Principal

#: Chat reports of one type in one jurisdiction join the same draft when
#: :func:`pingan.algo.dedup.find_duplicates` groups them: within this time and distance,
#: with similar words.
DEDUP_WINDOW = timedelta(hours=6)

DEDUP_RADIUS_M = 300.0


@dataclass(frozen=True)
class ChatOutcome:
    message: ChatMessage
    incident: Incident | None
    joined_existing: bool
    extraction: Extraction


def _dedup_candidates(db_session: Session, placed: Placed, incident_type: str) -> list[Incident]:
    at = placed.data.received_at
    return list(
        db_session.scalars(
            select(Incident)
            .where(
                Incident.is_draft.is_(True),
                Incident.status == Status.received,
                Incident.channel == Channel.chat,
                Incident.jurisdiction_id == placed.jurisdiction.id,
                Incident.type == incident_type,
                Incident.received_at >= at - DEDUP_WINDOW,
                Incident.received_at <= at + DEDUP_WINDOW,
            )
            .order_by(Incident.received_at.desc())
            .limit(50)
        )
    )


#: A chat message that names no time tells of something shortly before it was sent.
RECENT = timedelta(minutes=30)


def _dedup_point(
    key: str,
    incident_type: str,
    text: str,
    start: datetime | None,
    end: datetime | None,
    sent_at: datetime,
    lat: float | None,
    lon: float | None,
    place: str | None,
    places: dict[str, int],
    origin: tuple[float, float] | None,
) -> ReportPoint:
    """A report as :func:`pingan.algo.dedup.find_duplicates` sees it.

    Points are projected to metres around ``origin``; a report with place words but no
    point gets a spot of its own per distinct place text, 1,000 km from the real points
    and from each other, so that the same words count as the same place and different
    words as different places.
    """
    x_m = y_m = None
    if lat is not None and lon is not None and origin is not None:
        y_m = (lat - origin[0]) * 111_320.0
        x_m = (lon - origin[1]) * 111_320.0 * cos(radians(origin[0]))
    elif place:
        index = places.setdefault(place, len(places) + 1)
        x_m, y_m = 1e6 * index, 1e6
    if start is None or end is None:
        start, end = sent_at - RECENT, sent_at
    return ReportPoint(key, incident_type, text, start, end, x_m=x_m, y_m=y_m)


def _find_draft(db_session: Session, placed: Placed, incident_type: str) -> Incident | None:
    """The draft that a chat report joins: one whose reports ``find_duplicates`` groups
    with it (same type, within :data:`DEDUP_RADIUS_M` and :data:`DEDUP_WINDOW`, similar
    words), among the drafts of its jurisdiction."""
    candidates = _dedup_candidates(db_session, placed, incident_type)
    if not candidates:
        return None
    by_id = {c.id: c for c in candidates}
    reports = list(
        db_session.scalars(
            select(IncidentReport)
            .where(IncidentReport.incident_id.in_(list(by_id)))
            .order_by(IncidentReport.id)
        )
    )
    places: dict[str, int] = {}
    origin = (placed.lat, placed.lon) if placed.lat is not None and placed.lon is not None else None
    if origin is None:
        origin = next(
            ((r.lat, r.lon) for r in reports if r.lat is not None and r.lon is not None), None
        )
    when = placed.extraction.time
    points = [
        _dedup_point(
            "new",
            incident_type,
            placed.data.text,
            when.start if when else None,
            when.end if when else None,
            placed.data.received_at,
            placed.lat,
            placed.lon,
            placed.data.place_text or placed.extraction.place,
            places,
            origin,
        )
    ]
    points += [
        _dedup_point(
            f"r{r.id}",
            incident_type,
            r.text,
            r.occurred_start,
            r.occurred_end,
            r.received_at,
            r.lat,
            r.lon,
            r.place_text,
            places,
            origin,
        )
        for r in reports
    ]
    owner = {f"r{r.id}": r.incident_id for r in reports}
    for group in find_duplicates(
        points, radius_m=DEDUP_RADIUS_M, window_s=DEDUP_WINDOW.total_seconds()
    ):
        if "new" in group.ids:
            joined = [owner[i] for i in group.ids if i != "new"]
            return by_id[joined[0]] if joined else None
    return None


def _join(db_session: Session, principal: Principal, incident: Incident, placed: Placed) -> int:
    """Add a chat report to the draft it joins; return the new report's id."""
    report_id = writer.add_report(
        db_session, incident.id, rows.report_columns(placed), rows.item_columns(placed)
    )
    if incident.lat is None and placed.lat is not None:
        incident.lat, incident.lon = placed.lat, placed.lon
        incident.geocode_confidence = placed.geocode_confidence
    if incident.place_text is None:
        incident.place_text = placed.extraction.place
    if placed.extraction.time is not None:
        widen_interval(incident, placed.extraction.time.start, placed.extraction.time.end)
    touch(incident)
    audit.record(
        db_session,
        action="incident.report_joined",
        object_type="incident",
        object_id=incident.id,
        principal=principal,
        jurisdiction_id=incident.jurisdiction_id,
    )
    return report_id


def post_chat_message(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    group: str,
    sender: str,
    sent_at: datetime,
    text: str,
    jurisdiction_code: str | None = None,
    source_ref: str | None = None,
    geocode: Geocoder | None = None,
    text_field: str = "text",
    simulated: bool = False,
    from_police: bool = False,
) -> ChatOutcome:
    """Take in one group-chat message.

    Every message is stored. Chatter (thanks, greetings, questions) makes no incident;
    a report becomes a draft incident, or joins a draft about the same event (same
    type, jurisdiction, within :data:`DEDUP_WINDOW` and :data:`DEDUP_RADIUS_M` or the
    same place words). ``simulated`` marks the drafts of a demo's messages (never set by a
    client). ``from_police``: the group's own officer wrote it (an answer or a notice), so
    it is kept and read but files nothing.
    """
    principal.require("chat", "write")
    if sent_at.tzinfo is None:
        raise InvalidInput("sent_at needs a UTC offset (e.g. +08:00)", field="sent_at")
    fallback = default_jurisdiction(principal, "chat", "write")
    if jurisdiction_code:
        node = jurisdictions.get_by_code(db_session, jurisdiction_code)
        principal.check("chat", "write", node.path)
        fallback = node.id
    data = ReportInput(
        text=text,
        channel=Channel.chat,
        received_at=sent_at,
        reporter_name=sender or None,
        source_ref=source_ref,
        text_limit=MAX_CHAT_CHARS,
        text_field=text_field,
        simulated=simulated,
    )
    placed = prepare(db_session, settings, data, fallback, geocode=geocode)
    if not principal.can("chat", "write", placed.jurisdiction.path):
        # as the CSV import: a place in another station's area is refused, not filed there
        raise InvalidInput(
            f"the place lies in {placed.jurisdiction.code}, outside your jurisdiction",
            field=text_field,
        )
    extraction = placed.extraction
    message = ChatMessage(
        jurisdiction_id=placed.jurisdiction.id,
        group_name=group,
        sender=sender,
        sent_at=sent_at,
        text=data.text,
        is_report=extraction.is_report and not from_police,
        extraction=json.dumps(extraction.to_json(), ensure_ascii=False),
    )
    db_session.add(message)
    incident: Incident | None = None
    joined = False
    if message.is_report:
        incident = _find_draft(db_session, placed, extraction.type)
        joined = incident is not None
        if incident is None:
            written = file_report(db_session, placed, principal=principal, is_draft=True)
            incident = db_session.get_one(Incident, written.incident_id)
            report_id = written.report_id
        else:
            report_id = _join(db_session, principal, incident, placed)
        message.incident_id = incident.id
        message.report_id = report_id
    db_session.flush()
    return ChatOutcome(message, incident, joined, extraction)


def store_chatter(
    db_session: Session,
    principal: Principal,
    *,
    group: str,
    sender: str,
    sent_at: datetime,
    text: str,
    jurisdiction_code: str | None = None,
) -> ChatMessage:
    """Keep a message without words (emoji, stickers) of a chat export as chatter."""
    principal.require("chat", "write")
    jurisdiction_id = default_jurisdiction(principal, "chat", "write")
    if jurisdiction_code:
        node = jurisdictions.get_by_code(db_session, jurisdiction_code)
        principal.check("chat", "write", node.path)
        jurisdiction_id = node.id
    message = ChatMessage(
        jurisdiction_id=jurisdiction_id,
        group_name=group,
        sender=sender,
        sent_at=sent_at,
        text=text,
        is_report=False,
    )
    db_session.add(message)
    db_session.flush()
    return message


def chat_message_json(outcome: ChatOutcome) -> dict[str, Any]:
    message = outcome.message
    return {
        "id": message.id,
        "group": message.group_name,
        "sender": message.sender,
        "sent_at": message.sent_at,
        "is_report": message.is_report,
        "type": outcome.extraction.type,
        "incident_id": message.incident_id,
        "joined_existing": outcome.joined_existing,
        "extraction": outcome.extraction.to_json(),
    }

"""The printed ledger (台账) a station hands upward: one XLSX workbook with sheets for
sites, control rooms, operators, duty flags, inspections, hazards and drills, for one
jurisdiction's subtree and one period.

Personal data is masked unless the caller's role may see it (the one masking function;
unmasked reads audited). Every string is written as text: a value that begins with
``=``, ``+``, ``-`` or ``@`` stays the text it is, never a formula a spreadsheet would run.
The sites, control-room and operator sheets have the columns the import reads, so a
workbook exported here imports again.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import InvalidInput
from pingan.ledgers import control_rooms, sites
from pingan.ledgers.hazards import hazard_rows
from pingan.ledgers.models import DutyShift, Inspection, InspectionItem, TrainingSession
from pingan.ledgers.workbook import OPERATOR_FIELDS, ROOM_FIELDS, SITE_FIELDS
from pingan.principal import Principal
from pingan.sheets import put_cell

SHIFT_COLUMNS = ("control_room_code", "site_code", "starts_at", "ends_at", "on_duty", "flags")
INSPECTION_COLUMNS = (
    "id", "site_code", "kind", "at", "inspectors", "failed", "corrected_on_spot", "signed",
)  # fmt: skip
HAZARD_COLUMNS = (
    "id", "site_code", "site_name", "item_code", "severity", "status", "found_at", "deadline",
    "days_overdue", "measures", "department", "responsible_name", "escalated",
)  # fmt: skip
DRILL_COLUMNS = ("site_code", "held_on", "kind", "attendee_count", "duration_min")


def _sheet(book: Workbook, title: str, columns: Sequence[str], rows: list[dict[str, Any]]) -> None:
    sheet = book.create_sheet(title)
    for column, name in enumerate(columns, start=1):
        put_cell(sheet, 1, column, name)
    for number, row in enumerate(rows, start=2):
        for column, name in enumerate(columns, start=1):
            put_cell(sheet, number, column, row.get(name))


def _room_row(room: dict[str, Any]) -> dict[str, Any]:
    systems = {
        name: state["mode"] + ("/fault" if state.get("state") == "fault" else "")
        for name, state in room["systems"].items()
        if state
    }
    return {**room, **systems}


def check_period(start: date | None, end: date | None) -> None:
    """Days between the years 2000 and 2100, the first not after the last."""
    for name, day in (("from", start), ("to", end)):
        if day is not None and not 2000 <= day.year <= 2100:
            raise InvalidInput("dates must lie between the years 2000 and 2100", field=name)
    if start is not None and end is not None and start > end:
        raise InvalidInput("the period ends before it starts", field="to")


def _between(start: date, end: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time(), zone).astimezone(UTC),
        datetime.combine(end, time.max, zone).astimezone(UTC),
    )


def export_workbook(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    jurisdiction_code: str | None,
    start: date | None = None,
    end: date | None = None,
) -> bytes:
    """The ledger of ``jurisdiction_code``'s subtree (the caller's stations when None) for
    ``start`` … ``end`` (default: the last 12 months), as XLSX bytes."""
    check_period(start, end)
    zone = ZoneInfo(settings.time_zone)
    today = utcnow().astimezone(zone).date()
    end = end or today
    start = start or date(end.year - 1, end.month, 1)
    since, until = _between(start, end, zone)
    site_rows = sites.visible_sites(db_session, principal, jurisdiction_code=jurisdiction_code)
    site_json = sites.read_sites(db_session, principal, site_rows)
    codes = {row["id"]: row["code"] for row in site_json}
    site_ids = list(codes)
    rooms = [
        (room, site, node)
        for room, site, node in control_rooms.visible_rooms(db_session, principal)
        if site.id in codes
    ]
    room_json = control_rooms.read_rooms(db_session, principal, rooms)
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    _sheet(book, "sites", SITE_FIELDS, site_json)
    _sheet(book, "control_rooms", ROOM_FIELDS, [_room_row(r) for r in room_json])
    _sheet(
        book,
        "operators",
        OPERATOR_FIELDS,
        [{**o, "control_room_code": r["code"]} for r in room_json for o in r["operators"]],
    )
    room_codes = {room.id: (room.code, codes[site.id]) for room, site, _ in rooms}
    _sheet(book, "duty_flags", SHIFT_COLUMNS, _shift_rows(db_session, room_codes, since, until))
    _sheet(
        book,
        "inspections",
        INSPECTION_COLUMNS,
        _inspection_rows(db_session, codes, since, until),
    )
    hazards = hazard_rows(db_session, principal, site_ids=site_ids, since=since, until=until)
    _sheet(book, "hazards", HAZARD_COLUMNS, hazards)
    _sheet(book, "drills", DRILL_COLUMNS, _drill_rows(db_session, codes, start, end))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _shift_rows(
    db_session: Session,
    room_codes: dict[int, tuple[str, str]],
    since: datetime,
    until: datetime,
) -> list[dict[str, Any]]:
    shifts = db_session.scalars(
        select(DutyShift)
        .where(
            DutyShift.control_room_id.in_(list(room_codes)),
            DutyShift.flagged.is_(True),
            DutyShift.starts_at >= since,
            DutyShift.starts_at <= until,
        )
        .order_by(DutyShift.starts_at)
    )
    return [
        {
            "control_room_code": room_codes[s.control_room_id][0],
            "site_code": room_codes[s.control_room_id][1],
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "on_duty": len(s.on_duty),
            "flags": ", ".join(s.flags),
        }
        for s in shifts
    ]


def _inspection_rows(
    db_session: Session, codes: dict[int, str], since: datetime, until: datetime
) -> list[dict[str, Any]]:
    found = list(
        db_session.scalars(
            select(Inspection)
            .where(
                Inspection.site_id.in_(list(codes)),
                Inspection.at >= since,
                Inspection.at <= until,
            )
            .order_by(Inspection.at)
        )
    )
    items: dict[int, list[InspectionItem]] = {i.id: [] for i in found}
    for item in db_session.scalars(
        select(InspectionItem).where(InspectionItem.inspection_id.in_(list(items)))
    ):
        items[item.inspection_id].append(item)
    return [
        {
            "id": i.id,
            "site_code": codes[i.site_id],
            "kind": i.kind.value,
            "at": i.at,
            "inspectors": len(i.inspectors),
            "failed": ", ".join(x.code for x in items[i.id] if x.result.value == "failed"),
            "corrected_on_spot": ", ".join(x.code for x in items[i.id] if x.corrected_on_spot),
            "signed": bool(i.signature),
        }
        for i in found
    ]


def _drill_rows(
    db_session: Session, codes: dict[int, str], start: date, end: date
) -> list[dict[str, Any]]:
    sessions = db_session.scalars(
        select(TrainingSession)
        .where(
            TrainingSession.site_id.in_(list(codes)),
            TrainingSession.held_on >= start,
            TrainingSession.held_on <= end,
        )
        .order_by(TrainingSession.held_on)
    )
    return [
        {
            "site_code": codes[s.site_id],
            "held_on": s.held_on,
            "kind": s.kind.value,
            "attendee_count": s.attendee_count,
            "duration_min": s.duration_min,
        }
        for s in sessions
    ]

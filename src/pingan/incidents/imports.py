"""Bulk intake: a group-chat export file and hotline (110) CSV records.

Chat export lines look like ``2026-07-03 21:14 张三: 我的电动车被偷了`` (seconds and a
full-width colon are accepted); a line that does not start with a time continues the
message before it. CSV records are mapped column by column onto report fields.
Both are all-or-nothing by default: the first bad line (and column) is named and
nothing is stored. ``partial=True`` keeps the good CSV rows and lists the bad ones.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from pingan.algo.text.lexicon import INCIDENT_TYPES
from pingan.config import Settings
from pingan.errors import InvalidInput, PinganError
from pingan.incidents import chat, writer
from pingan.incidents.models import Channel
from pingan.incidents.placement import Geocoder, Placed, ReportInput, default_jurisdiction, prepare
from pingan.incidents.privacy import has_words
from pingan.incidents.rows import pending_report
from pingan.incidents.schemas import MAX_DESCRIPTION_CHARS
from pingan.principal import Principal

_HEADER = re.compile(
    r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})[ T](?P<time>\d{1,2}:\d{2}(?::\d{2})?)\s+"
    r"(?P<sender>[^:：]{1,100}?)\s*[:：]\s?(?P<text>.*)$"
)
_LOOKS_DATED = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")

#: Largest file accepted (bytes).
MAX_FILE_BYTES = 5_000_000


def decode_upload(raw: bytes, field: str = "file") -> str:
    """UTF-8 (with or without BOM) without NUL characters, or a clear error naming the line
    of the first bad byte."""
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidInput(f"the file is larger than {MAX_FILE_BYTES} bytes", field=field)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            f"line {line}: the file is not valid UTF-8 (byte {exc.start})", field=f"line {line}"
        ) from None
    if "\x00" in text:  # PostgreSQL refuses NUL in text; no text file carries one
        line = text[: text.index("\x00")].count("\n") + 1
        raise InvalidInput(
            f"line {line}: the file contains a NUL character (not a text file?)",
            field=f"line {line}",
        )
    return text


@dataclass(frozen=True)
class ChatLine:
    line: int
    sent_at: datetime
    sender: str
    text: str


def parse_chat_export(text: str, tz: str) -> list[ChatLine]:
    """Split a chat export into messages (multi-line messages joined with newlines)."""
    zone = ZoneInfo(tz)
    messages: list[dict[str, Any]] = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip()
        match = _HEADER.match(line)
        if match is None:
            if _LOOKS_DATED.match(line):
                raise InvalidInput(
                    f"line {number}: expected 'YYYY-MM-DD HH:MM name: text'", field=f"line {number}"
                )
            if not line.strip():
                continue
            if not messages:
                raise InvalidInput(
                    f"line {number}: the file must start with a message line "
                    "'YYYY-MM-DD HH:MM name: text'",
                    field=f"line {number}",
                )
            messages[-1]["text"] += "\n" + line.strip()
            continue
        try:
            stamp = datetime.fromisoformat(
                f"{_pad_date(match['date'])} {_pad_time(match['time'])}"
            ).replace(tzinfo=zone)
        except ValueError:
            raise InvalidInput(
                f"line {number}: {match['date']} {match['time']} is not a valid date and time",
                field=f"line {number}",
            ) from None
        messages.append(
            {
                "line": number,
                "sent_at": stamp,
                "sender": match["sender"].strip(),
                "text": match["text"].strip(),
            }
        )
    if not messages:
        raise InvalidInput("the file holds no messages", field="file")
    return [ChatLine(**m) for m in messages]


def _pad_date(value: str) -> str:
    year, month, day = value.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _pad_time(value: str) -> str:
    parts = value.split(":")
    return ":".join(f"{int(p):02d}" for p in parts)


def import_chat(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    raw: bytes,
    *,
    group: str = "",
    jurisdiction_code: str | None = None,
    geocode: Geocoder | None = None,
) -> dict[str, Any]:
    """Take in a whole chat export; any bad line stops it with nothing stored.

    Messages without words (emoji, stickers, an empty image line) are kept as chatter.
    """
    principal.require("chat", "write")
    lines = parse_chat_export(decode_upload(raw), settings.time_zone)
    created: list[int] = []
    reports = chatter = 0
    for line in lines:
        where = f"line {line.line}"
        if not has_words(line.text):  # stickers, emoji, images: chatter
            chat.store_chatter(
                db_session,
                principal,
                group=group,
                sender=line.sender,
                sent_at=line.sent_at,
                text=line.text,
                jurisdiction_code=jurisdiction_code,
            )
            chatter += 1
            continue
        try:
            outcome = chat.post_chat_message(
                db_session,
                settings,
                principal,
                group=group,
                sender=line.sender,
                sent_at=line.sent_at,
                text=line.text,
                jurisdiction_code=jurisdiction_code,
                source_ref=where,
                geocode=geocode,
                text_field=where,
            )
        except InvalidInput as exc:
            raise InvalidInput(f"{where}: {exc.message}", field=where) from None
        if outcome.message.is_report:
            reports += 1
            if outcome.incident is not None and not outcome.joined_existing:
                created.append(outcome.incident.id)
        else:
            chatter += 1
    return {
        "created_incidents": created,
        "messages": len(lines),
        "reports": reports,
        "chatter": chatter,
        "rows": len(lines),
        "errors": [],
    }


# --------------------------------------------------------------------------- CSV

#: Report fields a CSV column can map to; ``received_at`` and ``description`` are required.
CSV_FIELDS = (
    "received_at",
    "description",
    "type",
    "place_text",
    "lat",
    "lon",
    "reporter_name",
    "reporter_phone",
    "occurred_start",
    "occurred_end",
)
REQUIRED_CSV_FIELDS = ("received_at", "description")


def parse_mapping(text: str) -> dict[str, str]:
    """``received_at=报警时间,description=内容`` (or a JSON object) → field → column."""
    import json

    text = text.strip()
    if text.startswith("{"):
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                f"the mapping is not valid JSON: {exc.msg}", field="mapping"
            ) from None
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            raise InvalidInput("the mapping must map field names to column names", field="mapping")
        return mapping
    mapping = {}
    for part in text.split(","):
        if not part.strip():
            continue
        field_name, sep, column = part.partition("=")
        if not sep:
            raise InvalidInput(
                f"mapping entry {part!r} must look like field=column", field="mapping"
            )
        mapping[field_name.strip()] = column.strip()
    return mapping


def _check_mapping(mapping: dict[str, str], header: list[str]) -> None:
    unknown = [f for f in mapping if f not in CSV_FIELDS]
    if unknown:
        raise InvalidInput(
            f"unknown field {unknown[0]!r} in the mapping; fields: {', '.join(CSV_FIELDS)}",
            field="mapping",
        )
    missing = [f for f in REQUIRED_CSV_FIELDS if f not in mapping]
    if missing:
        raise InvalidInput(f"the mapping must name a column for {missing[0]}", field="mapping")
    absent = [c for c in mapping.values() if c not in header]
    if absent:
        raise InvalidInput(
            f"line 1: the header has no column {absent[0]!r} (columns: {', '.join(header)})",
            field="line 1",
        )


def _parse_time(value: str, zone: ZoneInfo) -> datetime:
    cleaned = value.strip().replace("/", "-")
    parsed = datetime.fromisoformat(cleaned)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def _row_input(
    row: dict[str, str], mapping: dict[str, str], zone: ZoneInfo, line: int
) -> ReportInput:
    def cell(name: str) -> str:
        column = mapping.get(name)
        return (row.get(column) or "").strip() if column else ""

    def fail(name: str, reason: str) -> InvalidInput:
        where = f"line {line}, column {mapping[name]}"
        return InvalidInput(f"{where}: {reason}", field=where)

    values: dict[str, Any] = {}
    for name in ("received_at", "occurred_start", "occurred_end"):
        raw = cell(name)
        if not raw:
            if name == "received_at":
                raise fail(name, "a time is required")
            continue
        try:
            values[name] = _parse_time(raw, zone)
        except ValueError:
            raise fail(name, f"{raw!r} is not a date and time (YYYY-MM-DD HH:MM)") from None
    for name in ("lat", "lon"):
        raw = cell(name)
        if raw:
            try:
                values[name] = float(raw)
            except ValueError:
                raise fail(name, f"{raw!r} is not a number") from None
    incident_type = cell("type") or None
    if incident_type is not None and incident_type not in INCIDENT_TYPES:
        raise fail("type", f"unknown incident type {incident_type!r}")
    description = cell("description")
    if not description:
        raise fail("description", "the text is empty")
    return ReportInput(
        text=description,
        channel=Channel.hotline,
        received_at=values["received_at"],
        type=incident_type,
        lat=values.get("lat"),
        lon=values.get("lon"),
        place_text=cell("place_text") or None,
        occurred_start=values.get("occurred_start"),
        occurred_end=values.get("occurred_end"),
        reporter_name=cell("reporter_name") or None,
        reporter_phone=cell("reporter_phone") or None,
        source_ref=f"line {line}",
        text_limit=MAX_DESCRIPTION_CHARS,
        text_field=f"line {line}, column {mapping['description']}",
        point_field=f"line {line}, column {mapping.get('lat', 'lat')}",
    )


def import_csv(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    raw: bytes,
    mapping: dict[str, str],
    *,
    partial: bool = False,
    geocode: Geocoder | None = None,
) -> dict[str, Any]:
    """Import hotline records; all-or-nothing unless ``partial``.

    Every row is checked and placed first; only when all rows are good (or ``partial``)
    are the good ones stored, so a failure never leaves part of the file behind.
    """
    principal.require("incident", "write")
    text = decode_upload(raw)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise InvalidInput("line 1: the file has no header row", field="line 1")
    reader.fieldnames = header
    _check_mapping(mapping, header)
    zone = ZoneInfo(settings.time_zone)
    fallback = default_jurisdiction(principal, "incident", "write")
    good: list[Placed] = []
    errors: list[dict[str, str | int]] = []
    rows = 0
    for row in reader:
        rows += 1
        line = reader.line_num
        try:
            data = _row_input(row, mapping, zone, line)
            placed = prepare(db_session, settings, data, fallback, geocode=geocode)
            if not principal.can("incident", "write", placed.jurisdiction.path):
                raise InvalidInput(
                    f"line {line}: the place lies in {placed.jurisdiction.code}, outside your "
                    "jurisdiction",
                    field=f"line {line}",
                )
        except PinganError as exc:
            message = exc.message
            if not message.startswith("line "):
                message = f"{exc.field or f'line {line}'}: {message}"
            if not partial:
                raise InvalidInput(message, field=exc.field or f"line {line}") from None
            errors.append({"line": line, "field": exc.field or "", "message": message})
            continue
        good.append(placed)
    if rows == 0:
        raise InvalidInput("the file holds no records", field="file")
    pending = [pending_report(placed, principal=principal) for placed in good]
    created = [written.incident_id for written in writer.write(db_session, pending)]
    return {
        "created_incidents": created,
        "messages": 0,
        "reports": len(created),
        "chatter": 0,
        "rows": rows,
        "errors": errors,
    }

"""Ledgers from spreadsheets: XLSX (openpyxl) or CSV, columns mapped onto fields, all or
nothing.

A workbook's sheet is the one named after what is imported (``sites``,
``control_rooms``, ``operators``), else its first sheet; a CSV file is one sheet named
``csv``. Row 1 is the header; a mapping ``field=column`` names the column of a field
whose header differs from the field's name. Every row is read and checked before
anything is stored; the first bad cell is named by sheet, line and column
(``sheet sites, line 4, column opening_hours: ...``). A formula in a cell is refused:
a ledger holds values, and a formula is not one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.config import Settings
from pingan.errors import InvalidInput, PinganError
from pingan.incidents.imports import MAX_FILE_BYTES, decode_upload
from pingan.ledgers import control_rooms, duty, sites
from pingan.ledgers.models import ControlRoom, Operator, Site, Source
from pingan.ledgers.schemas import (
    SYSTEMS,
    ControlRoomWrite,
    OperatorWrite,
    ShiftWrite,
    SiteWrite,
)
from pingan.principal import Principal

ModelT = TypeVar("ModelT", bound=BaseModel)

SITE_FIELDS = (
    "code",
    "name",
    "category",
    "address",
    "lat",
    "lon",
    "grid_code",
    "responsible_name",
    "responsible_phone",
    "manager_name",
    "manager_phone",
    "opening_hours",
    "key_unit",
)
ROOM_FIELDS = ("code", "site_code", "location", "surveyed_at", *SYSTEMS)
OPERATOR_FIELDS = ("control_room_code", "name", "certificate_no", "level", "expires_on")
#: A duty record (值班记录) per row: ``on_duty`` as ``name:certificate;name:certificate``,
#: ``entries`` as times ``HH:MM;HH:MM`` (on the shift's days) or full dates and times, and
#: at most one alarm.
SHIFT_FIELDS = (
    "control_room_code", "starts_at", "ends_at", "on_duty", "handover_to", "entries",
    "alarm_controller", "linkage_controller", "sprinkler_pump", "hydrant_pump",
    "alarm_received_at", "alarm_confirmed_at", "alarm_nature", "alarm_location",
    "alarm_reported",
)  # fmt: skip
FIELDS = {
    "sites": SITE_FIELDS,
    "control_rooms": ROOM_FIELDS,
    "operators": OPERATOR_FIELDS,
    "shifts": SHIFT_FIELDS,
}
REQUIRED = {
    "sites": ("code", "name", "category"),
    "control_rooms": ("code", "site_code"),
    "operators": ("control_room_code", "name"),
    "shifts": ("control_room_code", "starts_at", "ends_at", "on_duty"),
}
#: Most rows one import takes.
MAX_ROWS = 20_000
Cell = str | int | float | bool | date | datetime | None


@dataclass(frozen=True)
class Table:
    """One sheet: its name, header and rows (line number, cells)."""

    sheet: str
    header: list[str]
    rows: list[tuple[int, list[Cell]]]


class Where:
    """Names the cell at fault: ``sheet sites, line 4, column name``."""

    def __init__(self, sheet: str, line: int, column: str | None = None) -> None:
        self.text = f"sheet {sheet}, line {line}" + (f", column {column}" if column else "")

    def fail(self, reason: str) -> InvalidInput:
        return InvalidInput(f"{self.text}: {reason}", field=self.text)


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _value(value: object) -> Cell:
    """A cell's value as one of the kinds rows hold (anything else as its text)."""
    if value is None or isinstance(value, (str, int, float, bool, date, datetime)):
        return value
    return str(value)


def _xlsx_table(raw: bytes, kind: str) -> Table:
    """The sheet's rows; a file openpyxl cannot read (any of its many failures on a broken
    or hostile file) is refused as one."""
    try:
        return _xlsx_rows(raw, kind)
    except PinganError:
        raise
    except Exception as exc:
        raise InvalidInput(
            f"not a readable XLSX workbook ({type(exc).__name__})", field="file"
        ) from None


def _xlsx_rows(raw: bytes, kind: str) -> Table:
    book = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    sheet = book[kind] if kind in book.sheetnames else book.worksheets[0]
    rows: list[tuple[int, list[Cell]]] = []
    header: list[str] = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        cells: list[Cell] = []
        for column, cell in enumerate(row, start=1):
            if cell.data_type == "f":
                name = header[column - 1] if column <= len(header) else f"#{column}"
                raise Where(sheet.title, number, name).fail(
                    "a formula is refused; type the value itself"
                )
            cells.append(_value(cell.value))
        if number == 1:
            header = [_text(c) for c in cells]
        elif any(_text(c) for c in cells):
            rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise InvalidInput(f"more than {MAX_ROWS} rows", field="file")
    book.close()
    return Table(sheet.title, header, rows)


def _csv_table(raw: bytes) -> Table:
    reader = csv.reader(io.StringIO(decode_upload(raw), newline=""))
    header: list[str] = []
    rows: list[tuple[int, list[Cell]]] = []
    for values in reader:
        if not header:
            header = [v.strip() for v in values]
            continue
        if any(v.strip() for v in values):
            rows.append((reader.line_num, list(values)))
        if len(rows) > MAX_ROWS:
            raise InvalidInput(f"more than {MAX_ROWS} rows", field="file")
    return Table("csv", header, rows)


def read_table(raw: bytes, kind: str) -> Table:
    """The sheet to import from an XLSX workbook or a CSV file (told apart by content)."""
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidInput(f"the file is larger than {MAX_FILE_BYTES} bytes", field="file")
    table = _xlsx_table(raw, kind) if raw[:2] == b"PK" else _csv_table(raw)
    if not any(table.header):
        raise Where(table.sheet, 1).fail("the sheet has no header row")
    return table


def columns_for(table: Table, kind: str, mapping: dict[str, str]) -> dict[str, int]:
    """Field → column index, by the mapping and else by the field's own name."""
    fields = FIELDS[kind]
    unknown = [f for f in mapping if f not in fields]
    if unknown:
        raise InvalidInput(
            f"unknown field {unknown[0]!r} in the mapping; fields: {', '.join(fields)}",
            field="mapping",
        )
    found: dict[str, int] = {}
    for field in fields:
        column = mapping.get(field, field)
        if column in table.header:
            found[field] = table.header.index(column)
        elif field in mapping or field in REQUIRED[kind]:
            raise Where(table.sheet, 1, column).fail(
                f"the header has no column {column!r} (columns: {', '.join(table.header)})"
            )
    return found


class Row:
    """One row read through the mapping; errors name its sheet, line and column."""

    def __init__(
        self, table: Table, line: int, cells: list[Cell], columns: dict[str, int], zone: ZoneInfo
    ) -> None:
        self.table, self.line, self.cells, self.columns, self.zone = (
            table,
            line,
            cells,
            columns,
            zone,
        )

    def where(self, field: str | None = None) -> Where:
        column = self.table.header[self.columns[field]] if field in self.columns else field
        return Where(self.table.sheet, self.line, column)

    def raw(self, field: str) -> Cell:
        index = self.columns.get(field)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def text(self, field: str) -> str:
        return _text(self.raw(field))

    def day(self, field: str) -> date | None:
        value = self.raw(field)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise self.where(field).fail(f"{text!r} is not a date (YYYY-MM-DD)") from None

    def moment(self, field: str) -> datetime | None:
        value = self.raw(field)
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        if not isinstance(value, datetime):
            text = _text(value)
            if not text:
                return None
            try:
                value = datetime.fromisoformat(text)
            except ValueError:
                raise self.where(field).fail(
                    f"{text!r} is not a date and time (YYYY-MM-DD HH:MM)"
                ) from None
        return value if value.tzinfo is not None else value.replace(tzinfo=self.zone)

    def model(self, kind: type[ModelT], values: dict[str, Any]) -> ModelT:
        """``values`` checked by the schema; the first error names its column."""
        try:
            return kind.model_validate(values)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = str(error["loc"][0]) if error["loc"] else None
            reason = error["msg"].removeprefix("Value error, ")
            raise self.where(field).fail(reason) from None


def _flag(row: Row, field: str) -> bool:
    value = row.raw(field)
    if isinstance(value, bool):
        return value
    text = row.text(field).lower()
    if text in ("", "0", "false", "no", "n", "否"):
        return False
    if text in ("1", "true", "yes", "y", "是"):
        return True
    raise row.where(field).fail(f"{text!r} is not yes or no")


def _number(row: Row, field: str) -> float | None:
    text = row.text(field)
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise row.where(field).fail(f"{text!r} is not a number") from None


def site_from_row(row: Row, station_code: str | None) -> SiteWrite:
    values: dict[str, Any] = {name: row.text(name) for name in SITE_FIELDS if name in row.columns}
    values.update(lat=_number(row, "lat"), lon=_number(row, "lon"), key_unit=_flag(row, "key_unit"))
    values["grid_code"] = values.get("grid_code") or None
    values["jurisdiction_code"] = station_code
    return row.model(SiteWrite, values)


def _system(row: Row, name: str) -> dict[str, str] | None:
    text = row.text(name).lower()
    if not text:
        return None
    mode, _, state = text.partition("/")
    if mode not in ("auto", "manual") or state not in ("", "normal", "fault"):
        raise row.where(name).fail(f"{text!r} is not auto or manual (optionally /fault)")
    return {"mode": mode, "state": state or "normal"}


def room_from_row(row: Row) -> ControlRoomWrite:
    systems = {name: s for name in SYSTEMS if (s := _system(row, name)) is not None}
    values = {
        "code": row.text("code"),
        "site_code": row.text("site_code"),
        "location": row.text("location"),
        "surveyed_at": row.moment("surveyed_at"),
        "systems": systems,
    }
    return row.model(ControlRoomWrite, values)


def operator_from_row(row: Row) -> tuple[str, OperatorWrite]:
    values = {
        "name": row.text("name"),
        "certificate_no": row.text("certificate_no"),
        "level": row.text("level"),
        "expires_on": row.day("expires_on"),
    }
    return row.text("control_room_code"), row.model(OperatorWrite, values)


def _people(row: Row) -> list[dict[str, str]]:
    people = []
    for part in row.text("on_duty").replace("；", ";").split(";"):
        name, _, number = part.strip().partition(":")
        if name.strip():
            people.append({"name": name.strip(), "certificate_no": number.strip()})
    return people


def _entries(row: Row, start: datetime | None) -> list[datetime]:
    """Times ``HH:MM`` on the shift's days (after its start), or full dates and times."""
    out = []
    for part in row.text("entries").replace("；", ";").split(";"):
        text = part.strip()
        if not text:
            continue
        try:
            if len(text) <= 5 and start is not None:
                moment = datetime.combine(start.date(), time.fromisoformat(text), start.tzinfo)
                out.append(moment if moment >= start else moment + timedelta(days=1))
            else:
                parsed = datetime.fromisoformat(text)
                out.append(parsed if parsed.tzinfo else parsed.replace(tzinfo=row.zone))
        except ValueError:
            raise row.where("entries").fail(f"{text!r} is not a time (HH:MM)") from None
    return out


def shift_from_row(row: Row) -> ShiftWrite:
    start = row.moment("starts_at")
    systems = {
        name: s for name in ("alarm_controller", "linkage_controller", "sprinkler_pump",
                             "hydrant_pump") if (s := _system(row, name)) is not None
    }  # fmt: skip
    alarms = []
    received = row.moment("alarm_received_at")
    if received is not None:
        alarms.append(
            {
                "received_at": received,
                "confirmed_at": row.moment("alarm_confirmed_at"),
                "nature": row.text("alarm_nature") or "false_alarm",
                "location": row.text("alarm_location"),
                "reported": _flag(row, "alarm_reported"),
            }
        )
    values = {
        "control_room_code": row.text("control_room_code"),
        "starts_at": start,
        "ends_at": row.moment("ends_at"),
        "on_duty": _people(row),
        "handover_to": row.text("handover_to"),
        "entries": _entries(row, start),
        "systems": systems,
        "alarms": alarms,
    }
    return row.model(ShiftWrite, values)


def _unique(rows: list[tuple[Row, str]], taken: set[str], what: str) -> None:
    """A code twice in the file, or already in the ledger, is named at its line."""
    first: dict[str, int] = {}
    for row, code in rows:
        if code in first:
            raise row.where("code").fail(
                f"duplicate {what} code {code!r} (also on line {first[code]})"
            )
        if code in taken:
            raise row.where("code").fail(f"{what} code {code!r} is already in the ledger")
        first[code] = row.line


def _store_each(rows: list[tuple[Row, Any]], store: Callable[[Any], object]) -> None:
    """Store each row's body; a refusal while storing (a point outside, a code unknown)
    names the row."""
    for row, body in rows:
        try:
            store(body)
        except PinganError as exc:
            raise row.where(exc.field).fail(exc.message) from None


def import_rows(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    kind: str,
    raw: bytes,
    mapping: dict[str, str] | None = None,
    *,
    jurisdiction_code: str | None = None,
) -> dict[str, Any]:
    """Import ``kind`` (sites, control_rooms, operators) from a workbook or CSV: every row
    or none. The counts stored."""
    if kind not in FIELDS:
        raise InvalidInput(f"import {', '.join(FIELDS)}, not {kind!r}", field="kind")
    principal.require("ledger", "write")
    if jurisdiction_code:
        sites.station_for(db_session, principal, jurisdiction_code)
    table = read_table(raw, kind)
    columns = columns_for(table, kind, mapping or {})
    zone = ZoneInfo(settings.time_zone)
    rows = [Row(table, line, cells, columns, zone) for line, cells in table.rows]
    if not rows:
        raise Where(table.sheet, 2).fail("the sheet holds no rows")
    if kind == "sites":
        site_rows = [(row, site_from_row(row, jurisdiction_code)) for row in rows]
        _unique(
            [(r, b.code) for r, b in site_rows], set(db_session.scalars(select(Site.code))), "site"
        )
        _store_each(
            site_rows,
            lambda body: sites.add_site(
                db_session, settings, principal, body, source=Source.imported
            ),
        )
    elif kind == "control_rooms":
        room_rows = [(row, room_from_row(row)) for row in rows]
        taken = set(db_session.scalars(select(ControlRoom.code)))
        _unique([(r, b.code) for r, b in room_rows], taken, "control room")
        _store_each(
            room_rows,
            lambda body: control_rooms.add_room(
                db_session, principal, body, source=Source.imported
            ),
        )
    elif kind == "shifts":
        _store_each(
            [(row, shift_from_row(row)) for row in rows],
            lambda body: duty.record_shift(
                db_session, settings, principal, body, source=Source.imported
            ),
        )
    else:
        _store_each(
            [(row, operator_from_row(row)) for row in rows],
            lambda pair: _add_operator(db_session, principal, pair[0], pair[1]),
        )
    db_session.flush()
    return {"kind": kind, "sheet": table.sheet, "rows": len(rows)}


def _add_operator(
    db_session: Session, principal: Principal, room_code: str, operator: OperatorWrite
) -> None:
    room, _site, _node = control_rooms.room_by_code(db_session, principal, room_code, "write")
    db_session.add(Operator(control_room_id=room.id, **operator.model_dump()))

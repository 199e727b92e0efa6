"""The volunteer roster as CSV and XLSX: import all or nothing (the first bad line is named
with its column), export with every text cell written as text (a value beginning with
``=``, ``+``, ``-`` or ``@`` never becomes a formula).

Columns (English or Chinese headers): ``name``/姓名, ``phone``/电话, ``id_number``/身份证号,
``station``/派出所, ``grid``/网格, ``team``/队伍 (a team's name at the station), ``skills``/技能
(separated by ``;``, ``、`` or ``,``), ``availability``/可服务时间.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from typing import Any

from openpyxl import Workbook, load_workbook
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.community.models import Volunteer, VolunteerTeam
from pingan.community.schemas import VolunteerCreate
from pingan.community.volunteers import create_volunteer, read_for, station_by_code
from pingan.config import Settings
from pingan.errors import InvalidInput
from pingan.incidents.imports import MAX_FILE_BYTES, decode_upload
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal
from pingan.sheets import put_cell

HEADERS = {
    "name": "name",
    "姓名": "name",
    "phone": "phone",
    "电话": "phone",
    "手机": "phone",
    "id_number": "id_number",
    "身份证号": "id_number",
    "station": "station",
    "派出所": "station",
    "grid": "grid",
    "网格": "grid",
    "team": "team",
    "队伍": "team",
    "skills": "skills",
    "技能": "skills",
    "availability": "availability",
    "可服务时间": "availability",
}
REQUIRED = ("name", "phone")
MAX_ROWS = 5_000
EXPORT_COLUMNS = (
    "id",
    "name",
    "phone",
    "id_number",
    "station",
    "grid",
    "team",
    "skills",
    "availability",
    "status",
)
_SKILL_SPLIT = re.compile(r"[;、,，；\s]+")


def _header(cells: Sequence[Any]) -> list[str | None]:
    names = [HEADERS.get(str(c).strip().lower()) if c is not None else None for c in cells]
    missing = [r for r in REQUIRED if r not in names]
    if missing:
        raise InvalidInput(f"line 1: missing column(s) {', '.join(missing)}", field="line 1")
    return names


def _csv_rows(raw: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = decode_upload(raw)
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            yield number, list(row)
    except csv.Error as exc:
        where = f"line {number + 1}"
        raise InvalidInput(f"{where}: not CSV ({exc})", field=where) from None


def _xlsx_rows(raw: bytes) -> tuple[str, Iterator[tuple[int, list[Any]]]]:
    """The first sheet's title and its rows."""
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidInput(f"the file is larger than {MAX_FILE_BYTES} bytes", field="file")
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a file that is not a workbook
        raise InvalidInput("the file is not an XLSX workbook", field="file") from None
    sheet = book.worksheets[0]
    rows = (
        (number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
    )
    return sheet.title, rows


def _cell(row: list[Any], index: int) -> str:
    value = row[index] if index < len(row) else None
    return "" if value is None else str(value).strip()


def _team_id(db_session: Session, station: Jurisdiction, name: str, where: str) -> int | None:
    if not name:
        return None
    team = db_session.scalar(
        select(VolunteerTeam.id).where(
            VolunteerTeam.jurisdiction_id == station.id, VolunteerTeam.name == name
        )
    )
    if team is None:
        raise InvalidInput(f"{where}: no team {name!r} at {station.code}", field=where)
    return team


def _row_body(
    db_session: Session, number: int, names: list[str | None], row: list[Any], default: str
) -> VolunteerCreate:
    values = {name: _cell(row, i) for i, name in enumerate(names) if name is not None}
    for column in REQUIRED:
        if not values.get(column):
            raise InvalidInput(
                f"line {number}, column {column}: empty", field=f"line {number}, column {column}"
            )
    station_code = values.get("station") or default
    if not station_code:
        raise InvalidInput(
            f"line {number}, column station: give the station (or one for the whole file)",
            field=f"line {number}, column station",
        )
    station = station_by_code(db_session, station_code, f"line {number}, column station")
    try:
        return VolunteerCreate(
            station_code=station.code,
            grid_code=values.get("grid") or None,
            name=values["name"],
            phone=values["phone"],
            id_number=values.get("id_number") or None,
            skills=[s for s in _SKILL_SPLIT.split(values.get("skills", "")) if s],
            availability=values.get("availability", ""),
            team_id=_team_id(
                db_session, station, values.get("team", ""), f"line {number}, column team"
            ),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        column = str(first["loc"][0]) if first["loc"] else "?"
        where = f"line {number}, column {column}"
        raise InvalidInput(f"{where}: {first['msg']}", field=where) from None


def import_roster(
    db_session: Session,
    principal: Principal,
    raw: bytes,
    *,
    xlsx: bool,
    station_code: str | None = None,
) -> dict[str, Any]:
    """Create one approved volunteer per row (a formula cell is taken as its text); the
    first bad line refuses the whole file
    (the caller's transaction is rolled back: nothing is stored)."""
    principal.require("volunteer", "write")
    if not xlsx:
        return _import_rows(db_session, principal, _csv_rows(raw), station_code)
    title, rows = _xlsx_rows(raw)
    try:
        return _import_rows(db_session, principal, rows, station_code)
    except InvalidInput as exc:
        if not (exc.field or "").startswith("line"):
            raise
        raise InvalidInput(
            f"sheet {title}, {exc.message}", field=f"sheet {title}, {exc.field}"
        ) from None


def _import_rows(
    db_session: Session,
    principal: Principal,
    rows: Iterator[tuple[int, list[Any]]],
    station_code: str | None,
) -> dict[str, Any]:
    names: list[str | None] | None = None
    ids: list[int] = []
    for number, row in rows:
        if not any(_cell(row, i) for i in range(len(row))):
            continue
        if names is None:
            names = _header(row)
            continue
        if len(ids) >= MAX_ROWS:
            raise InvalidInput(f"at most {MAX_ROWS} volunteers per file", field=f"line {number}")
        body = _row_body(db_session, number, names, row, station_code or "")
        try:
            volunteer = create_volunteer(db_session, principal, body, prefix=f"line {number}")
        except InvalidInput as exc:
            raise InvalidInput(f"line {number}: {exc.message}", field=exc.field) from None
        ids.append(volunteer.id)
    if names is None:
        raise InvalidInput("the file is empty", field="file")
    return {"created": len(ids), "ids": ids}


def roster_rows(
    db_session: Session, settings: Settings, principal: Principal
) -> list[dict[str, Any]]:
    """The caller's roster, masked as they may see it, one flat row per volunteer."""
    principal.require("volunteer", "read")
    found = db_session.execute(
        select(Volunteer, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.id == Volunteer.jurisdiction_id)
        .where(principal.visible_clause("volunteer", "read", Jurisdiction.path))
        .order_by(Volunteer.id)
    ).all()
    out = []
    for volunteer, path in found:
        data = read_for(db_session, settings, principal, volunteer, path)
        out.append(
            {
                "id": data["id"],
                "name": data["name"],
                "phone": data["phone"],
                "id_number": data["id_number"],
                "station": data["station_code"],
                "grid": data["grid_code"] or "",
                "team": data["team_name"] or "",
                "skills": ";".join(data["skills"]),
                "availability": data["availability"],
                "status": data["status"].value,
            }
        )
    return out


def _csv_safe(value: object) -> object:
    """CSV has no cell types: a text beginning with = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def roster_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([_csv_safe(row.get(c)) for c in EXPORT_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def roster_xlsx(rows: Sequence[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "volunteers"
    for number, values in enumerate(
        [dict(zip(EXPORT_COLUMNS, EXPORT_COLUMNS, strict=True)), *rows], start=1
    ):
        for column, name in enumerate(EXPORT_COLUMNS, start=1):
            put_cell(sheet, number, column, values.get(name))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

"""Ledgers in and out as XLSX/CSV: the CLI round trip, formulas never run, bad workbooks
named by sheet, line and column with nothing stored."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from ledgers_helpers import (
    SITE_HEADER,
    SITES,
    cli_env,
    import_sites,
    invoke,
    sheet_rows,
    sites_workbook,
    workbook_bytes,
)
from openpyxl import load_workbook

from pingan.config import Settings
from pingan.errors import InvalidInput
from support.app import seeded_client, token_for


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def test_cli_import_and_export_round_trip_a_workbook(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "sites.xlsx"
    source.write_bytes(sites_workbook())
    out = tmp_path / "out.xlsx"
    with cli_env(settings, monkeypatch) as runner:
        done = invoke(
            runner, "ledgers", "import", "sites", str(source), "--jurisdiction", "station-a"
        )
        assert done.exit_code == 0, done.output
        assert '"rows": 3' in done.output
        exported = invoke(runner, "ledgers", "export", str(out), "--jurisdiction", "station-a")
        assert exported.exit_code == 0, exported.output
    data = out.read_bytes()
    rows = sheet_rows(data, "sites")
    assert rows[0] == SITE_HEADER
    back = sorted(tuple(_as_text(v) for v in row) for row in rows[1:])
    sent = sorted(tuple(_as_text(v) for v in row) for row in SITES)
    assert back == sent
    assert load_workbook(io.BytesIO(data)).sheetnames == [
        "sites", "control_rooms", "operators", "duty_flags", "inspections", "hazards", "drills",
    ]  # fmt: skip


def test_a_formula_like_name_comes_back_as_text(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "fire_a")
    assert import_sites(client, officer, sites_workbook()).status_code == 201
    data = client.get("/api/v1/ledgers/export.xlsx", headers=officer).content
    book = load_workbook(io.BytesIO(data))
    names = {row[0].value: row[1] for row in book["sites"].iter_rows(min_row=2)}
    cell = names["BAR-002"]
    assert cell.value == '=HYPERLINK("http://x","y")'
    assert cell.data_type == "s"  # text, not a formula
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    listed = client.get("/api/v1/ledgers/sites", headers=officer).json()
    assert '=HYPERLINK("http://x","y")' in {s["name"] for s in listed}


def test_phones_are_masked_in_the_export_for_a_role_without_personal_data(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "fire_a")
    assert import_sites(client, officer, sites_workbook()).status_code == 201
    admin = token_for(client, settings, "admin")
    rows = sheet_rows(client.get("/api/v1/ledgers/export.xlsx", headers=admin).content, "sites")
    ktv = next(r for r in rows if r[0] == "KTV-001")
    assert (ktv[7], ktv[8]) == ("张**", "138****1111")
    mine = sheet_rows(client.get("/api/v1/ledgers/export.xlsx", headers=officer).content, "sites")
    assert next(r for r in mine if r[0] == "KTV-001")[8] == "13800001111"


def _sites(client, headers) -> list[str]:  # type: ignore[no-untyped-def]
    return [s["code"] for s in client.get("/api/v1/ledgers/sites", headers=headers).json()]


@pytest.mark.parametrize(
    ("rows", "named"),
    [
        # a missing column
        ([SITE_HEADER[:2], ("A-1", "x")], "sheet sites, line 1, column category"),
        # a duplicate site code
        ([SITE_HEADER, SITES[0], SITES[1], ("KTV-001", *SITES[2][1:])],
         "sheet sites, line 4, column code: duplicate site code 'KTV-001' (also on line 2)"),
        # opening hours in the wrong format
        ([SITE_HEADER, (*SITES[0][:11], "2pm-2am", False)],
         "sheet sites, line 2, column opening_hours"),
        # an unknown category
        ([SITE_HEADER, (*SITES[0][:2], "spaceport", *SITES[0][3:])],
         "sheet sites, line 2, column category"),
    ],
)  # fmt: skip
def test_a_bad_sites_sheet_is_named_and_nothing_is_stored(
    settings: Settings, rows: list[tuple[object, ...]], named: str
) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "fire_a")
    response = import_sites(client, officer, workbook_bytes({"sites": rows}))
    assert response.status_code == 422, response.text
    assert named in response.json()["detail"]
    assert _sites(client, officer) == []


def test_a_formula_in_a_cell_is_refused(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "fire_a")
    rows = [SITE_HEADER, SITES[0], ("F-1", '=CONCAT("a","b")', *SITES[0][2:])]
    response = import_sites(client, officer, workbook_bytes({"sites": rows}, text=False))
    assert response.status_code == 422
    assert "sheet sites, line 3, column name: a formula is refused" in response.json()["detail"]
    assert _sites(client, officer) == []


def test_a_date_in_the_wrong_format_is_named_and_nothing_is_stored(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "fire_a")
    assert import_sites(client, officer, sites_workbook()).status_code == 201
    header = ("code", "site_code", "location", "surveyed_at", "alarm_controller")
    rooms = [header, ("CR-1", "MALL-003", "B1", "2026-07-01 09:00", "auto"),
             ("CR-2", "KTV-001", "1F", "01.07.2026", "auto")]  # fmt: skip
    files = {"file": ("rooms.xlsx", workbook_bytes({"control_rooms": rooms}), "x")}
    response = client.post("/api/v1/ledgers/import/control_rooms", headers=officer, files=files)
    assert response.status_code == 422
    assert "sheet control_rooms, line 3, column surveyed_at" in response.json()["detail"]
    assert client.get("/api/v1/ledgers/control-rooms", headers=officer).json() == []
    ops = [("control_room_code", "name", "certificate_no", "level", "expires_on"),
           ("CR-9", "王伟", "C-1", "四级", "2027-13-01")]  # fmt: skip
    files = {"file": ("ops.xlsx", workbook_bytes({"operators": ops}), "x")}
    bad = client.post("/api/v1/ledgers/import/operators", headers=officer, files=files)
    assert bad.status_code == 422
    assert "sheet operators, line 2, column expires_on" in bad.json()["detail"]


def test_csv_with_a_column_mapping(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "fire_a")
    text = (
        "编号,单位名称,类别,营业时间\nNET-1,星际网吧,internet_cafe,24h\nNET-2,=1+1,internet_cafe,\n"
    )
    files = {"file": ("sites.csv", text.encode(), "text/csv")}
    form = {"mapping": "code=编号,name=单位名称,category=类别,opening_hours=营业时间"}
    response = client.post("/api/v1/ledgers/import/sites", headers=officer, files=files, data=form)
    assert response.status_code == 201, response.text
    names = {
        s["code"]: s["name"] for s in client.get("/api/v1/ledgers/sites", headers=officer).json()
    }
    assert names == {"NET-1": "星际网吧", "NET-2": "=1+1"}
    again = client.post("/api/v1/ledgers/import/sites", headers=officer, files=files, data=form)
    assert again.status_code == 422
    assert (
        "sheet csv, line 2, column 编号: site code 'NET-1' is already in the ledger"
        in (again.json()["detail"])
    )


def test_cli_import_refuses_a_bad_workbook_naming_the_cell(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes({"sites": [SITE_HEADER[:2], ("A-1", "x")]}))
    with cli_env(settings, monkeypatch) as runner:
        result = invoke(
            runner, "ledgers", "import", "sites", str(path), "--jurisdiction", "station-a"
        )
    assert isinstance(result.exception, InvalidInput)
    assert result.exception.field == "sheet sites, line 1, column category"


def test_another_station_cannot_be_imported_into(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "fire_a")
    response = import_sites(client, officer, sites_workbook(), jurisdiction_code="station-b")
    assert response.status_code == 404
    chief_b = token_for(client, settings, "chief_b")
    assert _sites(client, chief_b) == []


def test_a_broken_workbook_and_a_bad_period_are_refused(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "fire_a")
    broken = import_sites(client, officer, b"PK\x03\x04 not really a zip")
    assert broken.status_code == 422
    assert "not a readable XLSX workbook" in broken.json()["detail"]
    url = "/api/v1/ledgers/export.xlsx"
    early = client.get(url, headers=officer, params={"from": "0001-01-01"})
    assert early.status_code == 422
    backwards = client.get(url, headers=officer, params={"from": "2026-08-01", "to": "2026-07-01"})
    assert backwards.status_code == 422
    assert client.get("/api/v1/ledgers/figures", headers=officer,
                      params={"to": "9999-12-31"}).status_code == 422  # fmt: skip

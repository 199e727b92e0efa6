"""Volunteers and teams over the real app: application, approval, lifecycle, masking and
auditing, import and export (all or nothing, formula cells as text)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from pingan.audit.models import AuditEvent
from pingan.community.models import Volunteer
from pingan.config import Settings
from pingan.db import make_engine
from support.app import seeded_client, token_for

API = "/api/v1/community"
APPLICANT = {
    "station_code": "station-a",
    "grid_code": "grid-a1",
    "name": "张三丰",
    "phone": "13812345678",
    "id_number": "11010519491231002X",
    "skills": ["first_aid", "driving"],
    "availability": "平日晚上",
}


def _count(settings: Settings, model: type) -> int:
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        value = conn.execute(select(func.count()).select_from(model)).scalar_one()
    engine.dispose()
    return int(value)


def _audits(settings: Settings, action: str) -> int:
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        value = conn.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        ).scalar_one()
    engine.dispose()
    return int(value)


def test_apply_publicly_then_an_officer_approves_and_the_lifecycle_holds(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    applied = client.post(f"{API}/applications", json=APPLICANT)
    assert applied.status_code == 201, applied.text
    assert applied.json()["status"] == "applied"
    vid = applied.json()["id"]
    officer = token_for(client, settings, "officer_a")
    # applied → active skips the approval: 409 with the allowed steps
    skip = client.post(f"{API}/volunteers/{vid}/status", json={"status": "active"}, headers=officer)
    assert skip.status_code == 409
    assert "allowed: approved, left" in skip.json()["detail"]
    for step in ("approved", "active", "paused", "active", "left"):
        moved = client.post(
            f"{API}/volunteers/{vid}/status", json={"status": step}, headers=officer
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == step
    final = client.post(
        f"{API}/volunteers/{vid}/status", json={"status": "active"}, headers=officer
    )
    assert final.status_code == 409
    assert "allowed: none" in final.json()["detail"]


def test_personal_data_is_masked_for_the_dispatcher_and_audited_for_the_officer(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    vid = client.post(f"{API}/applications", json=APPLICANT).json()["id"]
    before = _audits(settings, "personal_data.read")
    seen = client.get(f"{API}/volunteers/{vid}", headers=token_for(client, settings, "officer_a"))
    assert seen.status_code == 200
    assert seen.json()["name"] == "张三丰"
    assert seen.json()["id_number"] == "11010519491231002X"
    assert _audits(settings, "personal_data.read") == before + 1
    masked = client.get(
        f"{API}/volunteers/{vid}", headers=token_for(client, settings, "dispatcher_a")
    ).json()
    assert masked["name"] == "张**"
    assert masked["phone"] == "138****5678"
    assert masked["id_number"] == "**************002X"
    assert _audits(settings, "personal_data.read") == before + 1
    # station B's chief cannot see station A's volunteer at all
    other = client.get(f"{API}/volunteers/{vid}", headers=token_for(client, settings, "chief_b"))
    assert other.status_code == 404


def test_bad_applications_are_refused_naming_the_field(settings: Settings) -> None:
    client = seeded_client(settings)
    wrong_grid = client.post(f"{API}/applications", json={**APPLICANT, "grid_code": "grid-b1"})
    assert wrong_grid.status_code == 422
    assert "not a grid of station-a" in wrong_grid.text
    bad_id = client.post(f"{API}/applications", json={**APPLICANT, "id_number": "12345"})
    assert bad_id.status_code == 422
    assert "ID number" in bad_id.text
    assert _count(settings, Volunteer) == 0


def test_team_with_lead_and_home_grid(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    made = client.post(f"{API}/volunteers", json=APPLICANT, headers=officer)
    assert made.status_code == 201, made.text
    assert made.json()["status"] == "approved"
    team = client.post(
        f"{API}/teams",
        json={
            "station_code": "station-a",
            "name": "东街红袖标",
            "kind": "red_armband",
            "home_grid_code": "grid-a1",
            "lead_volunteer_id": made.json()["id"],
        },
        headers=officer,
    )
    assert team.status_code == 201, team.text
    body = team.json()
    assert (body["home_grid_code"], body["lead_volunteer_id"], body["members"]) == (
        "grid-a1",
        made.json()["id"],
        1,
    )
    foreign = client.post(
        f"{API}/teams",
        json={"station_code": "station-b", "name": "x", "kind": "firefly"},
        headers=officer,
    )
    assert foreign.status_code == 404


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_csv_import_with_a_bad_line_names_it_and_stores_nothing(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    data = _csv(
        [
            ["姓名", "电话", "网格", "技能"],
            ["李四", "13900001111", "grid-a1", "first_aid"],
            ["王五", "12", "grid-a2", ""],
        ]
    )
    refused = client.post(
        f"{API}/volunteers/import",
        files={"file": ("v.csv", data, "text/csv")},
        data={"station_code": "station-a"},
        headers=officer,
    )
    assert refused.status_code == 422
    assert "line 3" in refused.json()["detail"]
    assert _count(settings, Volunteer) == 0
    good = client.post(
        f"{API}/volunteers/import",
        files={"file": ("v.csv", data.replace(b",12,", b",13900002222,"), "text/csv")},
        data={"station_code": "station-a"},
        headers=officer,
    )
    assert good.status_code == 201, good.text
    assert good.json()["created"] == 2


def test_xlsx_import_and_export_keep_formulas_as_text(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "phone", "availability"])
    sheet.append(["赵六", "13700003333", '=HYPERLINK("http://x")'])
    raw = io.BytesIO()
    book.save(raw)
    imported = client.post(
        f"{API}/volunteers/import",
        files={"file": ("v.xlsx", raw.getvalue(), "application/octet-stream")},
        data={"station_code": "station-a"},
        headers=officer,
    )
    assert imported.status_code == 201, imported.text
    exported = client.get(f"{API}/volunteers/export?format=xlsx", headers=officer)
    assert exported.status_code == 200
    out = load_workbook(io.BytesIO(exported.content)).active
    assert out is not None
    row = next(iter(out.iter_rows(min_row=2, values_only=False)))
    availability = row[8]
    assert availability.value == '=HYPERLINK("http://x")'
    assert availability.data_type == "s"
    as_csv = client.get(f"{API}/volunteers/export?format=csv", headers=officer)
    assert "'=HYPERLINK" in as_csv.content.decode("utf-8-sig")


def test_a_file_that_is_not_csv_is_refused_naming_the_line(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    data = 'name,phone\n李四,13900001111\n"' + "x" * 140_000 + '",13900002222\n'
    refused = client.post(
        f"{API}/volunteers/import",
        files={"file": ("v.csv", data.encode(), "text/csv")},
        data={"station_code": "station-a"},
        headers=officer,
    )
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("line 3: not CSV")
    assert _count(settings, Volunteer) == 0


def test_cli_imports_and_exports_the_roster(settings: Settings, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from pingan.cli import app
    from pingan.config import get_settings

    source = tmp_path / "roster.csv"
    source.write_bytes(_csv([["name", "phone", "station"], ["钱七", "13600004444", "station-a"]]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([["name", "phone"], ["钱七", "13600004444"], ["孙八", ""]]))
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        refused = runner.invoke(
            app, ["community", "volunteers", "import", str(bad), "--as", "officer_a",
                  "--station", "station-a"]
        )  # fmt: skip
        assert refused.exception is not None
        assert "line 3, column phone" in str(refused.exception)
        assert _count(settings, Volunteer) == 0
        done = runner.invoke(
            app, ["community", "volunteers", "import", str(source), "--as", "officer_a"]
        )
        assert done.exit_code == 0, done.output
        assert json.loads(done.output)["created"] == 1
        out = tmp_path / "roster.xlsx"
        exported = runner.invoke(
            app, ["community", "volunteers", "export", str(out), "--as", "dispatcher_a"]
        )
        assert exported.exit_code == 0, exported.output
    finally:
        get_settings.cache_clear()
    sheet = load_workbook(out).active
    assert sheet is not None
    assert [c.value for c in sheet[2]][1:3] == ["钱**", "136****4444"]


def test_a_bad_xlsx_line_names_the_sheet_line_and_column(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "志愿者"
    sheet.append(["name", "phone"])
    sheet.append(["赵六", "13700003333"])
    sheet.append(["钱七", "x"])
    raw = io.BytesIO()
    book.save(raw)
    refused = client.post(
        f"{API}/volunteers/import",
        files={"file": ("v.xlsx", raw.getvalue(), "application/octet-stream")},
        data={"station_code": "station-a"},
        headers=officer,
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "sheet 志愿者, line 3, column phone"
    assert _count(settings, Volunteer) == 0

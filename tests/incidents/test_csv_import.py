"""Hotline (110) CSV import with a column mapping: errors name line and column, nothing is
stored unless every row is good (or ``partial``); and the two CLI commands."""

from __future__ import annotations

import json

import pytest
from incidents_helpers import Env
from typer.testing import CliRunner

from pingan.config import Settings, get_settings

MAPPING = (
    "received_at=报警时间,description=简要警情,place_text=发案地点,lat=纬度,lon=经度,"
    "reporter_phone=报警电话"
)
GOOD = """报警时间,简要警情,发案地点,纬度,经度,报警电话
2026-07-03 21:14,报警人称其停在楼下的电动车被盗，黑色爱玛,锦绣花园3栋,60.171,24.955,13812345678
2026-07-03 22:40,报警人称邻居家装修噪音扰民,东街18号,60.172,24.962,13900001111
"2026-07-04 01:05","报警人称在烧烤店与人发生纠纷，
对方动手打人",幸福路烧烤店,60.165,24.950,13700002222
"""


def _upload(env: Env, text: str, mapping: str = MAPPING, partial: bool = False):  # type: ignore[no-untyped-def]
    return env.client.post(
        "/api/v1/incidents/import",
        files={"file": ("110.csv", text.encode("utf-8"), "text/csv")},
        data={"mapping": mapping, "partial": str(partial).lower()},
        headers=env.headers("dispatcher_a"),
    )


def test_good_file_becomes_hotline_incidents(env: Env) -> None:
    response = _upload(env, GOOD)
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["rows"] == 3
    assert len(result["created_incidents"]) == 3
    chief = env.headers("chief_a")
    items = env.client.get("/api/v1/incidents", headers=chief).json()["items"]
    by_type = {i["type"]: i for i in items}
    assert set(by_type) == {"theft.ebike", "noise", "assault"}
    assert all(i["channel"] == "hotline" and not i["is_draft"] for i in items)
    assert by_type["theft.ebike"]["received_at"] == "2026-07-03T13:14:00Z"
    assert by_type["theft.ebike"]["reporter_phone"] == "13812345678"
    assert "对方动手打人" in by_type["assault"]["description"]  # a quoted two-line cell


@pytest.mark.parametrize(
    ("line", "column", "bad", "reason"),
    [
        (3, "报警时间", "昨天晚上", "is not a date and time"),
        (2, "纬度", "六十", "is not a number"),
        (3, "简要警情", "", "the text is empty"),
        (2, "纬度", "31.23", "outside the city"),
    ],
)
def test_bad_cell_names_line_and_column_and_stores_nothing(
    env: Env, line: int, column: str, bad: str, reason: str
) -> None:
    rows = GOOD.splitlines()
    header = rows[0].split(",")
    cells = rows[line - 1].split(",")
    cells[header.index(column)] = bad
    if column == "纬度":
        cells[header.index("经度")] = "121.47"
    rows[line - 1] = ",".join(cells)
    response = _upload(env, "\n".join(rows) + "\n")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith(f"line {line}, column {column}: ")
    assert reason in detail
    assert set(env.counts().values()) == {0}


def test_partial_keeps_good_rows(env: Env) -> None:
    rows = GOOD.splitlines()
    rows[2] = rows[2].replace("2026-07-03 22:40", "22:40 last night")
    response = _upload(env, "\n".join(rows) + "\n", partial=True)
    assert response.status_code == 201
    result = response.json()
    assert len(result["created_incidents"]) == 2
    assert [e["line"] for e in result["errors"]] == [3]
    assert result["errors"][0]["message"].startswith("line 3, column 报警时间:")
    assert env.counts()["incident"] == 2


def test_mapping_errors(env: Env) -> None:
    missing_column = _upload(env, GOOD, MAPPING.replace("发案地点", "地址"))
    assert missing_column.status_code == 422
    assert missing_column.json()["detail"].startswith("line 1: the header has no column '地址'")
    unknown_field = _upload(env, GOOD, MAPPING + ",colour=颜色")
    assert unknown_field.status_code == 422
    assert "unknown field 'colour'" in unknown_field.json()["detail"]
    no_description = _upload(env, GOOD, "received_at=报警时间")
    assert "description" in no_description.json()["detail"]
    assert (
        env.client.post(
            "/api/v1/incidents/import",
            files={"file": ("110.csv", GOOD.encode(), "text/csv")},
            data={"mapping": MAPPING},
            headers=env.headers("analyst"),
        ).status_code
        == 403
    )
    assert set(env.counts().values()) == {0}


def test_cli_open311_key_and_csv_import(
    settings: Settings, env: Env, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not settings.effective_database_url.startswith("sqlite"):
        pytest.skip("the CLI reads its database from the environment; once is enough")
    from pingan.cli import app

    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        made = runner.invoke(
            app, ["open311", "keys", "add", "city-app", "--jurisdiction", "station-a"]
        )
        assert made.exit_code == 0, made.output
        key = made.output.strip().splitlines()[-1]
        assert key.startswith("o311_")
        services = env.client.get("/open311/v2/requests.json", params={"api_key": key})
        assert services.status_code == 200
        path = tmp_path / "110.csv"
        path.write_text(GOOD, encoding="utf-8")
        imported = runner.invoke(
            app, ["incidents", "import", str(path), "--mapping", MAPPING, "--as", "dispatcher_a"]
        )
        assert imported.exit_code == 0, imported.output
        created = json.loads(imported.output.strip().splitlines()[-1])["created_incidents"]
        assert len(created) == 3
    finally:
        get_settings.cache_clear()

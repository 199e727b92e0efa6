"""`pingan analytics` commands on the committed Toronto sample (Church-Yonge Corridor 2019-21)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pingan.cli.analytics import app, parse_horizon_h
from pingan.errors import InvalidInput

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "toronto_mci_sample.csv"
runner = CliRunner()


def test_evaluate_on_toronto_sample_writes_rows_with_an_oracle(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    result = runner.invoke(
        app,
        [
            "evaluate", "--data", str(SAMPLE), "--layout", "toronto-mci",
            "--from", "2021-01-01", "--to", "2021-12-31", "--horizon", "7d", "--cell", "150",
            "--models", "naive,kde,prospective,best", "--json", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "oracle" in result.output
    rows = json.loads(out.read_text())
    assert {r["model"] for r in rows} == {"naive", "kde", "prospective", "best", "oracle"}
    assert [r["coverage"] for r in rows if r["model"] == "naive"] == [0.005, 0.01, 0.05, 0.1]
    assert set(rows[0]) == {"model", "coverage", "hit_rate", "pai", "pei"}
    for r in rows:
        assert 0 <= r["hit_rate"] <= 1
        assert 0 <= r["pei"] <= 1
    oracle = {r["coverage"]: r["hit_rate"] for r in rows if r["model"] == "oracle"}
    naive = {r["coverage"]: r["hit_rate"] for r in rows if r["model"] == "naive"}
    assert all(oracle[c] >= naive[c] for c in oracle)  # no fixed map beats the oracle's
    assert oracle[0.1] > 0.3


def test_evaluate_sepp_over_two_weeks() -> None:
    result = runner.invoke(
        app,
        [
            "evaluate", "--data", str(SAMPLE), "--layout", "toronto-mci", "--from", "2021-12-01",
            "--to", "2021-12-14", "--models", "sepp",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 windows of 7d" in result.output


def test_evaluate_one_type_default_layout(tmp_path: Path) -> None:
    data = tmp_path / "incidents.csv"
    with SAMPLE.open() as src, data.open("w", newline="") as dst:
        writer = csv.writer(dst)
        writer.writerow(["occurred_at", "lat", "lon", "type"])
        for row in csv.DictReader(src):
            day = row["occurrencedate"][:10].replace("/", "-")
            hour = int(row["occurrencehour"])
            writer.writerow([f"{day}T{hour:02d}:00:00", row["Lat"], row["Long"], row["MCI"]])
    result = runner.invoke(
        app,
        [
            "evaluate", "--data", str(data), "--from", "2021-01-01", "--to", "2021-06-30",
            "--horizon", "1d", "--models", "naive", "--types", "Assault",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "naive" in result.output


def test_bad_line_is_named(tmp_path: Path) -> None:
    data = tmp_path / "bad.csv"
    data.write_text(
        "occurred_at,lat,lon,type\n"
        "2021-01-01T10:00:00,43.65,-79.38,Assault\n"
        "2021-01-02T10:00:00,north,-79.38,Assault\n"
    )
    result = runner.invoke(
        app, ["evaluate", "--data", str(data), "--from", "2021-01-02", "--to", "2021-01-03"]
    )
    assert isinstance(result.exception, InvalidInput)
    assert result.exception.field == "line 3"
    assert "line 3" in result.exception.message


def test_near_repeat_on_break_and_enter(tmp_path: Path) -> None:
    out = tmp_path / "knox.json"
    result = runner.invoke(
        app,
        [
            "near-repeat", "--data", str(SAMPLE), "--layout", "toronto-mci",
            "--type", "Break and Enter", "--permutations", "19", "--json", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = json.loads(out.read_text())
    n = table["n_events"]
    assert n == 783
    assert sum(map(sum, table["observed"])) == n * (n - 1) // 2
    assert table["space_edges_m"] == [0, 100, 200, 300, 400]
    assert min(min(row) for row in table["p_value"]) >= 1 / 20


def test_horizon_parsing() -> None:
    assert parse_horizon_h("7d") == 168.0
    assert parse_horizon_h("12h") == 12.0
    with pytest.raises(InvalidInput, match="write it as"):
        parse_horizon_h("a week")

"""``pingan plan make --json``, ``plan show``, ``plan compare`` and ``simulate`` on Helsinki."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from patrol_history import DAYS, FIRST_DAY, add_history
from typer.testing import CliRunner

from pingan.cli import app
from pingan.config import Settings, get_settings
from pingan.errors import Conflict


@pytest.fixture
def cli_env(settings: Settings, monkeypatch):  # type: ignore[no-untyped-def]
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the command line is exercised on SQLite; the API tests cover PostgreSQL")
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def test_plan_make_json_show_compare_and_simulate(cli_env: Settings) -> None:
    made = add_history(cli_env, "helsinki", "station-a", 60, seed=7)
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "plan",
            "make",
            "--city",
            "helsinki",
            "--station",
            "station-a",
            "--groups",
            "2",
            "--shift",
            "20:00-02:00",
            "--backup",
            "--time-limit",
            "10",
            "--json",
            "--wait",
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert list(body) == ["plan_id", "groups", "coverage", "objective", "bound", "gap", "seconds"]
    assert body["groups"] == 2
    assert list(body["coverage"]) == ["60", "180", "300"]
    assert all(0.0 <= share <= 1.0 for share in body["coverage"].values())
    assert body["bound"] >= body["objective"] - 1e-9
    plan_id = body["plan_id"]

    shown = runner.invoke(app, ["plan", "show", str(plan_id)])
    assert shown.exit_code == 0, shown.output
    assert "station-a" in shown.output
    assert "groups" in shown.output

    last = (FIRST_DAY + timedelta(days=DAYS - 1)).isoformat()
    compared = runner.invoke(
        app,
        ["plan", "compare", str(plan_id), "--from", FIRST_DAY.isoformat(), "--to", last, "--json"],
    )
    assert compared.exit_code == 0, compared.output
    comparison = json.loads(compared.stdout)
    assert comparison["incidents"] == made.weekday_window
    assert [p["label"] for p in comparison["plans"]] == [
        f"plan #{plan_id}",
        "naive: station posts",
        "naive: uniform grid",
    ]

    replay = runner.invoke(
        app,
        [
            "simulate",
            "--plan",
            str(plan_id),
            "--from",
            FIRST_DAY.isoformat(),
            "--to",
            last,
            "--json",
        ],
    )
    assert replay.exit_code == 0, replay.output
    figures = json.loads(replay.stdout)
    # the same seed and incidents give the plan's own row of the comparison
    assert figures["share_within"] == comparison["plans"][0]["share_within"]
    assert figures["median_s"] == comparison["plans"][0]["median_s"]

    missing = runner.invoke(app, ["plan", "show", "999999"])
    assert missing.exit_code != 0


def test_plan_make_queues_a_job_listed_shown_and_cancelled(cli_env: Settings) -> None:
    """Without ``--wait`` the plan is a queued job (no worker runs here): shown, listed,
    cancelled before it starts, and a second cancel is refused."""
    runner = CliRunner()
    queued = runner.invoke(
        app,
        ["plan", "make", "--city", "helsinki", "--station", "station-a", "--groups", "2", "--json"],
    )
    assert queued.exit_code == 0, queued.output
    job_id = json.loads(queued.stdout)["job_id"]
    shown = runner.invoke(app, ["jobs", "show", str(job_id)])
    assert shown.exit_code == 0, shown.output
    state = json.loads(shown.stdout)
    assert (state["kind"], state["status"], state["started_by"]) == ("plan.solve", "queued", "cli")
    listed = runner.invoke(app, ["jobs", "list", "--status", "queued"])
    assert "plan.solve" in listed.output
    cancelled = runner.invoke(app, ["jobs", "cancel", str(job_id)])
    assert cancelled.exit_code == 0, cancelled.output
    assert json.loads(runner.invoke(app, ["jobs", "show", str(job_id)]).stdout)["status"] == (
        "cancelled"
    )
    again = runner.invoke(app, ["jobs", "cancel", str(job_id)])
    assert isinstance(again.exception, Conflict)
    assert "already cancelled" in str(again.exception)

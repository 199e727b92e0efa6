"""``pingan dispatch``: who can make each 1-3-5 tier for an incident, and response figures.

The commands read as the CLI operator (:func:`pingan.cli.core.operator_principal`),
who sees the whole jurisdiction tree.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from pingan.cli.core import console, operator_principal, session_factory
from pingan.config import get_settings
from pingan.db import unit_of_work
from pingan.dispatch import figures as response_figures
from pingan.dispatch import recommend as recommendation

app = typer.Typer(help="Rapid response: recommendations by tier and response figures.")


class GroupBy(StrEnum):
    station = "station"
    shift = "shift"
    type = "type"


def clock(seconds: float | None) -> str:
    """``163.4`` → ``2:43``; ``None`` → ``—``."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def recommendation_table(body: dict[str, Any]) -> Table:
    tiers_s = body["tiers_s"]
    limits = ", ".join(f"{n} ≤ {int(t)} s" for n, t in enumerate(tiers_s, start=1))
    table = Table(
        title=f"incident {body['incident_id']}: units by road travel time (tier {limits})"
    )
    table.add_column("tier", no_wrap=True)
    table.add_column("#", justify="right")
    for column in ("call sign", "kind", "mode", "station"):
        table.add_column(column, no_wrap=True)
    table.add_column("travel s", justify="right")
    table.add_column("m:ss", justify="right")
    for unit in body["units"]:
        tier = unit["tier"]
        table.add_row(
            str(tier) if tier <= len(tiers_s) else "—",
            str(unit["rank"]),
            unit["callsign"],
            unit["kind"],
            unit["mode"],
            unit["station_code"],
            "—" if unit["travel_time_s"] is None else f"{unit['travel_time_s']:.1f}",
            clock(unit["travel_time_s"]),
        )
    return table


@app.command("recommend")
def recommend(
    incident_id: int,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer.")] = False,
) -> None:
    """Every available unit ranked by road travel time to INCIDENT_ID, grouped by tier."""
    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        body = recommendation.recommend(
            db_session, settings, operator_principal(db_session), incident_id
        )
    if as_json:
        console.print_json(json.dumps(body, ensure_ascii=False))
        return
    console.print(recommendation_table(body))
    met = ", ".join(
        f"{seconds} s {'[green]met[/green]' if ok else '[red]not met[/red]'}"
        for seconds, ok in body["met"].items()
    )
    console.print(f"tiers: {met}")
    if body["ineligible"]:
        console.print(
            "not recommended: "
            + ", ".join(f"{u['callsign']} ({u['reason']})" for u in body["ineligible"]),
            highlight=False,
        )


@app.command("figures")
def figures(
    group_by: Annotated[
        GroupBy, typer.Option("--group-by", help="Group by station, shift or type.")
    ] = GroupBy.station,
    start: Annotated[
        datetime | None, typer.Option("--from", help="Incidents received from (ISO time).")
    ] = None,
    end: Annotated[
        datetime | None, typer.Option("--to", help="Incidents received before (ISO time).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer.")] = False,
) -> None:
    """Response times (first arrival − received): share within each tier, median, p90."""
    settings = get_settings()
    if start is not None and start.tzinfo is None:
        start = start.astimezone()
    if end is not None and end.tzinfo is None:
        end = end.astimezone()
    with unit_of_work(session_factory(settings)) as db_session:
        body = response_figures.figures(
            db_session,
            settings,
            operator_principal(db_session),
            group_by=group_by.value,
            start=start,
            end=end,
        )
    if as_json:
        console.print_json(json.dumps(body, ensure_ascii=False, default=str))
        return
    title = f"response figures by {group_by.value}"
    if body["simulated_incidents"]:
        title += f" — {body['simulated_incidents']} simulated incidents (demo, 模拟)"
    table = Table(title=title)
    table.add_column(group_by.value)
    table.add_column("incidents", justify="right")
    table.add_column("missing", justify="right")
    for seconds in body["tiers_s"]:
        table.add_column(f"≤{seconds} s", justify="right")
    table.add_column("median", justify="right")
    table.add_column("p90", justify="right")
    for row in [*body["groups"], body["overall"]]:
        table.add_row(
            row["group"],
            str(row["count"]),
            str(row["missing"]),
            *[_share(row["share_within"][str(int(t))]) for t in body["tiers_s"]],
            clock(row["median_s"]),
            clock(row["p90_s"]),
            end_section=row is body["groups"][-1] if body["groups"] else False,
        )
    console.print(table)

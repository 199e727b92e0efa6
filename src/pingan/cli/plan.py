"""``pingan plan …`` (make, show, compare) and the top-level ``pingan simulate``.

The operator at the command line acts for the whole district (audited as ``cli``). Plans are
solved as background jobs (:mod:`pingan.patrol.jobs`) within ``--time-limit`` seconds.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal

import typer
from rich.table import Table

from pingan.cli.core import console, session_factory
from pingan.config import Settings, get_settings
from pingan.db import unit_of_work

app = typer.Typer(help="Patrol plans: stationing, hot-spot loops, beats.", no_args_is_help=True)


def register(root: typer.Typer) -> None:
    """Add ``plan`` and the top-level ``simulate`` command."""
    root.add_typer(app, name="plan")
    root.command("simulate")(simulate)


@contextlib.contextmanager
def _native_stdout_to_stderr() -> Iterator[None]:
    """Send what native solvers print on file descriptor 1 (HiGHS' banner) to stderr, so
    that ``--json`` output stays parseable."""
    try:
        fd = sys.__stdout__.fileno() if sys.__stdout__ else 1
        saved = os.dup(fd)
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        sys.__stdout__.flush() if sys.__stdout__ else None
        os.dup2(sys.__stderr__.fileno() if sys.__stderr__ else 2, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def _progress_reporter(bar: Any) -> Any:
    tasks: dict[str, int] = {}

    def report(stage: str, fraction: float) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=1.0)
        bar.update(tasks[stage], completed=fraction)

    return report


def _coverage_table(title: str, coverage: dict[str, float]) -> Table:
    table = Table(title=title)
    for key in coverage:
        table.add_column(f"≤ {key} s", justify="right")
    table.add_row(*(f"{share:.1%}" for share in coverage.values()))
    return table


@app.command("make")
def plan_make(
    city: Annotated[str, typer.Option(help="City name, e.g. helsinki.")],
    groups: Annotated[int, typer.Option(help="Number of patrol groups K.")],
    shift: Annotated[str, typer.Option(help="Shift window HH:MM-HH:MM.")] = "20:00-02:00",
    station: Annotated[str | None, typer.Option(help="Jurisdiction code planned for.")] = None,
    weekend: Annotated[bool, typer.Option(help="Plan a weekend shift.")] = False,
    backup: Annotated[bool, typer.Option(help="Also value double coverage in 300 s.")] = False,
    time_limit: Annotated[float, typer.Option(help="Solver time limit, seconds.")] = 30.0,
    method: Annotated[str, typer.Option(help="auto, exact or heuristic.")] = "auto",
    activate: Annotated[bool, typer.Option(help="Make it the active plan.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    wait: Annotated[
        bool, typer.Option("--wait", help="Follow the job (a progress bar) to the plan.")
    ] = False,
) -> None:
    """Make a plan: posts for K groups, hot-spot loops, beats and coverage per tier.

    The solve is a background job: without ``--wait`` this prints the job's id; with it,
    a progress bar follows the job (run by this command's own worker thread unless
    ``PINGAN_JOBS_EMBEDDED=false``, and by any running worker) and the plan is printed."""
    from pingan.patrol import reads
    from pingan.patrol.models import DayType
    from pingan.patrol.schemas import PlanCreate

    methods: dict[str, Literal["auto", "exact", "heuristic"]] = {
        "auto": "auto",
        "exact": "exact",
        "heuristic": "heuristic",
    }
    if method not in methods:
        from pingan.errors import InvalidInput

        raise InvalidInput("method must be auto, exact or heuristic", field="--method")
    settings = get_settings()
    request = PlanCreate(
        city=city,
        station_code=station,
        groups=groups,
        shift=shift,
        day_type=DayType.weekend if weekend else DayType.weekday,
        backup=backup,
        time_limit_s=time_limit,
        method=methods[method],
        activate=activate,
    )
    plan_id = _solve_as_job(settings, request, wait=wait, quiet=as_json)
    if plan_id is None:
        return
    with unit_of_work(session_factory(settings)) as db_session:
        body = reads.plan_json(db_session, reads.get_plan(db_session, None, plan_id))
    if as_json:
        print(
            json.dumps(
                {
                    "plan_id": body["id"],
                    "groups": body["groups"],
                    "coverage": body["coverage"],
                    "objective": body["objective"],
                    "bound": body["bound"],
                    "gap": body["gap"],
                    "seconds": body["seconds"],
                }
            )
        )
        return
    _print_summary(body)


def _solve_as_job(settings: Settings, request: Any, *, wait: bool, quiet: bool) -> int | None:
    """Queue the plan's job; with ``wait``, follow it and return the plan's id."""
    from pingan.cli.jobs import start_jobs, wait_for
    from pingan.errors import PinganError
    from pingan.patrol import jobs as plan_jobs

    with unit_of_work(session_factory(settings)) as db_session:
        job_id = plan_jobs.submit_plan(db_session, settings, None, request).id
    if not wait:
        if quiet:
            print(json.dumps({"job_id": job_id, "url": f"/api/v1/jobs/{job_id}"}))
        else:
            console.print(f"plan job {job_id} queued: `pingan jobs show {job_id}`, or use --wait")
        return None
    local = start_jobs(settings)
    try:
        with _native_stdout_to_stderr():
            state = wait_for(settings, job_id, quiet=quiet)
    finally:
        if local is not None:
            local[0].stopping.set()
            local[1].join()
    if state["status"] != "done" or not state["result_url"]:
        raise PinganError(f"plan job {job_id} {state['status']}: {state['error'] or ''}")
    return int(state["result_url"].rsplit("/", 1)[1])


def _print_summary(body: dict[str, Any]) -> None:
    console.print(
        f"plan [bold]{body['id']}[/bold] {body['name']} ({body['station_code']}, "
        f"{body['shift']} {body['day_type']}, {body['groups']} groups, {body['status']})"
    )
    console.print(_coverage_table("share of demand within each tier", body["coverage"]))
    console.print(
        f"objective {body['objective']:.6g}, bound {body['bound']:.6g}, "
        f"gap {body['gap']:.3%} ({body['solve_status']}), {body['seconds']:.1f} s"
    )
    if body.get("visibility_share") is not None:
        console.print(f"visibility (share of hot-spot-hours seen): {body['visibility_share']:.1%}")


@app.command("show")
def plan_show(
    plan_id: int,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
) -> None:
    """Show a plan: coverage, posts, loops and beats."""
    from pingan.patrol import reads

    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        body = reads.plan_detail(db_session, reads.get_plan(db_session, None, plan_id))
    if as_json:
        print(json.dumps(body, default=str, ensure_ascii=False))
        return
    _print_summary(body)
    table = Table(title="groups")
    for column in ("group", "post", "fixed", "stops", "loop min", "repeats", "beat workload"):
        table.add_column(column, justify="right")
    workload = {b["beat"]: b["workload"] for b in body["beats"]}
    routes = {r["group"]: r for r in body["routes"]}
    for post in body["posts"]:
        route = routes.get(post["group"], {})
        table.add_row(
            str(post["group"]),
            f"{post['lat']:.5f}, {post['lon']:.5f}",
            "yes" if post["fixed"] else "",
            str(len(route.get("stops", []))),
            f"{route.get('loop_s', 0) / 60:.0f}",
            str(route.get("repeats", 0)),
            f"{workload.get(post['group'], 0.0):.3f}",
        )
    console.print(table)
    stats = body["beat_stats"]
    if stats:
        console.print(
            f"beats: max/mean workload {stats['optimised']['max_over_mean']:.2f} "
            f"(square grid {stats['square_grid']['max_over_mean']:.2f})"
        )
    for note in body["notes"]:
        console.print(f"[dim]note: {note}[/dim]")


def _compare_table(result: dict[str, Any]) -> Table:
    table = Table(
        title=f"{result['incidents']} incidents, {result['period']['from']} to "
        f"{result['period']['to']}, {result['shift']} {result['day_type']}"
    )
    table.add_column("plan")
    tiers = list(result["plans"][0]["share_within"]) if result["plans"] else []
    for key in tiers:
        table.add_column(f"≤ {key} s", justify="right")
    for column in ("median s", "p90 s", "queued", "unserved"):
        table.add_column(column, justify="right")
    for row in result["plans"]:
        shares = [
            "–" if row["share_within"][k] is None else f"{row['share_within'][k]:.1%}"
            for k in tiers
        ]
        table.add_row(
            row["label"],
            *shares,
            "–" if row["median_s"] is None else f"{row['median_s']:.0f}",
            "–" if row["p90_s"] is None else f"{row['p90_s']:.0f}",
            str(row["queued"]),
            str(row["unserved"]),
        )
    return table


@app.command("compare")
def plan_compare(
    plan_ids: Annotated[list[int], typer.Argument(help="One or two plan ids.")],
    from_: Annotated[str | None, typer.Option("--from", help="First day YYYY-MM-DD.")] = None,
    to: Annotated[str | None, typer.Option(help="Last day YYYY-MM-DD.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the time-on-scene draws.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Compare a plan (or two) with the naive station-post and grid plans by simulation.

    Without --from/--to the period is the 28 days before today.
    """
    from pingan.errors import InvalidInput
    from pingan.patrol import compare
    from pingan.patrol.schemas import CompareRequest

    if not 1 <= len(plan_ids) <= 2:
        raise InvalidInput("give one or two plan ids", field="PLAN_IDS")
    first, last = _period(from_, to)
    settings = get_settings()
    request = CompareRequest(
        plan_id=plan_ids[0],
        other_plan_id=plan_ids[1] if len(plan_ids) > 1 else None,
        date_from=first,
        date_to=last,
        seed=seed,
    )
    with unit_of_work(session_factory(settings)) as db_session:
        result = compare.compare_plans(db_session, settings, None, request)
    if as_json:
        print(json.dumps(result, default=str, ensure_ascii=False))
        return
    console.print(_compare_table(result))
    for note in result["notes"]:
        console.print(f"[yellow]note[/yellow]: {note}")


def _period(from_: str | None, to: str | None) -> tuple[date, date]:
    from datetime import timedelta

    from pingan.errors import InvalidInput

    try:
        last = date.fromisoformat(to) if to else date.today() - timedelta(days=1)
        first = date.fromisoformat(from_) if from_ else last - timedelta(days=27)
    except ValueError:
        raise InvalidInput("dates must look like 2026-07-01", field="--from/--to") from None
    return first, last


def simulate(
    plan: Annotated[int, typer.Option("--plan", help="Plan id.")],
    from_: Annotated[str, typer.Option("--from", help="First day YYYY-MM-DD.")],
    to: Annotated[str, typer.Option(help="Last day YYYY-MM-DD.")],
    seed: Annotated[int, typer.Option(help="Seed of the time-on-scene draws.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Replay a period's incidents (in the plan's shift window) against a plan's posts."""
    from pingan.patrol import compare

    first, last = _period(from_, to)
    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        result = compare.simulate_plan(db_session, settings, None, plan, first, last, seed=seed)
    if as_json:
        print(json.dumps(result, default=str, ensure_ascii=False))
        return
    console.print(
        _compare_table(
            {
                "incidents": result["incidents"],
                "period": result["period"],
                "shift": "",
                "day_type": "",
                "plans": [{"label": f"plan #{result['plan_id']}", **result}],
            }
        )
    )
    if result["simulated_incidents"]:
        console.print(
            f"[yellow]note[/yellow]: {result['simulated_incidents']} of {result['incidents']} "
            "incidents are simulated: a demonstration, not an evaluation"
        )

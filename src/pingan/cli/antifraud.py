"""`pingan antifraud`: the anti-fraud desk from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from pingan.antifraud import screening
from pingan.errors import InvalidInput

app = typer.Typer(help="The anti-fraud desk (反诈).", no_args_is_help=True)

_TIER_STYLE = {"red": "bold red", "orange": "bold dark_orange", "yellow": "yellow", "none": "green"}


@app.callback()
def _group() -> None:
    """The anti-fraud desk (反诈)."""


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


def _print_rich(data: dict[str, Any]) -> None:
    console = Console()
    verdict = f"fraud: {data['fraud_type']}" if data["fraud"] else "not fraud"
    style = _TIER_STYLE[data["risk"]]
    console.print(f"[{style}]{data['risk'].upper()}[/{style}]  {verdict}")
    console.print(f"{data['reason_zh']} / {data['reason_en']}", markup=False)
    if data["signs"]:
        table = Table("sign", "标志", "evidence")
        for sign in data["signs"]:
            table.add_row(sign["label_en"], sign["label_zh"], sign["evidence"])
        console.print(table)
    for zh, en in zip(data["advice"]["zh"], data["advice"]["en"], strict=False):
        console.print(f"• {zh} / {en}", markup=False)


def _read_lines(jsonl: Path) -> list[str]:
    try:
        if str(jsonl) == "-":
            return sys.stdin.read().splitlines()
        return jsonl.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {jsonl}: {exc}", field="jsonl") from None


def _screen_line(number: int, line: str) -> dict[str, Any]:
    where = f"line {number}"
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"line {number}: not JSON ({exc.msg})", field=where) from None
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise InvalidInput(f'line {number}: needs a "text" string', field=where)
    try:
        return screening.screening_json(screening.screen(row["text"]))
    except InvalidInput as exc:
        raise InvalidInput(f"line {number}: {exc.message}", field=where) from None


@app.command()
def screen(
    text: Annotated[str | None, typer.Argument(help="The situation (omit with --jsonl).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    jsonl: Annotated[
        Path | None,
        typer.Option("--jsonl", help='File of lines {"text": ...} ("-" for standard input).'),
    ] = None,
) -> None:
    """Is it fraud? The type, the risk tier, the signs with their words and the advice."""
    if jsonl is not None:
        if text is not None:
            raise InvalidInput("give either a TEXT or --jsonl FILE, not both", field="text")
        # every line is checked before anything is printed: a bad line names itself
        results = [
            _screen_line(number, line)
            for number, line in enumerate(_read_lines(jsonl), start=1)
            if line.strip()
        ]
        for result in results:
            typer.echo(_dump(result))
        return
    if text is None:
        raise InvalidInput("give a TEXT or --jsonl FILE", field="text")
    data = screening.screening_json(screening.screen(text))
    if as_json:
        typer.echo(_dump(data))
    else:
        _print_rich(data)


@app.command("import")
def import_referrals(
    file: Path,
    mapping: Annotated[
        str,
        typer.Option(
            "--mapping",
            help="field=column pairs, e.g. target_phone=电话,target_name=姓名,tier=等级,"
            "situation=情况,received_at=推送时间 (or a JSON object)",
        ),
    ],
    username: Annotated[str, typer.Option("--as", help="the account the warnings are filed as")],
    station: Annotated[
        str | None, typer.Option("--station", help="station code (default: the account's)")
    ] = None,
) -> None:
    """Import referrals from a bank or 96110 (CSV): one warning per row, all or nothing."""
    from sqlalchemy import select

    from pingan.antifraud import referrals
    from pingan.auth import service as auth
    from pingan.auth.models import User
    from pingan.cli.core import session_factory
    from pingan.config import get_settings
    from pingan.db import unit_of_work
    from pingan.incidents.imports import parse_mapping

    if not file.exists():
        raise InvalidInput(f"{file}: no such file", field="file")
    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        user = db_session.scalar(select(User).where(User.username == username))
        if user is None or not user.is_active:
            raise InvalidInput(f"no active user {username!r}", field="--as")
        principal = auth.principal_for(db_session, user, client_addr="cli")
        result = referrals.import_referrals(
            db_session,
            settings,
            principal,
            file.read_bytes(),
            parse_mapping(mapping),
            jurisdiction_code=station,
        )
    typer.echo(_dump(result))


outreach_app = typer.Typer(
    help="Outreach (反诈宣传): reach and next stall sites.", no_args_is_help=True
)
app.add_typer(outreach_app, name="outreach")


def _print_sites(data: dict[str, Any]) -> None:
    console = Console()
    console.print(
        f"{data['jurisdiction_code']} {data['month']}: {data['stalls']} stalls this month; "
        f"fraud demand {data['demand_total']} ({data['demand_reached']} reached, "
        f"{data['demand_open']} open), walk {data['walk_s']:.0f} s",
        markup=False,
    )
    table = Table("#", "site", "kind", "lat", "lon", "covers", "incidents", "warnings")
    for site in data["suggestions"]:
        table.add_row(
            str(site["rank"]), site["name"], site["kind"], f"{site['lat']:.6f}",
            f"{site['lon']:.6f}", str(site["demand_covered"]), str(site["incidents"]),
            str(site["warnings"]),
        )  # fmt: skip
    console.print(table)


@outreach_app.command("suggest")
def outreach_suggest(
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", help="station code")],
    k: Annotated[int, typer.Option("--k", min=1, max=20, help="number of sites")] = 5,
    walk_s: Annotated[
        float | None, typer.Option("--walk-s", help="walk in seconds (default: settings)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Next week's stall sites: the K places covering the most fraud victims that this
    month's stalls have not reached."""
    from pingan.antifraud import suggestions
    from pingan.cli.core import operator_principal, session_factory
    from pingan.config import get_settings
    from pingan.db import unit_of_work

    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        data = suggestions.suggest_sites(
            db_session,
            settings,
            operator_principal(db_session),
            jurisdiction_code=jurisdiction,
            k=k,
            walk_s=walk_s,
        )
    if as_json:
        typer.echo(_dump(data))
    else:
        _print_sites(data)


@outreach_app.command("reach")
def outreach_reach(
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", help="station code")],
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM (default: now)")] = None,
    walk_s: Annotated[
        float | None, typer.Option("--walk-s", help="walk in seconds (default: settings)")
    ] = None,
) -> None:
    """The share of the station's residents within a walk of the month's stalls (JSON
    totals; the zones are in the API's GeoJSON)."""
    from pingan.antifraud import reach
    from pingan.cli.core import operator_principal, session_factory
    from pingan.config import get_settings
    from pingan.db import unit_of_work

    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        data = reach.outreach_reach(
            db_session,
            settings,
            operator_principal(db_session),
            jurisdiction_code=jurisdiction,
            month=month,
            walk_s=walk_s,
        )
    keep = ("jurisdiction_code", "city", "month", "walk_s", "walk_m", "population_source")
    typer.echo(_dump({k: data[k] for k in keep} | {"totals": data["totals"]}))

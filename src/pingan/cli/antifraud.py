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

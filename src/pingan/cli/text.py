"""`pingan text`: extract type, time, place, property, amount and phones from messages."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from pingan.algo.text import extract_report
from pingan.errors import InvalidInput

app = typer.Typer(help="Free-text report extraction (Chinese and English).", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Free-text report extraction (Chinese and English)."""


def _parse_at(raw: Any, field: str) -> datetime:
    if not isinstance(raw, str):
        raise InvalidInput("the message time is missing (ISO 8601 with offset)", field=field)
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{raw!r} is not an ISO 8601 time", field=field) from None
    if at.tzinfo is None:
        raise InvalidInput(f"{raw!r} needs a UTC offset, e.g. +08:00", field=field)
    return at


def _city_helpers(name: str) -> dict[str, Any]:
    from pingan.city import service as cities
    from pingan.cli.core import session_factory
    from pingan.config import get_settings
    from pingan.db import unit_of_work

    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        city = cities.get_city(db_session, name)
    geocode, find_places = cities.text_helpers(settings, city)
    return {"geocode": geocode, "find_places": find_places}


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


@app.command()
def parse(
    text: Annotated[str | None, typer.Argument(help="The message (omit with --jsonl).")] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="When the message was sent, ISO 8601 with offset."),
    ] = None,
    jsonl: Annotated[
        Path | None,
        typer.Option(
            "--jsonl", help='File of lines {"text": ..., "at": ...} ("-" for standard input).'
        ),
    ] = None,
    tz: Annotated[str, typer.Option("--tz", help="District time zone (IANA).")] = "Asia/Shanghai",
    city: Annotated[
        str | None,
        typer.Option("--city", help="Geocode places through this imported city's gazetteer."),
    ] = None,
) -> None:
    """Print one JSON object per message: type, fraud_type, time, place, items, amount, phones."""
    helpers: dict[str, Any] = {}
    if city is not None:
        helpers = _city_helpers(city)
    if jsonl is None:
        if text is None:
            raise InvalidInput("give a TEXT or --jsonl FILE", field="text")
        when = _parse_at(at, "at")
        typer.echo(_dump(extract_report(text, when, tz=tz, **helpers).to_json()))
        return
    if text is not None:
        raise InvalidInput("give either a TEXT or --jsonl FILE, not both", field="text")
    try:
        lines = (
            sys.stdin.read().splitlines()
            if str(jsonl) == "-"
            else jsonl.read_text(encoding="utf-8").splitlines()
        )
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {jsonl}: {exc}", field="jsonl") from None
    default_at = at
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"line {number}: not JSON ({exc.msg})", field=where) from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise InvalidInput(f'line {number}: needs a "text" string', field=where)
        when = _parse_at(row.get("at", default_at), where)
        try:
            result = extract_report(row["text"], when, tz=tz, **helpers).to_json()
        except InvalidInput as exc:
            raise InvalidInput(f"line {number}: {exc.message}", field=where) from None
        typer.echo(_dump(result))

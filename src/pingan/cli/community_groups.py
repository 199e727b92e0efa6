"""`pingan community groups`: the police–citizen group registry and its weekly health."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from pingan.errors import InvalidInput

groups_app = typer.Typer(help="The police–citizen group chats (警民群).", no_args_is_help=True)


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=_iso)


def _caller(db_session: Any, username: str | None) -> Any:
    """The named account, or the CLI operator (every jurisdiction) without ``--as``."""
    from sqlalchemy import select

    from pingan.auth import service as auth
    from pingan.auth.models import User
    from pingan.cli.core import operator_principal

    if username is None:
        return operator_principal(db_session)
    user = db_session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        raise InvalidInput(f"no active user {username!r}", field="--as")
    return auth.principal_for(db_session, user, client_addr="cli")


AsOption = Annotated[
    str | None, typer.Option("--as", help="act as this account (default: the CLI operator)")
]


@groups_app.command("import")
def import_groups(file: Path, username: AsOption = None) -> None:
    """Load a registry from CSV (platform, external_id, name, grid, officer, member_count,
    created_on, officer_senders; Chinese headers 平台, 群号, 群名, 网格, 负责民警, 成员数,
    建群日期, 民警昵称 too): all rows or none, a bad row named by line and column."""
    from pingan.cli.core import session_factory
    from pingan.community import groups
    from pingan.config import get_settings
    from pingan.db import unit_of_work

    if not file.is_file():
        raise InvalidInput(f"{file}: no such file", field="file")
    with unit_of_work(session_factory(get_settings())) as db_session:
        result = groups.import_groups(db_session, _caller(db_session, username), file.read_bytes())
    typer.echo(_dump(result))


def _print_table(health: dict[str, Any]) -> None:
    table = Table(title=health["week"])
    table.add_column("group", no_wrap=True)
    for name in ("grid", "messages", "reports", "questions", "answered", "median min", "silent"):
        table.add_column(name)
    for row in health["groups"]:
        median = row["median_answer_s"]
        table.add_row(
            row["name"],
            row["grid_code"],
            str(row["messages"]),
            str(row["reports"]),
            str(row["questions"]),
            str(row["answered"]),
            "" if median is None else f"{median / 60:.1f}",
            "yes" if row["silent"] else "",
        )
    Console().print(table)


@groups_app.command("health")
def health(
    week: Annotated[str, typer.Option("--week", help="ISO week, e.g. 2026-W28")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    username: AsOption = None,
) -> None:
    """Each group's figures for the week: messages, reports, questions answered, the median
    time to an officer's answer, and whether no officer wrote in 7 days."""
    from pingan.cli.core import session_factory
    from pingan.community import group_health
    from pingan.config import get_settings
    from pingan.db import unit_of_work

    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        result = group_health.week_health(
            db_session, _caller(db_session, username), week, settings.time_zone
        )
    if as_json:
        typer.echo(_dump(result))
    else:
        _print_table(result)

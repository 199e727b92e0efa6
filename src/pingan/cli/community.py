"""`pingan community`: volunteers (import, export) and the police–citizen group chats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from pingan.cli.community_groups import groups_app
from pingan.errors import InvalidInput

app = typer.Typer(help="Community (群防群治): volunteers, teams, groups.", no_args_is_help=True)
volunteers_app = typer.Typer(help="The volunteer roster.", no_args_is_help=True)
app.add_typer(volunteers_app, name="volunteers")
app.add_typer(groups_app, name="groups")


@app.callback()
def _group() -> None:
    """Community (群防群治): volunteers, teams, groups."""


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


def _principal_of(db_session: Any, username: str) -> Any:
    from sqlalchemy import select

    from pingan.auth import service as auth
    from pingan.auth.models import User

    user = db_session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        raise InvalidInput(f"no active user {username!r}", field="--as")
    return auth.principal_for(db_session, user, client_addr="cli")


@volunteers_app.command("import")
def import_volunteers(
    file: Path,
    username: Annotated[str, typer.Option("--as", help="the account the volunteers are added as")],
    station: Annotated[
        str | None, typer.Option("--station", help="station code for rows without one")
    ] = None,
) -> None:
    """Import a roster (CSV or XLSX, by the file's first bytes): all rows or none."""
    from pingan.cli.core import session_factory
    from pingan.community import roster_io
    from pingan.config import get_settings
    from pingan.db import unit_of_work

    if not file.is_file():
        raise InvalidInput(f"{file}: no such file", field="file")
    raw = file.read_bytes()
    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        principal = _principal_of(db_session, username)
        result = roster_io.import_roster(
            db_session, principal, raw, xlsx=raw[:2] == b"PK", station_code=station
        )
    typer.echo(_dump(result))


@volunteers_app.command("export")
def export_volunteers(
    out: Path,
    username: Annotated[str, typer.Option("--as", help="the account whose view is exported")],
) -> None:
    """Export the roster the account may see (masked as it sees it) to OUT (.csv or .xlsx)."""
    from pingan.cli.core import session_factory
    from pingan.community import roster_io
    from pingan.config import get_settings
    from pingan.db import unit_of_work

    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise InvalidInput("the file name ends in .csv or .xlsx", field="out")
    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        principal = _principal_of(db_session, username)
        rows = roster_io.roster_rows(db_session, settings, principal)
    data = (
        roster_io.roster_xlsx(rows) if out.suffix.lower() == ".xlsx" else roster_io.roster_csv(rows)
    )
    out.write_bytes(data)
    typer.echo(_dump({"exported": len(rows), "file": str(out)}))

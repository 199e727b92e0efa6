"""``pingan incidents``: bulk intake of hotline (110) CSV records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from pingan.auth import service as auth
from pingan.auth.models import User
from pingan.cli.core import console, session_factory
from pingan.config import get_settings
from pingan.db import unit_of_work
from pingan.errors import InvalidInput
from pingan.incidents import imports

app = typer.Typer(help="Incidents: bulk intake.", no_args_is_help=True)


@app.command("import")
def import_csv(
    file: Path,
    mapping: Annotated[
        str,
        typer.Option(
            "--mapping",
            help="field=column pairs, e.g. received_at=报警时间,description=简要警情,"
            "place_text=地址 (or a JSON object)",
        ),
    ],
    username: Annotated[
        str, typer.Option("--as", help="the officer account the records are filed as")
    ],
    partial: Annotated[
        bool, typer.Option("--partial", help="keep the good rows and list the bad ones")
    ] = False,
) -> None:
    """Import FILE.csv; all-or-nothing unless --partial. Errors name line and column."""
    if not file.exists():
        raise InvalidInput(f"{file}: no such file", field="file")
    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        user = db_session.scalar(select(User).where(User.username == username))
        if user is None or not user.is_active:
            raise InvalidInput(f"no active user {username!r}", field="--as")
        principal = auth.principal_for(db_session, user, client_addr="cli")
        result = imports.import_csv(
            db_session,
            settings,
            principal,
            file.read_bytes(),
            imports.parse_mapping(mapping),
            partial=partial,
        )
    for error in result["errors"]:
        console.print(f"[yellow]skipped[/yellow] {error['message']}", highlight=False)
    console.print(
        f"[green]{len(result['created_incidents'])} incidents[/green] from {result['rows']} rows",
        highlight=False,
    )
    print(json.dumps({"created_incidents": result["created_incidents"]}))

"""``pingan open311``: API keys for Open311 GeoReport v2 clients."""

from __future__ import annotations

from typing import Annotated

import typer

from pingan.cli.core import console, session_factory
from pingan.config import get_settings
from pingan.db import unit_of_work
from pingan.incidents import open311

app = typer.Typer(help="Open311 GeoReport v2 clients.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys of Open311 clients.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("add")
def keys_add(
    name: str,
    jurisdiction: Annotated[
        str, typer.Option("--jurisdiction", help="code of the jurisdiction it files into")
    ],
) -> None:
    """Create an API key for client NAME and print it (it is shown only once)."""
    with unit_of_work(session_factory(get_settings())) as db_session:
        key, row = open311.create_key(db_session, name, jurisdiction)
        key_id = row.id
    console.print(f"[dim]key {key_id} for {name} ({jurisdiction}):[/dim]", highlight=False)
    print(key)

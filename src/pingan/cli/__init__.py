"""The one ``pingan`` command.

Each area of work adds a Typer sub-app in a module of this package, imported and added
below. Commands are thin: they parse
arguments, call a service or an ``algo`` function, print the result, and turn a
:class:`pingan.errors.PinganError` into a clear message and exit code 2.
"""

from __future__ import annotations

import sys

import typer

from pingan.cli import (
    analytics,
    antifraud,
    campaign,
    city,
    community,
    core,
    dispatch,
    incidents,
    jobs,
    ledgers,
    open311,
    plan,
    route,
    text,
)
from pingan.errors import PinganError

app = typer.Typer(
    name="pingan",
    help="平安 pingan: public-safety operations for a police district and its community.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Modules with a ``register(app)`` function add top-level commands; the others export
# ``app`` as a sub-command group.
core.register(app)
app.add_typer(city.app, name="city")
app.add_typer(route.app, name="route")
app.add_typer(analytics.app, name="analytics")
app.add_typer(open311.app, name="open311")
app.add_typer(incidents.app, name="incidents")
app.add_typer(text.app, name="text")
app.add_typer(dispatch.app, name="dispatch")
app.add_typer(antifraud.app, name="antifraud")
app.add_typer(community.app, name="community")
app.add_typer(ledgers.app, name="ledgers")
app.add_typer(campaign.app, name="campaign")
plan.register(app)
jobs.register(app)


def main() -> None:
    """Entry point that prints pingan errors as one clear line."""
    from pingan.live import order as live_order

    live_order.install()  # commit-ordered live stamps for every command's writes
    try:
        app()
    except PinganError as exc:
        where = f" ({exc.field})" if exc.field else ""
        print(f"error: {exc.message}{where}", file=sys.stderr)
        raise SystemExit(2) from None

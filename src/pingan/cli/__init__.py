"""The one ``pingan`` command.

Each area of work adds a Typer sub-app in a module of this package and names it in
:data:`SUBCOMMANDS` (module name → command name). Commands are thin: they parse
arguments, call a service or an ``algo`` function, print the result, and turn a
:class:`pingan.errors.PinganError` into a clear message and exit code 2.
"""

from __future__ import annotations

import importlib
import sys

import typer

from pingan.errors import PinganError

app = typer.Typer(
    name="pingan",
    help="平安 pingan: public-safety operations for a police district and its community.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: (module in pingan.cli, command name). Modules with a ``register(app)`` function add
#: top-level commands; others export ``app`` as a sub-command group.
SUBCOMMANDS: tuple[tuple[str, str], ...] = (
    ("core", ""),
    ("city", "city"),
    ("route", "route"),
    ("analytics", "analytics"),
    ("open311", "open311"),
    ("incidents", "incidents"),
    ("text", "text"),
    ("dispatch", "dispatch"),
    ("plan", "plan"),
)

for _module_name, _command in SUBCOMMANDS:
    _module = importlib.import_module(f"pingan.cli.{_module_name}")
    if hasattr(_module, "register"):
        _module.register(app)
    else:
        app.add_typer(_module.app, name=_command)


def main() -> None:
    """Entry point that prints pingan errors as one clear line."""
    try:
        app()
    except PinganError as exc:
        where = f" ({exc.field})" if exc.field else ""
        print(f"error: {exc.message}{where}", file=sys.stderr)
        raise SystemExit(2) from None

"""`pingan ledgers`: the fire-safety and venue ledgers (消防台账) from the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pingan.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from pingan.principal import Principal

app = typer.Typer(help="Fire-safety and venue ledgers (消防台账).", no_args_is_help=True)

KINDS = ("sites", "control_rooms", "operators", "shifts")
AsUser = Annotated[
    str | None,
    typer.Option("--as", help="act as this account (default: the server's ledger operator)"),
]


@app.callback()
def _group() -> None:
    """Fire-safety and venue ledgers (消防台账)."""


def _principal(db_session: Session, username: str | None) -> Principal:
    """The named account, or the CLI's operator: whoever runs the CLI on the server keeps
    the ledgers of the whole tree (fire officer and admin on every root; no user row)."""
    from sqlalchemy import select

    from pingan.auth import service as auth
    from pingan.auth.models import User
    from pingan.jurisdictions.models import Jurisdiction
    from pingan.policy import Role
    from pingan.principal import Grant, Principal

    if username is not None:
        user = db_session.scalar(select(User).where(User.username == username))
        if user is None or not user.is_active:
            raise InvalidInput(f"no active user {username!r}", field="--as")
        return auth.principal_for(db_session, user, client_addr="cli")
    roots = db_session.execute(
        select(Jurisdiction.id, Jurisdiction.path).where(Jurisdiction.parent_id.is_(None))
    ).all()
    grants = tuple(
        Grant(role, node_id, path)
        for node_id, path in roots
        for role in (Role.fire_officer, Role.admin)
    )
    return Principal(user_id=0, username="cli", grants=grants, client_addr="cli")


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


@app.command("import")
def import_ledger(
    kind: Annotated[str, typer.Argument(help="sites, control_rooms, operators or shifts")],
    file: Path,
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", help="station code the sites belong to")
    ] = None,
    mapping: Annotated[
        str, typer.Option("--mapping", help="field=column pairs, e.g. code=编号,name=单位名称")
    ] = "",
    username: AsUser = None,
) -> None:
    """Import a ledger sheet from XLSX or CSV: every row or none."""
    from pingan.cli.core import session_factory
    from pingan.config import get_settings
    from pingan.db import unit_of_work
    from pingan.incidents.imports import parse_mapping
    from pingan.ledgers import workbook

    if kind not in KINDS:
        raise InvalidInput(f"import one of {', '.join(KINDS)}", field="kind")
    if not file.exists():
        raise InvalidInput(f"{file}: no such file", field="file")
    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        result = workbook.import_rows(
            db_session,
            settings,
            _principal(db_session, username),
            kind,
            file.read_bytes(),
            parse_mapping(mapping) if mapping.strip() else {},
            jurisdiction_code=jurisdiction,
        )
    typer.echo(_dump(result))


@app.command("export")
def export_ledger(
    out: Path,
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", help="station code (default: all)")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="first day, YYYY-MM-DD")] = None,
    end: Annotated[str | None, typer.Option("--to", help="last day, YYYY-MM-DD")] = None,
    username: AsUser = None,
) -> None:
    """Write the ledger workbook (sites, control rooms, operators, duty flags,
    inspections, hazards, drills) of a jurisdiction and period."""
    from pingan.cli.core import session_factory
    from pingan.config import get_settings
    from pingan.db import unit_of_work
    from pingan.ledgers import export

    def day(text: str | None, name: str) -> date | None:
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD)", field=name) from None

    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        data = export.export_workbook(
            db_session,
            settings,
            _principal(db_session, username),
            jurisdiction_code=jurisdiction,
            start=day(start, "--from"),
            end=day(end, "--to"),
        )
    out.write_bytes(data)
    typer.echo(f"written: {out}")


@app.command("overdue")
def overdue(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON list.")] = False,
    username: AsUser = None,
) -> None:
    """The overdue hazards: site, severity and days overdue, the longest first."""
    from pingan.cli.core import session_factory
    from pingan.config import get_settings
    from pingan.db import unit_of_work
    from pingan.ledgers import hazards

    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        rows = hazards.hazard_rows(db_session, _principal(db_session, username), state="overdue")
    listed = [
        {
            "hazard_id": r["id"],
            "site_code": r["site_code"],
            "site": r["site_name"],
            "jurisdiction_code": r["jurisdiction_code"],
            "item_code": r["item_code"],
            "severity": r["severity"].value,
            "deadline": r["deadline"].isoformat(),
            "days_overdue": r["days_overdue"],
        }
        for r in sorted(rows, key=lambda r: (-r["days_overdue"], r["id"]))
    ]
    if as_json:
        typer.echo(_dump(listed))
        return
    for row in listed:
        typer.echo(
            f"{row['days_overdue']:>4} d  {row['severity']:<8} {row['site_code']}  {row['site']}"
            f"  {row['item_code']}"
        )

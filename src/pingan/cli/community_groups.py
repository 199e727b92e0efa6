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


def _secret(given: str | None, label: str) -> str:
    """A secret from its option, else asked for without echo (kept out of shell history)."""
    return given if given is not None else str(typer.prompt(label, hide_input=True))


@groups_app.command("connect")
def connect(
    platform: Annotated[str, typer.Option("--platform", help="wecom or dingtalk")],
    group: Annotated[str, typer.Option("--group", help="the group's external id or name")],
    corp_id: Annotated[str | None, typer.Option("--corp-id", help="WeCom: the corp id")] = None,
    token: Annotated[str | None, typer.Option("--token", help="WeCom: the callback Token")] = None,
    aes_key: Annotated[
        str | None, typer.Option("--aes-key", help="WeCom: the EncodingAESKey (43 characters)")
    ] = None,
    app_secret: Annotated[
        str | None, typer.Option("--app-secret", help="DingTalk: the robot's AppSecret")
    ] = None,
    username: AsOption = None,
) -> None:
    """Connect a registered WeCom or DingTalk group: its secrets (asked for without echo
    when not given) are sealed in the database; prints the callback path to configure on
    the platform, never a secret. Connecting again replaces the secrets."""
    from pingan.cli.core import session_factory
    from pingan.community.connectors import registry
    from pingan.community.models import ChatPlatform
    from pingan.config import get_settings
    from pingan.db import unit_of_work

    if platform not in ("wecom", "dingtalk"):
        raise InvalidInput("--platform is wecom or dingtalk", field="--platform")
    if platform == "wecom":
        values = {
            "corp_id": corp_id if corp_id is not None else str(typer.prompt("corp id")),
            "token": _secret(token, "Token"),
            "aes_key": _secret(aes_key, "EncodingAESKey"),
        }
    else:
        values = {"app_secret": _secret(app_secret, "AppSecret")}
    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        connector = registry.connect_group(
            db_session,
            settings,
            _caller(db_session, username),
            platform=ChatPlatform(platform),
            group=group,
            values=values,
        )
        shown = registry.connector_json(db_session, connector)
    typer.echo(_dump(shown))

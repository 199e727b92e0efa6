"""Core commands: serve, demo, db, users, jurisdictions, audit."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pingan.auth.models import Role
from pingan.config import Settings, get_settings
from pingan.db import make_engine, make_session_factory, session_scope
from pingan.errors import InvalidInput

console = Console()
db_app = typer.Typer(help="Database: migrations and backups.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
jurisdictions_app = typer.Typer(help="The jurisdiction tree.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)


def session_factory(settings: Settings):  # type: ignore[no-untyped-def]
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_session_factory(make_engine(settings.effective_database_url))


def operator_principal(db_session):  # type: ignore[no-untyped-def]
    """The CLI's caller for read commands: an operator holding admin and dispatcher on
    every root of the jurisdiction tree (whoever may run the CLI on the server may read
    everything). It has no user row (``user_id`` 0), so it must not write records that
    name their author."""
    from sqlalchemy import select

    from pingan.auth.principal import Grant, Principal
    from pingan.jurisdictions.models import Jurisdiction

    roots = db_session.execute(
        select(Jurisdiction.id, Jurisdiction.path).where(Jurisdiction.parent_id.is_(None))
    ).all()
    grants = tuple(
        Grant(role, node_id, path)
        for node_id, path in roots
        for role in (Role.admin, Role.dispatcher)
    )
    return Principal(user_id=0, username="cli", grants=grants, client_addr="cli")


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the latest schema (Alembic head)."""
    from pingan.migrations import upgrade

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.effective_database_url)
    console.print(f"[green]database at head[/green]: {_safe_url(settings.effective_database_url)}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@db_app.command("backup")
def db_backup(path: Path) -> None:
    """Write a consistent copy of the database to PATH (SQLite online backup or pg_dump)."""
    settings = get_settings()
    url = settings.effective_database_url
    if url.startswith("sqlite"):
        source_path = (
            settings.sqlite_path if not settings.database_url else Path(url.split("///", 1)[1])
        )
        if not source_path.exists():
            raise InvalidInput(f"{source_path}: no database to back up", field="database")
        path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(source_path)
        target = sqlite3.connect(path)
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        if shutil.which("pg_dump") is None:
            raise InvalidInput("pg_dump is not installed", field="database")
        from sqlalchemy.engine import make_url

        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_dump", "--format=custom", f"--file={path}", plain], check=True)
    console.print(f"[green]backup written[/green]: {path}")


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[Role, typer.Option(help="Role to grant.")],
    jurisdiction: Annotated[str, typer.Option(help="Jurisdiction code the role holds on.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    display_name: str = "",
) -> None:
    """Create a user holding ROLE on JURISDICTION's subtree."""
    from pydantic import ValidationError

    from pingan.auth import service as auth
    from pingan.auth.schemas import GrantRead, UserCreate

    try:
        data = UserCreate(
            username=username,
            password=password,
            display_name=display_name,
            grants=[GrantRead(role=role, jurisdiction_code=jurisdiction)],
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(
            f"{first['loc'][0]}: {first['msg']}", field=str(first["loc"][0])
        ) from None
    with session_scope(session_factory(get_settings())) as db_session:
        user = auth.create_user(db_session, data)
        console.print(f"user {user.username} created (id {user.id})")


@jurisdictions_app.command("import")
def jurisdictions_import(file: Path) -> None:
    """Import jurisdictions from CSV (code,parent_code,level,name_zh,name_en) or GeoJSON."""
    from pingan.audit import service as audit
    from pingan.jurisdictions import service

    with session_scope(session_factory(get_settings())) as db_session:
        created = service.import_file(db_session, file)
        audit.record(
            db_session,
            action="jurisdiction.import",
            object_type="jurisdiction",
            object_id=file.name[:64],
            actor="cli",
        )
        console.print(f"{len(created)} jurisdictions imported from {file}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit hash chain; exit 1 when a row was edited or removed."""
    from pingan.audit import service as audit

    with session_scope(session_factory(get_settings())) as db_session:
        report = audit.verify_chain(db_session)
    if report.ok:
        console.print(f"[green]ok[/green]: {report.reason}")
    else:
        console.print(f"[red]BROKEN[/red]: {report.reason}")
        raise typer.Exit(1)


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
) -> None:
    """Serve the API and pages."""
    import uvicorn

    from pingan.web.main import refuse_demo_database

    settings = get_settings()
    settings.check_safe()
    refuse_demo_database(settings)  # also in each worker (pingan.web.main:build)
    uvicorn.run(
        "pingan.web.main:build",
        host=host,
        port=port,
        workers=workers,
        factory=True,
        log_level="info",
        proxy_headers=True,
        server_header=False,
    )


def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve after loading.")
    ] = True,
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Migrate, load the demo district and cities, print the accounts, and serve."""
    from pingan.demo import load_demo
    from pingan.migrations import upgrade

    settings = get_settings()
    if not settings.demo_mode:
        settings = settings.model_copy(update={"demo_mode": True, "secure_cookies": False})
        get_settings.cache_clear()
        import os

        os.environ["PINGAN_DEMO_MODE"] = "1"
        os.environ["PINGAN_SECURE_COOKIES"] = "0"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.effective_database_url)
    factory = session_factory(settings)
    with progress_bar() as bar:
        tasks: dict[str, int] = {}

        def report(step: str, fraction: float) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=1.0)
            bar.update(tasks[step], completed=fraction)

        accounts = load_demo(factory, settings, report)
    table = Table(title="demo accounts (demo mode only)")
    for column in ("username", "role", "jurisdiction", "password"):
        table.add_column(column)
    for account in accounts:
        table.add_row(account.username, account.role, account.jurisdiction, settings.demo_password)
    console.print(table)
    console.print(
        f"pingan is at [bold]http://{host}:{port}[/bold]  (API docs: http://{host}:{port}/api/docs)"
    )
    if serve_after:
        import threading

        from pingan.dispatch.demo import simulated_position_feed

        stop = threading.Event()
        feed = threading.Thread(
            target=simulated_position_feed, args=(factory, stop), name="demo-feed", daemon=True
        )
        feed.start()
        console.print("units report simulated positions every minute while the demo runs")
        try:
            serve(host=host, port=port)
        finally:
            stop.set()


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(demo)
    app.add_typer(db_app, name="db")
    app.add_typer(users_app, name="users")
    app.add_typer(jurisdictions_app, name="jurisdictions")
    app.add_typer(audit_app, name="audit")

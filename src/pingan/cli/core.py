"""Core commands: serve, demo, db, users, jurisdictions, audit."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from pingan.config import Settings, get_settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.errors import ConfigError, InvalidInput
from pingan.policy import Role

if TYPE_CHECKING:
    import threading

    from sqlalchemy.orm import Session, sessionmaker

    from pingan.audit.anchors import Anchor
    from pingan.audit.service import ChainReport
    from pingan.principal import Principal

console = Console()
db_app = typer.Typer(help="Database: migrations and backups.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
jurisdictions_app = typer.Typer(help="The jurisdiction tree.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)


def session_factory(settings: Settings) -> sessionmaker[Session]:
    """Sessions whose audit rows are keyed with the configured audit key (refuses to go on
    without one outside demo mode)."""
    from pingan.audit import keys

    key = keys.load_key(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_session_factory(keys.keyed(make_engine(settings.effective_database_url), key))


def operator_principal(db_session: Session) -> Principal:
    """The CLI's caller for read commands: an operator holding admin and dispatcher on
    every root of the jurisdiction tree (whoever may run the CLI on the server may read
    everything). It has no user row (``user_id`` 0), so it must not write records that
    name their author."""
    from sqlalchemy import select

    from pingan.jurisdictions.models import Jurisdiction
    from pingan.principal import Grant, Principal

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
    with unit_of_work(session_factory(get_settings())) as db_session:
        user = auth.create_user(db_session, data)
        console.print(f"user {user.username} created (id {user.id})")


@users_app.command("grant")
def users_grant(
    username: str,
    role: Annotated[Role, typer.Option(help="Role to grant.")],
    jurisdiction: Annotated[str, typer.Option(help="Jurisdiction code the role holds on.")],
) -> None:
    """Grant ROLE on JURISDICTION's subtree to an existing user. The auditor role is
    granted here, on the server (or by an auditor through the API); no account may hold
    both admin and auditor."""
    from pingan.auth import grants
    from pingan.auth import service as auth

    with unit_of_work(session_factory(get_settings())) as db_session:
        user = auth.get_user(db_session, username)
        grants.grant_role(db_session, user, role, jurisdiction)
        console.print(f"{username} now holds {role.value} on {jurisdiction}")


@jurisdictions_app.command("import")
def jurisdictions_import(file: Path) -> None:
    """Import jurisdictions from CSV (code,parent_code,level,name_zh,name_en) or GeoJSON."""
    from pingan.audit import service as audit
    from pingan.jurisdictions import service

    with unit_of_work(session_factory(get_settings())) as db_session:
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
def audit_verify(
    anchor: Annotated[
        list[str] | None,
        typer.Option(
            help="An anchor kept elsewhere (e.g. by a notary), as ROWS:DIGEST or its JSON "
            "line; repeatable. Checked with those of the anchor file."
        ),
    ] = None,
) -> None:
    """Check the audit chain with the key and against every anchor; exit 1 when a row was
    edited, forged without the key, or removed."""
    from pingan.audit import keys
    from pingan.audit import service as audit
    from pingan.audit.anchors import parse_anchor, read_anchors

    settings = get_settings()
    anchors = read_anchors(keys.anchor_file(settings))
    anchors += [parse_anchor(text) for text in anchor or ()]
    key, retired = keys.load_key(settings), keys.retired_keys(settings)
    with unit_of_work(session_factory(settings)) as db_session:
        report = audit.verify_chain(db_session, key, anchors, retired=retired)
    checked = f"; {report.anchors} anchors checked" if report.anchors else "; no anchors"
    if report.ok:
        console.print(f"[green]ok[/green]: {report.reason}{checked}")
    else:
        console.print(f"[red]BROKEN[/red]: {report.reason}")
        raise typer.Exit(1)


@audit_app.command("anchor")
def audit_anchor(
    print_only: Annotated[
        bool,
        typer.Option(
            "--print",
            help="Print the anchor (for an external notary) instead of appending it to the "
            "anchor file.",
        ),
    ] = False,
    accept_unkeyed: Annotated[
        bool,
        typer.Option(
            help="Vouch for unkeyed rows from before keying (once, after the upgrade to "
            "0008, having checked them); otherwise an unanchored unkeyed row is refused."
        ),
    ] = False,
) -> None:
    """Verify the chain and record its head (row count, digest, time) outside the database.

    Appends one JSON line to PINGAN_AUDIT_ANCHOR_FILE (opened O_APPEND), or prints it with
    --print. Run it periodically, e.g. from cron every 15 minutes:
    ``*/15 * * * * pingan audit anchor``, or let ``pingan serve`` do it
    (PINGAN_AUDIT_ANCHOR_MINUTES). Refuses, exit 1, to anchor a broken chain.
    """
    from pingan.audit import keys

    settings = get_settings()
    path = keys.anchor_file(settings)
    if path is None and not print_only:
        raise InvalidInput(
            "no anchor file: set PINGAN_AUDIT_ANCHOR_FILE or use --print", field="anchor"
        )
    report, anchor = anchor_now(settings, accept_unkeyed=accept_unkeyed, write=not print_only)
    if anchor is None:
        console.print(f"[red]BROKEN[/red]: {report.reason}; not anchored")
        raise typer.Exit(1)
    if print_only:
        typer.echo(anchor.line())
    else:
        console.print(f"anchored {anchor.rows} rows, head {anchor.digest} in {path}")


def anchor_now(
    settings: Settings, *, accept_unkeyed: bool = False, write: bool = True
) -> tuple[ChainReport, Anchor | None]:
    """Verify against the anchors so far and, when intact, append a new anchor (if
    ``write``); return the report and the anchor (None for a broken chain)."""
    from pingan.audit import keys
    from pingan.audit import service as audit
    from pingan.audit.anchors import append_anchor, read_anchors

    path = keys.anchor_file(settings)
    key, retired = keys.load_key(settings), keys.retired_keys(settings)
    with unit_of_work(session_factory(settings)) as db_session:
        report, anchor = audit.anchor_chain(
            db_session, key, read_anchors(path), retired=retired, accept_unkeyed=accept_unkeyed
        )
    if anchor is not None and write and path is not None:
        append_anchor(path, anchor)
    return report, anchor


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
    if workers > 1 and settings.effective_database_url.startswith("sqlite"):
        raise ConfigError(
            f"--workers {workers} needs PostgreSQL (set PINGAN_DATABASE_URL): the embedded "
            "SQLite default serves with one worker process"
        )
    stop, _thread = start_anchoring(settings)
    from pingan.cli.jobs import start_jobs

    # the embedded job worker (a thread of this process; PINGAN_JOBS_EMBEDDED=false: none)
    embedded = start_jobs(settings)
    from pingan.campaigns.schedule import start_brief_scheduler

    # each morning's campaign briefs (PINGAN_CAMPAIGN_BRIEF_HOUR; unset: only on demand)
    briefs_stop, _briefs = start_brief_scheduler(session_factory, settings)
    try:
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
    finally:
        stop.set()
        briefs_stop.set()
        if embedded is not None:  # a running job finishes or goes back on the queue
            embedded[0].stopping.set()
            embedded[1].join(timeout=settings.job_lease_s)


def start_anchoring(
    settings: Settings, *, interval_s: float | None = None
) -> tuple[threading.Event, threading.Thread | None]:
    """Anchor the audit chain every ``audit_anchor_minutes`` (or ``interval_s``) in a daemon
    thread of the serving process (one, whatever the number of workers); return its stop
    event and the thread (None when anchoring is off or there is no anchor file)."""
    import logging
    import threading

    from pingan.audit import keys

    stop = threading.Event()
    minutes = settings.audit_anchor_minutes
    if minutes <= 0 or keys.anchor_file(settings) is None:
        return stop, None
    log = logging.getLogger("pingan.audit")
    period_s = interval_s if interval_s is not None else minutes * 60

    def run() -> None:
        while not stop.wait(period_s):
            try:
                report, anchor = anchor_now(settings)
            except Exception:  # keep anchoring; the next round may succeed
                log.exception("audit anchor failed")
                continue
            if anchor is None:
                log.error("audit chain BROKEN, not anchored: %s", report.reason)
            else:
                log.info("audit chain anchored at %d rows", anchor.rows)

    thread = threading.Thread(target=run, name="audit-anchor", daemon=True)
    thread.start()
    return stop, thread


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
        tasks: dict[str, TaskID] = {}

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

        from pingan.demo import simulated_position_feed

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

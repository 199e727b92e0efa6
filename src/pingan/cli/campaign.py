"""`pingan campaign`: create a campaign, write its daily brief, its progress and its
closing report from the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(help="Campaigns (专项行动): brief, progress, report.", no_args_is_help=True)

CampaignOpt = Annotated[
    int | None, typer.Option("--campaign", help="campaign id (default: the latest)")
]


@app.callback()
def _group() -> None:
    """Campaigns (专项行动): brief, progress, report."""


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _context() -> tuple[Any, Any]:
    from pingan.cli.core import session_factory
    from pingan.config import get_settings

    settings = get_settings()
    return settings, session_factory(settings)


def _operator(db_session: Any) -> Any:
    from sqlalchemy import select

    from pingan.jurisdictions.models import Jurisdiction
    from pingan.policy import Role
    from pingan.principal import Grant, Principal

    roots = db_session.execute(
        select(Jurisdiction.id, Jurisdiction.path).where(Jurisdiction.parent_id.is_(None))
    ).all()
    grants = tuple(Grant(Role.admin, node_id, path) for node_id, path in roots)
    return Principal(user_id=0, username="cli", grants=grants, client_addr="cli")


@app.command()
def create(
    name: Annotated[str, typer.Option("--name")],
    start: Annotated[dt.datetime, typer.Option("--from", formats=["%Y-%m-%d"])],
    end: Annotated[dt.datetime, typer.Option("--to", formats=["%Y-%m-%d"])],
    jurisdiction: Annotated[list[str], typer.Option("--jurisdiction")],
    targets: Annotated[
        Path | None, typer.Option("--targets", help="TOML [[target]] tables")
    ] = None,
) -> None:
    """Create a campaign (refused when it overlaps another on the same jurisdiction)."""
    from pydantic import ValidationError

    from pingan.campaigns import creation
    from pingan.campaigns.schemas import CampaignCreate
    from pingan.db import unit_of_work
    from pingan.errors import InvalidInput

    try:
        body = CampaignCreate.model_validate(
            {
                "name": name,
                "from": start.date(),
                "to": end.date(),
                "jurisdictions": jurisdiction,
                "targets": [],
            }
        )
    except ValidationError as exc:
        reason = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise InvalidInput(reason, field="--to") from None
    if targets is not None:
        body.targets = creation.targets_from_toml(targets.read_text(encoding="utf-8"))
    _settings, factory = _context()
    with unit_of_work(factory) as db_session:
        campaign = creation.create_campaign(db_session, _operator(db_session), body)
        typer.echo(_dump(creation.campaign_json(db_session, campaign)))


@app.command()
def brief(
    date: Annotated[dt.datetime, typer.Option("--date", formats=["%Y-%m-%d"])],
    lang: Annotated[str, typer.Option("--lang")] = "zh-CN",
    fmt: Annotated[str, typer.Option("--format", help="text, html or pdf")] = "text",
    out: Annotated[Path | None, typer.Option("--out")] = None,
    campaign: CampaignOpt = None,
) -> None:
    """The daily brief (每日通报) of a day."""
    from pingan.campaigns import brief as briefs
    from pingan.campaigns import creation
    from pingan.db import unit_of_work
    from pingan.errors import InvalidInput

    if fmt not in ("text", "html", "pdf"):
        raise InvalidInput("format is text, html or pdf", field="--format")
    settings, factory = _context()
    with unit_of_work(factory) as db_session:
        found = creation.get_campaign(db_session, _operator(db_session), campaign)
        document = briefs.brief(db_session, settings, found, date.date(), lang)
    _emit(document, fmt, lang, out, None)


def _emit(
    document: dict[str, Any], fmt: str, lang: str, out: Path | None, chart: dict[str, Any] | None
) -> None:
    from pingan.campaigns import brief as briefs
    from pingan.campaigns import render
    from pingan.errors import InvalidInput

    if fmt == "pdf":
        if out is None:
            raise InvalidInput("a PDF needs --out", field="--out")
        out.write_bytes(render.as_pdf(document, chart))
        typer.echo(str(out))
        return
    text = briefs.as_text(document) if fmt == "text" else render.as_html(document, lang)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(str(out))


@app.command(name="progress")
def show_progress(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    as_of: Annotated[dt.datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"])] = None,
    campaign: CampaignOpt = None,
) -> None:
    """Every target: value to date, interval, projection and verdict."""
    from pingan.campaigns import creation
    from pingan.campaigns.progress import VERDICT_WORDS, progress
    from pingan.db import unit_of_work

    settings, factory = _context()
    with unit_of_work(factory) as db_session:
        found = creation.get_campaign(db_session, _operator(db_session), campaign)
        day = as_of.date() if as_of else _yesterday(settings)
        data = progress(db_session, settings, found, day)
    if as_json:
        typer.echo(_dump(data))
        return
    for row in data["targets"]:
        typer.echo(
            f"{row['jurisdiction']:<12} {row['figure']:<22} {row['direction']} {row['target']:<8}"
            f" value {row['value']}  interval {row['interval'] or '–'}  "
            f"{VERDICT_WORDS['en'][row['verdict']]}"
        )
    for row in data["rollup"]:
        typer.echo(
            f"{'+'.join(row['jurisdictions']):<12} {row['figure']:<22} {row['direction']} "
            f"{row['target']:<8} value {row['value']}  interval {row['interval'] or '–'}  "
            f"{VERDICT_WORDS['en'][row['verdict']]} (rolled up)"
        )


def _yesterday(settings: Any) -> dt.date:
    from zoneinfo import ZoneInfo

    from pingan.db import utcnow

    return utcnow().astimezone(ZoneInfo(settings.time_zone)).date() - dt.timedelta(days=1)


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="file.html, file.pdf or file.txt")],
    lang: Annotated[str, typer.Option("--lang")] = "zh-CN",
    campaign: CampaignOpt = None,
) -> None:
    """The closing report (总结报告), as HTML, PDF or text by the file's suffix."""
    from pingan.campaigns import closing, creation
    from pingan.db import unit_of_work

    settings, factory = _context()
    with unit_of_work(factory) as db_session:
        found = creation.get_campaign(db_session, _operator(db_session), campaign)
        document = closing.report(
            db_session, settings, found, min(found.ends_on, _yesterday(settings)), lang
        )
    fmt = {".pdf": "pdf", ".html": "html"}.get(out.suffix, "text")
    _emit(document, fmt, lang, out, closing.report_chart(document, lang))

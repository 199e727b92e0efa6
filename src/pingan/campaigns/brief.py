"""The daily brief (每日通报) of a campaign for one local day, as sections of sentences.

Every sentence is a template of :data:`TEXT` filled with measured values from
:func:`pingan.campaigns.figures.measure` and the owning packages' services; a section
appears only when it has data, and a day outside the campaign's period gives that one
sentence and no section. Counts are exact; a change against last year is given to the
whole per cent with the exact Poisson test's verdict in words; shares to the whole per cent
with their Wilson interval. Simulated data (the demo) is said to be so.

:func:`brief` is a plain function (session, settings, campaign, day → document); the
background job of :mod:`pingan.campaigns.documents` writes its three forms.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.analytics import stats as analytics
from pingan.analytics.history import counted, local_midnight, occurred_at
from pingan.campaigns import figures as campaign_figures
from pingan.campaigns.brief_text import TEXT
from pingan.campaigns.brief_watch import focus_lines, plan_lines, watch_lines
from pingan.campaigns.creation import jurisdictions_of
from pingan.campaigns.models import Campaign
from pingan.config import Settings
from pingan.errors import InvalidInput
from pingan.incidents.models import Incident
from pingan.incidents.open311 import SERVICE_NAMES
from pingan.jurisdictions.models import Jurisdiction

LANGUAGES = ("zh-CN", "en")
#: Incident types a brief names one by one.
NOTABLE = ("robbery", "assault", "fraud", "fire_hazard")
NOTABLE_LIMIT = 5
TYPE_LIMIT = 5
#: The plain-text form fits a group chat.
TEXT_LIMIT = 1500


def check_lang(lang: str) -> None:
    """Refuse a language the brief is not written in."""
    if lang not in LANGUAGES:
        raise InvalidInput(f"lang must be one of {', '.join(LANGUAGES)}", field="lang")


def numbered(index: int, heading: str, lang: str) -> str:
    """``一、警情`` / ``1. Incidents``: sections are numbered as they appear."""
    if lang == "zh-CN":
        return f"{'一二三四五六七八九十'[index]}、{heading}"
    return f"{index + 1}. {heading}"


def p_text(p_value: float) -> str:
    """``p = 0.46`` (two significant figures), ``p < 0.001``."""
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.2g}"


def change_words(
    words: dict[str, str], before: int, after: int, p_value: float | None
) -> dict[str, str]:
    """The change and the test's verdict in words.

    E.g. ``，同比下降2%`` and ``在随机波动范围内，p = 0.46``.
    """
    if before == 0:
        return {"change": words["nochange"], "verdict": words["untested"]}
    pct = round((after / before - 1) * 100)
    change = (
        words["flat"] if pct == 0 else words["up" if pct > 0 else "down"].format(pct=f"{abs(pct)}%")
    )
    if p_value is None:
        return {"change": change, "verdict": words["untested"]}
    word = "beyond" if p_value < 0.05 else "within"
    return {"change": change, "verdict": words[word].format(p=p_text(p_value))}


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


def _seconds(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    whole = round(value)
    if lang == "zh-CN":
        return f"{whole // 60}分{whole % 60:02d}秒" if whole >= 60 else f"{whole}秒"
    return f"{whole // 60} min {whole % 60:02d} s" if whole >= 60 else f"{whole} s"


def _where(node: Jurisdiction, lang: str) -> str:
    return node.name_zh if lang == "zh-CN" else node.name_en


def brief(
    db_session: Session, settings: Settings, campaign: Campaign, day: dt.date, lang: str = "zh-CN"
) -> dict[str, Any]:
    """The brief of ``day``: its title and sections (heading, sentences, links)."""
    check_lang(lang)
    words = TEXT[lang]
    title = words["title"].format(name=campaign.name, day=day.isoformat())
    if not campaign.starts_on <= day <= campaign.ends_on:
        note = words["outside"].format(day=day, start=campaign.starts_on, end=campaign.ends_on)
        return {
            "title": title,
            "day": day,
            "inside": False,
            "note": note,
            "sections": [],
            "simulated": False,
        }
    nodes = jurisdictions_of(db_session, campaign)
    sections: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    incidents, simulated = _incident_lines(db_session, settings, nodes, day, lang, counts)
    simulated = simulated or campaign.simulated
    for heading, lines in (
        ("incidents", incidents),
        ("response", _response_lines(db_session, settings, nodes, day, lang)),
        (
            "patrol",
            plan_lines(db_session, nodes, lang)
            + focus_lines(db_session, settings, campaign, nodes, day, lang),
        ),
        ("notable", _notable_lines(db_session, settings, nodes, day, lang)),
        ("fraud", _fraud_lines(db_session, settings, nodes, day, lang)),
        ("ledgers", _hazard_lines(db_session, settings, nodes, day, lang)),
        ("volunteers", _volunteer_lines(db_session, settings, nodes, day, lang)),
        ("watch", watch_lines(db_session, settings, nodes, lang)),
    ):
        if lines:
            sections.append(
                {
                    "heading": numbered(len(sections), words[heading], lang),
                    "lines": [{"text": t, "link": u} for t, u in lines],
                }
            )
    return {
        "title": title,
        "day": day,
        "inside": True,
        "note": words["simulated"] if simulated else None,
        "sections": sections,
        "simulated": simulated,
        "incident_counts": counts,
    }


def _notable(
    db_session: Session, settings: Settings, node: Jurisdiction, day: dt.date
) -> list[tuple[int, str, dt.datetime]]:
    occurred = occurred_at()
    rows = db_session.execute(
        select(Incident.id, Incident.type, occurred)
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(
            Jurisdiction.path.startswith(node.path, autoescape=True),
            counted(),
            Incident.type.in_(NOTABLE),
            occurred >= local_midnight(day, settings.time_zone),
            occurred < local_midnight(day + dt.timedelta(days=1), settings.time_zone),
        )
        .order_by(occurred)
        .limit(NOTABLE_LIMIT)
    ).all()
    return [(int(i), str(k), w) for i, k, w in rows]


def as_text(data: dict[str, Any]) -> str:
    """The plain-text form (at most :data:`TEXT_LIMIT` characters), for a group chat."""
    out = [data["title"]]
    if data["note"]:
        out.append(data["note"])
    for section in data["sections"]:
        out.append(section["heading"])
        out.extend(line["text"] for line in section["lines"])
    text = "\n".join(out)
    if len(text) > TEXT_LIMIT:
        text = text[: TEXT_LIMIT - 1] + "…"
    return text


Lines = list[tuple[str, str | None]]


def _incident_lines(
    db_session: Session,
    settings: Settings,
    nodes: list[Jurisdiction],
    day: dt.date,
    lang: str,
    counts: dict[str, int],
) -> tuple[Lines, bool]:
    words = TEXT[lang]
    lines: Lines = []
    simulated = False
    for node in nodes:
        reader = campaign_figures.scoped(node)
        found = analytics.incident_stats(db_session, settings, reader, start=day, end=day)
        week_start = day - dt.timedelta(days=6)
        week = analytics.incident_stats(db_session, settings, reader, start=week_start, end=day)
        simulated = simulated or bool(found["simulated"]) or bool(week["simulated"])
        total, wt = found["total"], week["total"]
        counts[node.code] = total["count"]
        if total["count"] == 0 and total["last_year"] == 0:
            continue
        where = _where(node, lang)
        day_change = change_words(
            words, total["last_year"], total["count"], total["year_over_year"]["p_value"]
        )
        lines.append(
            (
                words["day_total"].format(
                    where=where, count=total["count"], last=total["last_year"], **day_change
                ),
                campaign_figures.incidents_link(settings, node.code, day, day),
            )
        )
        week_change = change_words(
            words, wt["last_year"], wt["count"], wt["year_over_year"]["p_value"]
        )
        lines.append(
            (
                words["week_total"].format(
                    where=where, count=wt["count"], last=wt["last_year"], **week_change
                ),
                campaign_figures.incidents_link(settings, node.code, week_start, day),
            )
        )
        for group in found["groups"][:TYPE_LIMIT]:
            if group["count"] == 0:
                continue
            name = group["name_zh"] if lang == "zh-CN" else group["name_en"]
            lines.append(
                (
                    words["by_type"].format(
                        name=name, count=group["count"], last=group["last_year"]
                    ),
                    campaign_figures.incidents_link(settings, node.code, day, day, group["key"]),
                )
            )
    return lines, simulated


def _response_lines(
    db_session: Session, settings: Settings, nodes: list[Jurisdiction], day: dt.date, lang: str
) -> Lines:
    words = TEXT[lang]
    lines: Lines = []
    for node in nodes:
        figs = [
            campaign_figures.measure(db_session, settings, node, f"response_within_{t}", day, day)
            for t in (60, 180, 300)
        ]
        detail = figs[0]["detail"]
        if detail["n"] == 0:
            continue
        lines.append(
            (
                words["tiers"].format(
                    where=_where(node, lang),
                    n=detail["n"],
                    t1=_pct(figs[0]["value"]),
                    t2=_pct(figs[1]["value"]),
                    t3=_pct(figs[2]["value"]),
                    median=_seconds(detail["median_s"], lang),
                    p90=_seconds(detail["p90_s"], lang),
                ),
                figs[0]["query"],
            )
        )
    return lines


def _notable_lines(
    db_session: Session, settings: Settings, nodes: list[Jurisdiction], day: dt.date, lang: str
) -> Lines:
    words = TEXT[lang]
    zone = ZoneInfo(settings.time_zone)
    lines: Lines = []
    for node in nodes:
        for incident_id, kind, when in _notable(db_session, settings, node, day):
            zh, en, _group = SERVICE_NAMES.get(kind, (kind, kind, ""))
            lines.append(
                (
                    words["notable_line"].format(
                        time=when.astimezone(zone).strftime("%H:%M"),
                        type=zh if lang == "zh-CN" else en,
                        id=incident_id,
                    ),
                    f"/api/v1/incidents/{incident_id}",
                )
            )
    return lines[:NOTABLE_LIMIT]


def _fraud_lines(
    db_session: Session, settings: Settings, nodes: list[Jurisdiction], day: dt.date, lang: str
) -> Lines:
    words = TEXT[lang]
    lines: Lines = []
    for node in nodes:
        fraud = campaign_figures.measure(db_session, settings, node, "fraud_yoy", day, day)
        losses = campaign_figures.measure(db_session, settings, node, "fraud_losses_yoy", day, day)
        if fraud["detail"]["count"] or fraud["detail"]["last_year"]:
            lines.append(
                (
                    words["fraud_line"].format(
                        where=_where(node, lang),
                        count=fraud["detail"]["count"],
                        last=fraud["detail"]["last_year"],
                        loss=f"{losses['detail']['losses_yuan']:,}",
                    ),
                    fraud["query"],
                )
            )
    return lines


def _hazard_lines(
    db_session: Session, settings: Settings, nodes: list[Jurisdiction], day: dt.date, lang: str
) -> Lines:
    words = TEXT[lang]
    lines: Lines = []
    for node in nodes:
        found = campaign_figures.measure(db_session, settings, node, "hazards_on_time", day, day)
        detail = found["detail"]
        if detail["n"] or detail["overdue"]:
            lines.append(
                (
                    words["hazards_line"].format(
                        where=_where(node, lang),
                        found=detail["n"],
                        on_time=detail["k"],
                        overdue=detail["overdue"],
                    ),
                    found["query"],
                )
            )
    return lines


def _volunteer_lines(
    db_session: Session, settings: Settings, nodes: list[Jurisdiction], day: dt.date, lang: str
) -> Lines:
    words = TEXT[lang]
    lines: Lines = []
    for node in nodes:
        found = campaign_figures.measure(db_session, settings, node, "volunteer_hours", day, day)
        if found["value"]:
            lines.append(
                (
                    words["hours_line"].format(where=_where(node, lang), hours=found["value"]),
                    found["query"],
                )
            )
    return lines

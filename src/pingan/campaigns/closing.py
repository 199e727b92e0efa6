"""The closing report (总结报告) of a campaign, and the plain functions a scheduler or a
background job calls to write the brief and the report to files.

The report is written from :func:`pingan.campaigns.progress.progress` as of the
campaign's last day (or ``as_of`` when earlier): each target met or missed with its figure,
its interval and, for a change against last year, the exact Poisson test's verdict; the
incidents of the whole campaign against the same days last year. Each line links to the
records behind its figure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from pingan.campaigns import brief as briefs
from pingan.campaigns.brief import change_words
from pingan.campaigns.brief_text import TEXT
from pingan.campaigns.done import done_lines as done_lines_of
from pingan.campaigns.models import Campaign
from pingan.campaigns.progress import VERDICT_WORDS, progress
from pingan.config import Settings

REPORT_TEXT = {
    "zh-CN": {
        "title": "{name}总结报告（{start}至{end}）",
        "all": "全部辖区（{codes}）合计",
        "targets": "目标完成情况",
        "done": "工作开展情况",
        "results": "行动成效",
        "line": "{where}{figure}：{value}（目标{direction}{target}{interval}），{verdict}。",
        "interval": "，95%区间{low}至{high}",
        "total": "行动开展以来，{where}共接报警情{count}起，去年同期{last}起{change}（{verdict}）。",  # noqa: E501
    },
    "en": {
        "title": "{name}: closing report ({start} to {end})",
        "all": "All jurisdictions ({codes}) together",
        "targets": "Targets",
        "done": "What was done",
        "results": "Results",
        "line": "{where}, {figure}: {value} (target {direction} {target}{interval}), {verdict}.",
        "interval": "; 95% interval {low} to {high}",
        "total": "Since the campaign began, {where} received {count} incidents against {last} in the same days last year{change} ({verdict}).",  # noqa: E501
    },
}


def show(value: float | None, unit: str) -> str:
    """A figure as a chief reads it: shares and changes in whole per cent."""
    if value is None:
        return "–"
    if unit == "%":
        return f"{value * 100:.0f}%"
    return f"{value:,.1f}"


def report(
    db_session: Session,
    settings: Settings,
    campaign: Campaign,
    as_of: dt.date | None = None,
    lang: str = "zh-CN",
) -> dict[str, Any]:
    """The closing report as a document (title, note, sections of linked lines)."""
    briefs.check_lang(lang)
    words = REPORT_TEXT[lang]
    last = min(as_of or campaign.ends_on, campaign.ends_on)
    found = progress(db_session, settings, campaign, last)
    target_lines = [
        _target_line(
            row,
            row["jurisdiction_name_zh"] if lang == "zh-CN" else row["jurisdiction_name_en"],
            lang,
        )
        for row in found["targets"]
    ]
    for row in found["rollup"]:
        joined = ("、" if lang == "zh-CN" else ", ").join(row["jurisdictions"])
        line = _target_line(row, words["all"].format(codes=joined), lang)
        # the progress behind the roll-up lists each station's part with its own query
        line["link"] = f"/api/v1/campaigns/{campaign.id}/progress?as_of={last.isoformat()}"
        target_lines.append(line)
    result_lines = []
    for row in found["targets"]:
        detail = row.get("detail") or {}
        if row["figure"] != "incidents_yoy" or "count" not in detail:
            continue
        where = row["jurisdiction_name_zh"] if lang == "zh-CN" else row["jurisdiction_name_en"]
        text = words["total"].format(
            where=where,
            count=f"{detail['count']:,}",
            last=f"{detail['last_year']:,}",
            **change_words(TEXT[lang], detail["last_year"], detail["count"], detail["p_value"]),
        )
        result_lines.append({"text": text, "link": row.get("query")})
    done_lines = done_lines_of(db_session, settings, campaign, last, lang)
    sections = [
        {"heading": briefs.numbered(k, words[key], lang), "lines": lines}
        for k, (key, lines) in enumerate(
            (key, lines)
            for key, lines in (
                ("targets", target_lines),
                ("done", done_lines),
                ("results", result_lines),
            )
            if lines
        )
    ]
    return {
        "title": words["title"].format(
            name=campaign.name, start=campaign.starts_on, end=campaign.ends_on
        ),
        "note": TEXT[lang]["simulated"] if found["simulated"] else None,
        "sections": sections,
        "progress": found,
    }


def _target_line(row: dict[str, Any], where: str, lang: str) -> dict[str, Any]:
    """One target (a station's or the roll-up's): figure, target, interval, verdict, test."""
    words = REPORT_TEXT[lang]
    unit = "%" if row.get("kind") != "total" else ""
    band = row["interval"]
    interval = (
        words["interval"].format(low=show(band[0], unit), high=show(band[1], unit))
        if band and band[1] is not None
        else ""
    )
    figure = row.get("name_zh" if lang == "zh-CN" else "name_en", row["figure"])
    verdict = VERDICT_WORDS[lang][row["verdict"]]
    detail = row.get("detail") or {}
    if "p_value" in detail:
        tested = change_words(TEXT[lang], detail["last_year"], detail["count"], detail["p_value"])
        verdict = (
            f"{verdict}，{tested['verdict']}"
            if lang == "zh-CN"
            else f"{verdict}, {tested['verdict']}"
        )
    text = words["line"].format(
        where=where,
        figure=figure,
        value=show(row["value"], unit),
        direction=row["direction"],
        target=show(row["target"], unit),
        interval=interval,
        verdict=verdict,
    )
    return {"text": text, "link": row.get("query")}


def report_chart(document: dict[str, Any], lang: str) -> dict[str, Any]:
    """Targets with a share or change: value against target, for the PDF's chart."""
    rows = [
        r
        for r in document["progress"]["targets"]
        if r.get("kind") in ("share", "change", "census", "ratio") and r["value"] is not None
    ]
    return {
        "title": "目标完成情况" if lang == "zh-CN" else "Targets",
        "labels": [f"{r['jurisdiction']} {r['figure']}" for r in rows],
        "values": [r["value"] for r in rows],
        "targets": [r["target"] for r in rows],
    }

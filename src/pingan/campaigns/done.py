# ruff: noqa: E501
"""The closing report's "what was done" (工作开展情况), per jurisdiction: police visibility
at the focus places in their focus hours; patrol shifts,
hours and groups stationed; anti-fraud stalls; control rooms surveyed and sites inspected;
hazards found and rectified; drills; volunteers and their hours. Each line is made of the
rows its link lists (:mod:`pingan.campaigns.records`, the campaign's records API), so the
figure and the list agree; a line with nothing to report is left out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.analytics.history import local_midnight
from pingan.campaigns.creation import jurisdictions_of
from pingan.campaigns.figures import focus_visibility, measure, scoped
from pingan.campaigns.models import Campaign, FocusPlace
from pingan.campaigns.records import records, records_link
from pingan.campaigns.visibility import places_of
from pingan.community import hours as hours_module
from pingan.config import Settings
from pingan.ledgers import summary as ledgers

DONE_TEXT = {
    "zh-CN": {
        "shifts": "{where}：开展巡逻{shifts}班次，累计巡逻{patrol_hours}小时，投入巡逻组{groups}个。",
        "stalls": "{where}：开展反诈摆摊宣传{stalls}场，覆盖群众{people_reached}人次。",
        "rooms": "{where}：行动期间摸排消防控制室{rooms}个（登记在册{registered}个，累计已摸排{surveyed}个）。",
        "inspections": "{where}：检查消防重点场所{inspections}次。",
        "hazards": "{where}：发现隐患{found}处，按期整改{on_time}处，逾期未改{overdue}处。",
        "drills": "{where}：开展消防演练{drills}次。",
        "checkins": "{where}：志愿者{volunteers}人参加巡逻，签到{checkins}人次。",
        "hours": "{where}：志愿者参加巡逻{hours}小时。",
        "visibility": "{where}：重点部位（{places}处）重点时段见警率{share}（{hours}小时中{seen}小时有警力在场）。",
    },
    "en": {
        "shifts": "{where}: {shifts} patrol shifts, {patrol_hours} patrol hours, {groups} groups stationed.",
        "stalls": "{where}: {stalls} anti-fraud stalls held, {people_reached} people reached.",
        "rooms": "{where}: {rooms} fire control rooms surveyed during the campaign ({surveyed} of {registered} registered surveyed so far).",
        "inspections": "{where}: {inspections} fire-safety inspections of sites.",
        "hazards": "{where}: {found} hazards found, {on_time} rectified by their deadline, {overdue} overdue.",
        "drills": "{where}: {drills} fire drills held.",
        "checkins": "{where}: {volunteers} volunteers patrolled, {checkins} check-ins.",
        "hours": "{where}: {hours} volunteer patrol hours.",
        "visibility": "{where}: police visible at the focus places ({places}) {share} of the focus hours ({seen} of {hours} h).",
    },
}
#: The record kinds a line is made of, in the report's order, and the figure that must
#: be non-zero for the line to appear.
LINES = (
    ("shifts", "shifts"),
    ("stalls", "stalls"),
    ("rooms", "rooms"),
    ("inspections", "inspections"),
    ("hazards", "found"),
    ("drills", "drills"),
    ("checkins", "checkins"),
)


def done_lines(
    db_session: Session, settings: Settings, campaign: Campaign, last: dt.date, lang: str
) -> list[dict[str, Any]]:
    """What was done from the campaign's first day to ``last``, per jurisdiction."""
    words = DONE_TEXT[lang]
    first = campaign.starts_on
    lines: list[dict[str, Any]] = []
    if last < first:
        return lines
    covered = jurisdictions_of(db_session, campaign)
    every = list(
        db_session.scalars(
            select(FocusPlace).where(FocusPlace.campaign_id == campaign.id).order_by(FocusPlace.id)
        )
    )
    for node in covered:
        where = node.name_zh if lang == "zh-CN" else node.name_en
        places = places_of(db_session, node, covered, every)
        seen = focus_visibility(db_session, settings, places, first, last) if places else None
        if seen is not None and seen["value"] is not None:
            lines.append(
                {
                    "text": words["visibility"].format(
                        where=where,
                        places=len(places),
                        share=f"{seen['value']:.0%}",
                        seen=f"{seen['detail']['seen_hours']:g}",
                        hours=f"{seen['detail']['hours']:g}",
                    ),
                    "link": records_link(campaign, "visibility", node.code, first, last),
                }
            )
        ledger = ledgers.chief_figures(db_session, settings, scoped(node), start=first, end=last)
        for kind, key in LINES:
            figures = records(db_session, settings, node, kind, first, last, limit=0)["figures"]
            if not figures[key]:
                continue
            if kind == "rooms":
                figures.update(
                    registered=ledger["control_rooms_registered"],
                    surveyed=ledger["control_rooms_surveyed"],
                )
            lines.append(
                {
                    "text": words[kind].format(
                        where=where,
                        **{k: f"{v:g}" if isinstance(v, float) else v for k, v in figures.items()},
                    ),
                    "link": records_link(campaign, kind, node.code, first, last),
                }
            )
        hours = measure(db_session, settings, node, "volunteer_hours", first, last)
        if hours["value"]:
            lines.append(
                {
                    "text": words["hours"].format(where=where, hours=hours["value"]),
                    "link": _hours_link(settings, campaign, node.code, first, last),
                }
            )
    return lines


def _hours_link(
    settings: Settings, campaign: Campaign, code: str, first: dt.date, last: dt.date
) -> str:
    """The volunteers' hours report over exactly the period (it reads at most
    :data:`pingan.community.hours.MAX_DAYS` days), else the check-ins the hours come from."""
    if (last - first).days + 1 > hours_module.MAX_DAYS:
        return records_link(campaign, "checkins", code, first, last)
    since = local_midnight(first, settings.time_zone)
    until = local_midnight(last + dt.timedelta(days=1), settings.time_zone)
    return "/api/v1/community/hours?" + urlencode(
        {"since": since.isoformat(), "until": until.isoformat()}
    )

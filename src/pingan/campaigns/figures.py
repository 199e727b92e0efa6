"""Measure one campaign figure of one jurisdiction over local days ``start`` … ``end``.

Nothing is computed here that another package already computes: incidents against last
year come from :func:`pingan.analytics.stats.incident_stats` (exact Poisson test), the
tier shares from :func:`pingan.dispatch.figures.figures`, fraud counts and losses from
:func:`pingan.antifraud.yoy.fraud_days`, control rooms and hazards from
:func:`pingan.ledgers.summary.chief_figures`, volunteer hours from
:func:`pingan.community.hours.hours_report`. Each is called as a reader scoped to the
jurisdiction (:func:`scoped`), so its figures are that jurisdiction's. This module adds
only the interval (:mod:`pingan.algo.campaign_stats`) and the link to the records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from pingan.algo import campaign_stats as cs
from pingan.algo import stats as st
from pingan.analytics import stats as analytics
from pingan.analytics.history import local_midnight
from pingan.antifraud import yoy
from pingan.campaigns import visibility
from pingan.campaigns.catalogue import spec
from pingan.campaigns.models import FocusPlace
from pingan.community import hours
from pingan.config import Settings
from pingan.dispatch import figures as dispatch
from pingan.jurisdictions.models import Jurisdiction
from pingan.ledgers import summary as ledgers
from pingan.patrol import reads as patrol
from pingan.patrol.models import Plan, PlanStatus
from pingan.policy import Role
from pingan.principal import Grant, Principal


def scoped(jurisdiction: Jurisdiction) -> Principal:
    """A reader of ``jurisdiction``'s subtree only (admin there: every figure's read)."""
    grant = Grant(Role.admin, jurisdiction.id, jurisdiction.path)
    return Principal(user_id=0, username="campaign", grants=(grant,), client_addr="campaign")


def incidents_link(
    settings: Settings, code: str, start: dt.date, end: dt.date, incident_type: str | None = None
) -> str:
    """The incidents API listing exactly the incidents a count is made of."""
    query = {
        "jurisdiction": code,
        "occurred_from": local_midnight(start, settings.time_zone).isoformat(),
        "occurred_to": local_midnight(end + dt.timedelta(days=1), settings.time_zone).isoformat(),
        "counted": "true",
    }
    if incident_type:
        query["type"] = incident_type
    return "/api/v1/incidents?" + urlencode(query)


def _interval(band: cs.Interval | None) -> list[float | None] | None:
    if band is None:
        return None
    return [round(band.low, 4), None if band.high == float("inf") else round(band.high, 4)]


def figure_body(key: str, **fields: Any) -> dict[str, Any]:
    figure = spec(key)
    out: dict[str, Any] = {
        "figure": key,
        "name_zh": figure.name_zh,
        "name_en": figure.name_en,
        "kind": figure.kind,
        "unit": figure.unit,
        "value": None,
        "interval": None,
        "interval_reason": None,
        "simulated": False,
        "query": None,
        "detail": {},
    }
    out.update(fields)
    return out


def change_figure(
    key: str, before: int, after: int, simulated: bool, query: str | None
) -> dict[str, Any]:
    test = st.compare_counts(before, after)
    value = None if before == 0 else round(after / before - 1, 4)
    band = cs.change_interval(before, after)
    return figure_body(
        key,
        value=value,
        interval=_interval(band) if value is not None else None,
        interval_reason=None if value is not None else "no incidents on the same days last year",
        simulated=simulated,
        query=query,
        detail={
            "count": after,
            "last_year": before,
            "p_value": round(test.p_value, 4),
            "significant": test.significant,
        },
    )


def share_figure(key: str, k: int, n: int, simulated: bool, query: str | None) -> dict[str, Any]:
    band = cs.wilson(k, n)
    return figure_body(
        key,
        value=None if n == 0 else round(k / n, 4),
        interval=_interval(band),
        interval_reason=None if n else "no records in the period",
        simulated=simulated,
        query=query,
        detail={"k": k, "n": n},
    )


def measure(
    db_session: Session,
    settings: Settings,
    jurisdiction: Jurisdiction,
    key: str,
    start: dt.date,
    end: dt.date,
    *,
    places: Sequence[FocusPlace] = (),
) -> dict[str, Any]:
    """The figure ``key`` of ``jurisdiction`` over ``start`` … ``end`` (inclusive);
    ``places``: the campaign's focus places that count for it (``focus_visibility``)."""
    spec(key)
    reader = scoped(jurisdiction)
    if key == "focus_visibility":
        plans = patrol.list_plans(db_session, reader, status=PlanStatus.active, limit=10)
        return focus_visibility(db_session, settings, places, start, end, plans=plans)
    if key == "incidents_yoy":
        found = analytics.incident_stats(db_session, settings, reader, start=start, end=end)
        total = found["total"]
        return change_figure(
            key,
            total["last_year"],
            total["count"],
            bool(found["simulated"]),
            incidents_link(settings, jurisdiction.code, start, end),
        )
    if key.startswith("response_within_"):
        tier = key.rsplit("_", 1)[1]
        found = dispatch.figures(
            db_session,
            settings,
            reader,
            start=local_midnight(start, settings.time_zone),
            end=local_midnight(end + dt.timedelta(days=1), settings.time_zone),
        )
        overall = found["overall"]
        share = overall["share_within"].get(tier)
        n = int(overall["count"])
        k = 0 if share is None else round(share * n)
        out = share_figure(
            key,
            k,
            n,
            found["simulated_incidents"] > 0,
            "/api/v1/dispatch/figures?"
            + urlencode(
                {
                    "group_by": "station",
                    "from": local_midnight(start, settings.time_zone).isoformat(),
                    "to": local_midnight(
                        end + dt.timedelta(days=1), settings.time_zone
                    ).isoformat(),
                }
            ),
        )
        out["detail"].update(median_s=overall["median_s"], p90_s=overall["p90_s"])
        return out
    if key in ("fraud_yoy", "fraud_losses_yoy"):
        return _fraud(db_session, settings, jurisdiction, reader, key, start, end)
    if key in ("rooms_surveyed", "hazards_on_time"):
        found = ledgers.chief_figures(db_session, settings, reader, start=start, end=end)
        if key == "rooms_surveyed":
            n, k = found["control_rooms_registered"], found["control_rooms_surveyed"]
            return figure_body(
                key,
                value=None if n == 0 else round(k / n, 4),
                interval_reason="every registered room is counted (no sample)",
                query="/api/v1/ledgers/control-rooms",
                detail={"k": k, "n": n},
            )
        out = share_figure(
            key,
            found["hazards_rectified_on_time"],
            found["hazards_found"],
            False,
            "/api/v1/ledgers/hazards",
        )
        out["detail"]["overdue"] = found["hazards_overdue"]
        return out
    return _volunteer_hours(db_session, settings, reader, start, end)


def _fraud(
    db_session: Session,
    settings: Settings,
    jurisdiction: Jurisdiction,
    reader: Principal,
    key: str,
    start: dt.date,
    end: dt.date,
) -> dict[str, Any]:
    zone = ZoneInfo(settings.time_zone)
    visible = reader.visible_clause("warning", "read", Jurisdiction.path)
    days = yoy.fraud_days(db_session, visible, start, zone, {})
    stop = end + dt.timedelta(days=1)
    last_lo, last_hi = st.same_period_last_year(start, stop)
    now = [0, 0, 0]
    then = [0, 0, 0]
    for (_station, day), cell in days.items():
        side = now if start <= day < stop else then if last_lo <= day < last_hi else None
        if side is not None:
            for i in range(3):
                side[i] += cell[i]
    link = incidents_link(settings, jurisdiction.code, start, end, "fraud")
    if key == "fraud_yoy":
        return change_figure(key, then[0], now[0], now[2] + then[2] > 0, link)
    return figure_body(
        key,
        value=None if then[1] == 0 else round(now[1] / then[1] - 1, 4),
        interval_reason="a sum of yuan is no Poisson count: no interval",
        simulated=now[2] + then[2] > 0,
        query=link,
        detail={"losses_yuan": now[1], "last_year_yuan": then[1]},
    )


def _volunteer_hours(
    db_session: Session, settings: Settings, reader: Principal, start: dt.date, end: dt.date
) -> dict[str, Any]:
    total = 0.0
    lo = start
    while lo <= end:
        hi = min(end, lo + dt.timedelta(days=hours.MAX_DAYS - 1))
        found = hours.hours_report(
            db_session,
            settings,
            reader,
            local_midnight(lo, settings.time_zone),
            local_midnight(hi + dt.timedelta(days=1), settings.time_zone),
        )
        total += sum(float(row["hours"]) for row in found["rows"])
        lo = hi + dt.timedelta(days=1)
    return figure_body(
        "volunteer_hours",
        value=round(total, 1),
        interval_reason="hours attended are counted, not estimated",
        query="/api/v1/community/hours",
    )


def focus_visibility(
    db_session: Session,
    settings: Settings,
    places: Sequence[FocusPlace],
    start: dt.date,
    end: dt.date,
    *,
    plans: Sequence[Plan] = (),
) -> dict[str, Any]:
    """Police visibility at ``places`` in their focus hours (:mod:`pingan.campaigns.visibility`):
    the share of focus-place-hours seen, with the Wilson interval of hours seen of all; and
    ``planned_share``, what the active ``plans`` promise there (``None`` without a plan)."""
    zone = ZoneInfo(settings.time_zone)
    found = [visibility.place_visibility(db_session, p, start, end, zone) for p in places]
    seen = sum(f.seen_h for f in found)
    hours_all = sum(f.hours for f in found)
    positions = sum(f.positions for f in found)
    planned = [
        (visibility.planned_share(p, plans), f.hours) for p, f in zip(places, found, strict=True)
    ]
    weighed = [(share, hours) for share, hours in planned if share is not None and hours]
    detail = {
        "planned_share": round(sum(s * h for s, h in weighed) / sum(h for _, h in weighed), 4)
        if weighed
        else None,
        "seen_hours": round(seen, 2),
        "hours": round(hours_all, 2),
        "positions": positions,
        "places": [
            {
                "id": f.place_id,
                "name": f.name,
                "seen_hours": f.seen_h,
                "hours": f.hours,
                "share": None if not f.hours else round(f.seen_h / f.hours, 4),
            }
            for f in found
        ],
    }
    if not found or positions == 0:
        reason = (
            "no focus place in this jurisdiction"
            if not found
            else "no unit reported a position in the focus places' city during their focus hours"
        )
        return figure_body("focus_visibility", interval_reason=reason, detail=detail)
    out = share_figure("focus_visibility", round(seen), round(hours_all), False, None)
    out["value"] = round(seen / hours_all, 4)
    out["detail"].update(detail)
    return out

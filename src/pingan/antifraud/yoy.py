"""Fraud incidents and losses of a station's week against the same days a calendar year
earlier (同比), with the exact Poisson test (:func:`pingan.algo.stats.compare_counts`).

A week is an ISO week of local days (the district's time zone); the week under way counts
only its days so far, and last year's side the same days of the calendar a year earlier
(:func:`pingan.algo.stats.same_period_last_year`), so both sides have the same exposure.
Incidents counted: type ``fraud`` (and its subtypes), not rejected, not a duplicate, not a
draft, placed by when they happened (else when they were received); the loss is their
``amount_yuan``. The test is on the counts; the losses are given with their change only (a
sum of yuan is no Poisson count). Simulated incidents (the demo's history) count, and
how many there are is given beside (``fraud_incidents_simulated``), as the analyses do.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from pingan.algo import stats as st
from pingan.incidents.models import Incident, Status
from pingan.incidents.reads import type_clause
from pingan.jurisdictions.models import Jurisdiction, Level

#: (station code, local day) → [incidents, yuan lost, simulated incidents]
DayCounts = dict[tuple[str, dt.date], list[int]]


def station_codes(db_session: Session) -> dict[int, str]:
    """Jurisdiction id → the code of the station it lies in (its own code above stations)."""
    nodes = {node.id: node for node in db_session.scalars(select(Jurisdiction))}
    codes: dict[int, str] = {}
    for node in nodes.values():
        ancestors = [nodes.get(int(part)) for part in node.path.strip("/").split("/") if part]
        station = next((a for a in ancestors if a is not None and a.level is Level.station), node)
        codes[node.id] = station.code
    return codes


def week_days(week: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """``"2026-W49"`` → its local days ``[Monday, next Monday)``, cut at tomorrow."""
    year, number = week.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(number), 1)
    return monday, min(monday + dt.timedelta(days=7), today + dt.timedelta(days=1))


def _fraud_rows(
    db_session: Session, visible: ColumnElement[bool], start: dt.datetime
) -> Iterable[tuple[int, dt.datetime, int | None, bool]]:
    occurred = func.coalesce(Incident.occurred_start, Incident.received_at)
    query = (
        select(Incident.jurisdiction_id, occurred, Incident.amount_yuan, Incident.simulated)
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(
            visible,
            type_clause("fraud"),
            Incident.status.not_in((Status.rejected, Status.duplicate)),
            Incident.is_draft.is_(False),
            occurred >= start,
        )
    )
    rows = db_session.execute(query).all()
    return [(int(j), at, amount, bool(simulated)) for j, at, amount, simulated in rows]


def fraud_days(
    db_session: Session,
    visible: ColumnElement[bool],
    since: dt.date,
    zone: ZoneInfo,
    codes: dict[int, str],
) -> DayCounts:
    """Fraud incidents and yuan lost per (station, local day) from a year before ``since``."""
    start_day = st.same_period_last_year(since, since + dt.timedelta(days=1))[0]
    start = dt.datetime.combine(start_day, dt.time(), tzinfo=zone)
    days: DayCounts = defaultdict(lambda: [0, 0, 0])
    for jurisdiction_id, occurred, amount, simulated in _fraud_rows(db_session, visible, start):
        cell = days[(codes.get(jurisdiction_id, "?"), occurred.astimezone(zone).date())]
        cell[0] += 1
        cell[1] += amount or 0
        cell[2] += simulated
    return days


def _sum(days: DayCounts, station: str, lo: dt.date, hi: dt.date) -> tuple[int, int, int]:
    count = lost = simulated = 0
    day = lo
    while day < hi:
        cell = days.get((station, day))
        if cell is not None:
            count, lost, simulated = count + cell[0], lost + cell[1], simulated + cell[2]
        day += dt.timedelta(days=1)
    return count, lost, simulated


def _number(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else round(value, 4)


def year_over_year(days: DayCounts, station: str, week: str, today: dt.date) -> dict[str, Any]:
    """The 同比 fields of one station's week (see
    :class:`~pingan.antifraud.schemas.FraudFigureRow`)."""
    lo, hi = week_days(week, today)
    last_lo, last_hi = st.same_period_last_year(lo, hi)
    now_n, now_lost, now_simulated = _sum(days, station, lo, hi)
    then_n, then_lost, then_simulated = _sum(days, station, last_lo, last_hi)
    test = st.compare_counts(then_n, now_n)
    return {
        "fraud_incidents": now_n,
        "fraud_incidents_last_year": then_n,
        "fraud_incidents_simulated": now_simulated + then_simulated,
        "fraud_losses_yuan": now_lost,
        "fraud_losses_last_year_yuan": then_lost,
        "fraud_losses_change": _number(now_lost / then_lost - 1) if then_lost else None,
        "yoy_change": _number(test.change),
        "yoy_p_value": round(test.p_value, 6),
        "yoy_significant": test.significant,
        "yoy_verdict": test.verdict,
    }


def _year_later(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _week_of(day: dt.date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def weeks_with_incidents(days: DayCounts, since: dt.date, today: dt.date) -> set[tuple[str, str]]:
    """(station, week) of ``since`` … ``today`` with fraud incidents in it or on the same
    days last year."""
    keys: set[tuple[str, str]] = set()
    for station, day in days:
        if since <= day <= today:
            keys.add((station, _week_of(day)))
        later = _year_later(day)
        if since <= later <= today:
            keys.add((station, _week_of(later)))
    return keys

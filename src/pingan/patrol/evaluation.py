"""Plans against history: naive plans and the replay of a period's incidents.

A plan is judged by :func:`pingan.algo.simulate.simulate_response` on the incidents of a
period that fall in its shift window on days of its day type, with one unit per group at
its post. The naive plans have the same K: all groups at the police stations of the area
(round-robin; a stand-in at the area's centre when the city's places hold none), or on a
uniform grid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from pingan.algo.graph import RoadGraph
from pingan.algo.routing import shortest_times, snap, times_to
from pingan.algo.simulate import LognormalServiceTime, simulate_response
from pingan.algo.tiers import nearest_rank_percentile
from pingan.city import service as cities
from pingan.city.models import City
from pingan.config import Settings
from pingan.errors import InvalidInput
from pingan.jurisdictions import service as jurisdictions
from pingan.patrol.demand import Area, ShiftWindow, history_rows, in_window, local_day_start
from pingan.patrol.models import DayType, Plan

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
NAIVE_PLANS = ("stations", "grid")


def tier_key(radius: float) -> str:
    """``60.0`` → ``"60"``: tiers as JSON keys."""
    return str(int(radius)) if float(radius).is_integer() else str(radius)


def grid_posts(graph: RoadGraph, area_nodes: IntArray, k: int) -> IntArray:
    """Naive posts on a uniform grid: about ``k`` equal squares over the area, a post at the
    node nearest the centre of each of the ``k`` squares holding most road nodes."""
    x, y = graph.x[area_nodes], graph.y[area_nodes]
    x0, y0 = float(x.min()), float(y.min())
    width, height = max(float(x.max() - x0), 1.0), max(float(y.max() - y0), 1.0)
    side = math.sqrt(width * height / k)
    posts: IntArray = np.zeros(0, dtype=np.int64)
    for _ in range(60):
        cx, cy = np.floor((x - x0) / side), np.floor((y - y0) / side)
        cell = cx * 1e7 + cy
        labels, inverse, counts = np.unique(cell, return_inverse=True, return_counts=True)
        if labels.size >= k or side < 1.0:
            off = (x - (x0 + (cx + 0.5) * side)) ** 2 + (y - (y0 + (cy + 0.5) * side)) ** 2
            busiest = np.argsort(-counts, kind="stable")[:k]
            chosen = []
            for label in busiest:
                members = np.flatnonzero(inverse == label)
                chosen.append(int(area_nodes[members[np.argmin(off[members])]]))
            posts = np.asarray(chosen, dtype=np.int64)
            break
        side *= 0.9
    return posts


def station_posts(
    db_session: Session, graph: RoadGraph, city: City, area: Area, k: int
) -> tuple[IntArray, str]:
    """Naive posts at police stations: the K groups wait at the stations in the area, shared
    round-robin; with no station among the city's places, one stand-in station at the road
    node nearest the area's centre."""
    stations = cities.places(db_session, city, ["police"])
    nodes = np.zeros(0, dtype=np.int64)
    if stations:
        snapped = snap(graph, [p.lat for p in stations], [p.lon for p in stations]).node
        inside = np.isin(snapped, area.nodes)
        nodes = np.unique(snapped[inside])
    if nodes.size:
        note = f"{nodes.size} police station(s) from the city's places"
    else:
        cx, cy = graph.x[area.nodes].mean(), graph.y[area.nodes].mean()
        nearest = np.argmin((graph.x[area.nodes] - cx) ** 2 + (graph.y[area.nodes] - cy) ** 2)
        nodes = area.nodes[[nearest]]
        note = "no police station among the city's places: one stand-in at the area's centre"
    return nodes[np.arange(k) % nodes.size], note


@dataclass(frozen=True)
class Replay:
    """Incidents of a period inside a plan's shift window, on the graph."""

    nodes: IntArray
    time_s: FloatArray
    priority: FloatArray
    simulated: int
    period_s: tuple[float, float]


def replay_incidents(
    db_session: Session,
    settings: Settings,
    graph: RoadGraph,
    city: City,
    plan: Plan,
    date_from: date,
    date_to: date,
) -> Replay:
    if date_to < date_from:
        raise InvalidInput("the period must end on or after its start", field="date_to")
    tz = ZoneInfo(settings.time_zone)
    jurisdiction = jurisdictions.get(db_session, plan.jurisdiction_id)
    window = ShiftWindow.parse(f"{plan.shift_start}-{plan.shift_end}")
    start = local_day_start(date_from, tz)
    # shifts that start on the last day run past midnight
    end = local_day_start(date_to + timedelta(days=2), tz)
    rows = history_rows(db_session, city, jurisdiction, since=start, until=end)
    picked = in_window(rows, window, DayType(plan.day_type), tz)
    keep = [i for i, day in enumerate(picked.shift_days) if date_from <= day <= date_to]
    if not keep:
        raise InvalidInput(
            f"no incidents of {city.name} in {jurisdiction.code} during "
            f"{window.text} on {plan.day_type}s between {date_from} and {date_to}",
            field="date_from",
        )
    chosen = [picked.rows[i] for i in keep]
    times = np.array([(r.received_at - start).total_seconds() for r in chosen])
    nodes = snap(graph, [r.lat for r in chosen], [r.lon for r in chosen]).node
    period_end = (local_day_start(date_to + timedelta(days=1), tz) - start).total_seconds()
    return Replay(
        nodes=nodes,
        time_s=times,
        priority=np.array([float(r.priority) for r in chosen]),
        simulated=sum(r.simulated for r in chosen),
        period_s=(0.0, max(period_end + window.length_s, float(times.max()))),
    )


def simulate_posts(
    graph: RoadGraph,
    replay: Replay,
    post_nodes: IntArray,
    tiers: Sequence[float],
    *,
    seed: int,
    service_median_s: float,
    turnout_s: float,
) -> dict[str, Any]:
    forward = shortest_times(graph, post_nodes)
    back = times_to(graph, post_nodes)
    back = back.reshape(post_nodes.size, graph.n_nodes)
    result = simulate_response(
        replay.time_s,
        replay.nodes,
        np.arange(post_nodes.size),
        forward,
        LognormalServiceTime(median_s=service_median_s, sigma=0.5),
        return_time_s=back,
        incident_priority=replay.priority,
        turnout_s=turnout_s,
        tiers_s=tiers,
        seed=seed,
    )
    figures = result.figures
    response = result.response_s[~np.isnan(result.response_s)]
    edges = [0.0, 60.0, 180.0, 300.0, 600.0, 900.0, math.inf]
    counts = np.histogram(response, bins=edges)[0] if response.size else np.zeros(6)
    return {
        "posts": int(np.unique(post_nodes).size),
        "groups": int(post_nodes.size),
        "incidents": int(replay.nodes.size),
        "served": figures.count,
        "unserved": result.unserved,
        "queued": result.queued,
        "share_within": {
            tier_key(t): (None if math.isnan(s) else round(s, 6))
            for t, s in zip(figures.tiers_s, figures.share_within, strict=True)
        },
        "median_s": figures.median_s,
        "p90_s": figures.p90_s,
        "mean_s": figures.mean_s,
        "percentiles_s": {
            f"p{p}": (nearest_rank_percentile(response, p) if response.size else None)
            for p in (10, 25, 50, 75, 90, 95)
        },
        "histogram": {
            "edges_s": ["0", "60", "180", "300", "600", "900", "inf"],
            "counts": [int(c) for c in counts],
        },
        "utilisation_mean": round(float(result.utilisation.mean()), 6),
    }


def posts_of(plan: Plan) -> IntArray:
    return np.asarray(
        [p.node for p in sorted(plan.posts, key=lambda p: p.group_no)], dtype=np.int64
    )

"""Demo step: two simulated years of history per demo city, with simulated assignments.

The history is **simulated** (:mod:`pingan.algo.synth`): every incident has
``simulated=True`` and a description ending in "（模拟）", and its assignments come from
replaying it against the demo units (:func:`pingan.algo.simulate.simulate_response`), so
the chief's dashboard has response figures. None of it may be used to evaluate anything.

Two years, so that "the same period last year" (同比) has figures. A history written by an
older demo that covers less is extended backwards to the full two years. The incidents go
in through :func:`pingan.incidents.simulated.add_simulated_history`, the assignments
through :func:`pingan.dispatch.simulated.add_simulated_assignments`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.orm import Session

from pingan.algo import routing, tiers
from pingan.algo.simulate import LognormalServiceTime, simulate_response
from pingan.algo.synth import SIMULATED_MARK_ZH, load_profile, synthesize_history
from pingan.bundled import bundled_path
from pingan.city import service as cities
from pingan.city.models import City
from pingan.config import Settings
from pingan.db import utcnow
from pingan.demo.accounts import Progress
from pingan.demo.units import COQUIMBO_ZONES, SEED, FloatArray, coquimbo_weights, demo_city, wanted
from pingan.dispatch.mutual_aid import is_mutual_aid
from pingan.dispatch.simulated import (
    SimulatedAssignment,
    add_simulated_assignments,
    count_simulated_assignments,
)
from pingan.dispatch.travel import ACCESS_SPEED_MS, SEARCH_LIMIT_S
from pingan.incidents import simulated
from pingan.incidents.models import Status
from pingan.jurisdictions import service as jurisdictions
from pingan.units import service as units
from pingan.units.models import UnitKind

#: Simulated incidents per year, per demo city.
INCIDENTS_PER_YEAR: dict[str, float] = {"helsinki": 3000.0, "coquimbo": 10000.0}
#: The history ends this long before the demo runs (every simulated call is finished).
HISTORY_GAP = timedelta(hours=6)
#: Days of simulated history: two years, so that 同比 (same period last year) has data.
HISTORY_DAYS = 730
#: Share of simulated incidents that got a unit (the rest were handled by phone);
#: fraud reports rarely need one.
DISPATCH_SHARE = 0.75
DISPATCH_SHARE_BY_TYPE = {"fraud": 0.15, "missing_person": 0.9, "assault": 0.95}
#: Posts and volunteers answer only what they reach within the last tier.
LOCAL_KINDS = frozenset({UnitKind.key_unit_post, UnitKind.volunteer_team})
SERVICE_TIME = LognormalServiceTime(median_s=1200.0, sigma=0.6)
TURNOUT_S = 45.0


def candidate_points(
    db_session: Session, settings: Settings, city: City
) -> tuple[FloatArray, FloatArray, FloatArray, list[str], list[str | None]]:
    """Where simulated incidents may happen: lat, lon, weight, kind, place name."""
    car = cities.load_graph(settings, city, "car")
    lat: list[float] = []
    lon: list[float] = []
    weight: list[float] = []
    kind: list[str] = []
    label: list[str | None] = []
    if city.name == "coquimbo" and bundled_path(COQUIMBO_ZONES) is not None:
        people = coquimbo_weights(np.asarray(car.lat), np.asarray(car.lon))
        inside = people > 0
        lat += car.lat[inside].tolist()
        lon += car.lon[inside].tolist()
        weight += people[inside].tolist()
        kind += ["population"] * int(inside.sum())
        label += [None] * int(inside.sum())
        road_weight = float(people.sum()) * 0.25 / car.n_nodes
    else:
        foot = cities.load_graph(settings, city, "foot")
        lat += foot.lat.tolist()
        lon += foot.lon.tolist()
        weight += [1.0] * foot.n_nodes
        kind += ["population"] * foot.n_nodes
        label += [None] * foot.n_nodes
        road_weight = 0.5
    lat += car.lat.tolist()
    lon += car.lon.tolist()
    weight += [road_weight] * car.n_nodes
    kind += ["road"] * car.n_nodes
    label += [None] * car.n_nodes
    for place in cities.places(db_session, city):
        if place.kind in ("surveillance", "fire_station"):
            continue
        lat.append(place.lat)
        lon.append(place.lon)
        weight.append(3.0)
        kind.append(place.kind)
        label.append(place.name_zh or place.name or place.name_en or None)
    lat_arr = np.array(lat, dtype=np.float64)
    lon_arr = np.array(lon, dtype=np.float64)
    inside = (
        (lat_arr >= city.min_lat)
        & (lat_arr <= city.max_lat)
        & (lon_arr >= city.min_lon)
        & (lon_arr <= city.max_lon)
    )
    keep = np.flatnonzero(inside).tolist()
    return (
        lat_arr[inside],
        lon_arr[inside],
        np.array(weight, dtype=np.float64)[inside],
        [kind[i] for i in keep],
        [label[i] for i in keep],
    )


def simulated_records(
    db_session: Session,
    settings: Settings,
    city: City,
    *,
    incidents_per_year: float,
    now: datetime,
    seed: int = SEED,
    before: datetime | None = None,
) -> list[simulated.SimulatedRecord]:
    """:data:`HISTORY_DAYS` of the city's simulated incidents ending :data:`HISTORY_GAP`
    before ``now``; only those that occurred before ``before`` when it is given (to extend
    an existing, shorter history backwards)."""
    zone = ZoneInfo(settings.time_zone)
    first_day = history_first_day(settings, now)
    lat, lon, weight, kind, label = candidate_points(db_session, settings, city)
    history = synthesize_history(
        lat,
        lon,
        weight,
        kind,
        load_profile(),
        start=first_day,
        days=HISTORY_DAYS,
        incidents_per_year=incidents_per_year,
        seed=seed,
    )
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=zone)
    rng = np.random.default_rng(seed + 1)
    delay_s = np.minimum(rng.exponential(240.0, size=len(history)), 1800.0)
    owner = simulated.jurisdictions_for_points(
        db_session, history.lat, history.lon, city.jurisdiction_id
    )
    cut = now - HISTORY_GAP
    recent = now - timedelta(days=3)
    records = []
    for i in range(len(history)):
        occurred = (start + timedelta(seconds=float(history.time_s[i]))).astimezone(UTC)
        received = occurred + timedelta(seconds=float(delay_s[i]))
        if received > cut or (before is not None and occurred >= before):
            break
        description = history.description[i]
        if SIMULATED_MARK_ZH not in description:
            description += SIMULATED_MARK_ZH
        records.append(
            simulated.SimulatedRecord(
                received_at=received,
                occurred_start=occurred,
                occurred_end=occurred,
                lat=float(history.lat[i]),
                lon=float(history.lon[i]),
                type=str(history.type[i]),
                description=description,
                jurisdiction_id=int(owner[i]),
                status=Status.resolved if received > recent else Status.closed,
                place_text=label[int(history.point[i])],
            )
        )
    return records


def history_first_day(settings: Settings, now: datetime) -> date:
    """The first local day of the simulated history that ends at ``now``."""
    return now.astimezone(ZoneInfo(settings.time_zone)).date() - timedelta(days=HISTORY_DAYS - 1)


def unit_incident_times(
    settings: Settings, city: City, rows: Sequence[units.UnitRow], lat: FloatArray, lon: FloatArray
) -> FloatArray:
    """Seconds from each unit's post to each point on the unit's own mode's network."""
    out = np.full((len(rows), lat.size), np.inf)
    by_mode: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        if row.unit.post_lat is not None and row.unit.post_lon is not None:
            by_mode.setdefault(row.unit.mode.value, []).append(index)
    for mode, indices in by_mode.items():
        graph = cities.load_graph(settings, city, mode)
        posts = routing.snap(
            graph,
            np.array([rows[i].unit.post_lat for i in indices], dtype=np.float64),
            np.array([rows[i].unit.post_lon for i in indices], dtype=np.float64),
        )
        scene = routing.snap(graph, lat, lon)
        times = routing.shortest_times(graph, posts.node, cutoff_s=SEARCH_LIMIT_S)
        access = (posts.distance_m[:, None] + scene.distance_m[None, :]) / ACCESS_SPEED_MS
        out[indices] = times[:, scene.node] + access
    for index, row in enumerate(rows):
        if row.unit.kind in LOCAL_KINDS:
            out[index, out[index] > max(settings.tiers_s)] = np.inf
    return out


def simulate_assignments(
    db_session: Session,
    settings: Settings,
    city: City,
    records: Sequence[simulated.SimulatedRecord],
    incident_ids: Sequence[int],
    *,
    now: datetime,
    seed: int = SEED,
) -> int:
    """Replay the dispatched share of the history against the city's demo units and
    store one simulated assignment per served incident. Returns how many were stored."""
    rows = [r for r in units.units_in_city(db_session, city.name) if r.unit.post_lat is not None]
    if not rows or not records:
        return 0
    rng = np.random.default_rng(seed + 2)
    share = np.array([DISPATCH_SHARE_BY_TYPE.get(r.type, DISPATCH_SHARE) for r in records])
    chosen = np.flatnonzero(rng.uniform(size=len(records)) < share)
    if chosen.size == 0:
        return 0
    origin = records[0].received_at
    received_s = np.array(
        [(records[i].received_at - origin).total_seconds() for i in chosen.tolist()]
    )
    lat = np.array([records[i].lat for i in chosen.tolist()])
    lon = np.array([records[i].lon for i in chosen.tolist()])
    travel = unit_incident_times(settings, city, rows, lat, lon)
    result = simulate_response(
        received_s,
        np.arange(chosen.size),
        np.arange(len(rows)),
        travel,
        SERVICE_TIME,
        turnout_s=TURNOUT_S,
        tiers_s=settings.tiers_s,
        seed=seed,
    )
    paths = {
        node: jurisdictions.get_ref(db_session, node).path
        for node in {records[i].jurisdiction_id for i in chosen.tolist()}
    }
    served = []
    for k, i in enumerate(chosen.tolist()):
        u = int(result.unit[k])
        if u < 0 or not math.isfinite(float(result.cleared_s[k])):
            continue
        cleared_at = origin + timedelta(seconds=float(result.cleared_s[k]))
        if cleared_at > now:
            continue
        travel_s = float(result.travel_s[k]) - TURNOUT_S
        served.append(
            SimulatedAssignment(
                incident_id=incident_ids[i],
                unit_id=rows[u].unit.id,
                jurisdiction_id=records[i].jurisdiction_id,
                mutual_aid=is_mutual_aid(rows[u].station_path, paths[records[i].jurisdiction_id]),
                assigned_at=origin + timedelta(seconds=float(result.dispatched_s[k])),
                arrived_at=origin + timedelta(seconds=float(result.arrived_s[k])),
                cleared_at=cleared_at,
                predicted_travel_s=round(travel_s, 1),
                predicted_tier=tiers.tier_of(travel_s, settings.tiers_s),
                response_s=round(float(result.response_s[k]), 3),
            )
        )
    return add_simulated_assignments(db_session, served)


def seed_history(
    db_session: Session,
    settings: Settings,
    progress: Progress,
    *,
    city_names: Sequence[str] | None = None,
    incidents_per_year: dict[str, float] | None = None,
) -> dict[str, tuple[int, int]]:
    """Write each demo city's :data:`HISTORY_DAYS` of simulated history (once; a shorter
    history from an older demo is extended backwards). Returns, per city written now,
    (incidents, assignments)."""
    rates = {**INCIDENTS_PER_YEAR, **(incidents_per_year or {})}
    now = utcnow()
    zone = ZoneInfo(settings.time_zone)
    first_day = history_first_day(settings, now)
    # a history that starts within two days of the first day is complete
    complete_from = datetime.combine(first_day + timedelta(days=2), datetime.min.time(), zone)
    written: dict[str, tuple[int, int]] = {}
    names = [n for n in INCIDENTS_PER_YEAR if wanted(city_names, n)]
    for index, name in enumerate(names):
        city = demo_city(db_session, name)
        if city is None:
            continue
        earliest = simulated.simulated_history_start(db_session, name)
        if earliest is not None and earliest <= complete_from:
            continue
        step = f"{name}: simulated history"
        progress(step, 0.1)
        records = simulated_records(
            db_session, settings, city, incidents_per_year=rates[name], now=now, before=earliest
        )
        if not records:
            continue
        progress(step, 0.4)
        ids = simulated.add_simulated_history(db_session, name, records)
        progress(step, 0.7)
        made = simulate_assignments(db_session, settings, city, records, ids, now=now)
        db_session.flush()
        written[name] = (len(ids), made)
        progress(step, 1.0)
        progress("history", (index + 1) / len(names))
    return written


def demo_counts(db_session: Session, city: str) -> dict[str, int]:
    """How much demo data a city holds (for tests and the CLI)."""
    return {
        "units": len(units.units_in_city(db_session, city)),
        "simulated_history": simulated.count_simulated_history(db_session, city),
        "simulated_assignments": count_simulated_assignments(db_session, city),
    }

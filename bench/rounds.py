"""Monthly inspection rounds (issue 14): the OR-Tools plan against due-date order and a
nearest-neighbour tour, on Helsinki's real OSM venues and on simulated Coquimbo sites.

* **Helsinki** (the bundled extract, car network): every pub, bar, nightclub, restaurant,
  fast-food place and cinema of the extract is a site, at its OSM point; the station is the
  fire station of the extract (Erottajan paloasema). Opening hours are *not* in the extract:
  each site gets hours typical of its category (below), varied per site with seed 42.
* **Coquimbo** (car network): the extract has no places, so 300 **simulated** sites are put
  on car-graph nodes drawn with probability proportional to their zone's population
  (``pingan.demo.units.coquimbo_weights``), with categories drawn from a mix of venues; the
  station is the node nearest the population-weighted centre.

One inspector, one month (December 2026: 1 December is a Tuesday), weekdays worked, day shift
09:00-18:00 and an evening shift 18:00-02:00 on Thursdays and Fridays (nightclubs open only
at night). A third of the sites (seed 42) hold open hazards (priority 1), a tenth overdue ones
(priority 2); every site has a due day drawn over the month.

Four plans: the two baselines of ``pingan.algo.round_baselines``, and the OR-Tools plan twice:
"travel only" (``day_cost_s = late_cost_s = 0``: minimise travel, the baselines' own terms)
and "priorities" (the defaults: each day a priority site is put off costs 30 min of travel
per priority level, each day past due 10 min). Ratios are against "travel only".

    .venv/bin/python bench/rounds.py [--time-limit 60]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from pingan.algo.graph import RoadGraph, build_graph
from pingan.algo.round_baselines import due_date_round, nearest_neighbour_round
from pingan.algo.rounds import (
    RoundPlan,
    Shift,
    month_shifts,
    plan_round,
    prepare_round,
    round_time_matrix,
)
from pingan.algo.routing import snap
from pingan.city.osm import read_extract
from pingan.config import DEFAULT_SPEEDS_KMH
from pingan.demo.units import coquimbo_weights

DATA = Path(__file__).resolve().parents[1] / "data" / "osm"
H = 3600.0
#: December 2026: 31 days, the 1st a Tuesday.
N_DAYS, FIRST_WEEKDAY = 31, 1

#: Minutes on site by category.
SERVICE_MIN = {
    "restaurant": 20,
    "fast_food": 15,
    "pub": 20,
    "bar": 20,
    "nightclub": 40,
    "cinema": 45,
    "karaoke_box": 30,
    "internet_cafe": 20,
    "hotel": 45,
    "mall": 60,
}
COQUIMBO_MIX = {
    "restaurant": 0.35,
    "fast_food": 0.12,
    "bar": 0.14,
    "pub": 0.05,
    "nightclub": 0.06,
    "karaoke_box": 0.06,
    "internet_cafe": 0.08,
    "hotel": 0.08,
    "cinema": 0.02,
    "mall": 0.04,
}

Week = list[list[tuple[float, float]]]


def _daily(open_h: float, close_h: float, closed: tuple[int, ...] = ()) -> Week:
    return [[] if d in closed else [(open_h * H, close_h * H)] for d in range(7)]


def opening_hours(kind: str, rng: np.random.Generator) -> Week:
    """Typical hours of a category (weekday 0 = Monday), varied per site."""
    if kind == "restaurant":
        week = _daily(rng.choice([10.5, 11.0, 11.5, 12.0]), rng.choice([21.0, 22.0, 23.0]))
        for day in (6, 0):
            if rng.random() < 0.3:
                week[day] = []
        return week
    if kind in ("fast_food", "internet_cafe"):
        return _daily(10.0, rng.choice([22.0, 24.0]))
    if kind == "pub":
        late = rng.choice([25.0, 26.0])
        return [[(14 * H, late * H)]] * 4 + [[(12 * H, (late + 1) * H)]] * 2 + [[(14 * H, 24 * H)]]
    if kind in ("bar", "karaoke_box"):
        start = 16.0 if kind == "bar" else 18.0
        return [
            [] if d in (0, 6) else [(start * H, (25.0 if d < 4 else 27.0) * H)] for d in range(7)
        ]
    if kind == "nightclub":
        first = int(rng.choice([2, 3, 4]))  # opens Wednesday, Thursday or Friday
        return [[(22 * H, 28 * H)] if first <= d <= 5 else [] for d in range(7)]
    if kind == "cinema":
        return _daily(11.0, 23.5)
    if kind == "mall":
        return _daily(10.0, 21.0)
    return _daily(0.0, 24.0)  # hotel


def car_graph(file: str) -> tuple[RoadGraph, object]:
    extract = read_extract(DATA / file)
    graph = build_graph(**extract.graph_inputs(), mode="car", speeds_kmh=DEFAULT_SPEEDS_KMH).graph
    return graph, extract


def helsinki() -> tuple[RoadGraph, np.ndarray, list[str], str]:
    graph, extract = car_graph("Helsinki.osm.pbf")
    kinds = np.asarray(extract.place_kind)  # type: ignore[attr-defined]
    wanted = np.isin(kinds, ["pub", "bar", "nightclub", "restaurant", "fast_food", "cinema"])
    lat = np.asarray(extract.place_lat)[wanted]  # type: ignore[attr-defined]
    lon = np.asarray(extract.place_lon)[wanted]  # type: ignore[attr-defined]
    station = int(np.flatnonzero(kinds == "fire_station")[0])
    s_lat = float(extract.place_lat[station])  # type: ignore[attr-defined]
    s_lon = float(extract.place_lon[station])  # type: ignore[attr-defined]
    nodes = snap(graph, np.r_[s_lat, lat], np.r_[s_lon, lon]).node
    return graph, nodes, kinds[wanted].tolist(), "real OSM venues"


def coquimbo(n_sites: int = 300) -> tuple[RoadGraph, np.ndarray, list[str], str]:
    graph, _ = car_graph("coquimbo.osm.pbf")
    lat = np.asarray(graph.lat, dtype=np.float64)
    lon = np.asarray(graph.lon, dtype=np.float64)
    weight = coquimbo_weights(lat, lon)
    rng = np.random.default_rng(42)
    sites = rng.choice(lat.size, n_sites, replace=False, p=weight / weight.sum())
    centre = snap(graph, np.average(lat, weights=weight), np.average(lon, weights=weight)).node
    kinds = rng.choice(list(COQUIMBO_MIX), n_sites, p=list(COQUIMBO_MIX.values())).tolist()
    return graph, np.r_[centre, sites], kinds, "simulated sites (population-weighted road nodes)"


def instance_inputs(
    kinds: list[str],
) -> tuple[np.ndarray, list[Week], np.ndarray, np.ndarray, tuple[Shift, ...]]:
    rng = np.random.default_rng(42)
    service = np.array([SERVICE_MIN[k] * 60.0 for k in kinds])
    opening = [opening_hours(k, rng) for k in kinds]
    draw = rng.random(len(kinds))
    priority = np.where(draw < 0.1, 2, np.where(draw < 0.43, 1, 0))
    due = rng.integers(-5, N_DAYS, len(kinds))
    shifts = month_shifts(
        N_DAYS,
        FIRST_WEEKDAY,
        evening_window_s=(18 * H, 26 * H),
        evening_weekdays=(3, 4),
    )
    return service, opening, priority, due, shifts


def mean_days(plan: RoundPlan, priority: np.ndarray) -> str:
    days = plan.day_of()
    out = []
    for level in (2, 1, 0):
        mine = [days[s] for s in np.flatnonzero(priority == level) if s in days]
        out.append(f"{np.mean(mine) + 1:.1f}" if mine else "-")
    return " / ".join(out)


def row(name: str, plan: RoundPlan, seconds: float, ref: RoundPlan, priority: np.ndarray) -> str:
    per_visit = plan.travel_s / max(plan.visited, 1)
    ref_per_visit = ref.travel_s / max(ref.visited, 1)
    return (
        f"| {name} | {plan.visited} | {len(plan.unplaced)} | {plan.travel_s / 3600:.2f} h | "
        f"{per_visit / 60:.2f} min | {plan.travel_s / ref.travel_s:.2f} | "
        f"{per_visit / ref_per_visit:.2f} | {plan.violations} | {mean_days(plan, priority)} | "
        f"{seconds:.1f} s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    for city, load in (("Helsinki", helsinki), ("Coquimbo", coquimbo)):
        run_city(city, load, args.time_limit)


def run_city(
    city: str,
    load: Callable[[], tuple[RoadGraph, np.ndarray, list[str], str]],
    time_limit_s: float,
) -> None:
    graph, nodes, kinds, source = load()
    started = time.perf_counter()
    times = round_time_matrix(graph, nodes)
    matrix_s = time.perf_counter() - started
    service, opening, priority, due, shifts = instance_inputs(kinds)
    common = {"first_weekday": FIRST_WEEKDAY, "priority": priority, "due_day": due}
    instance = prepare_round(times, service, opening, shifts, **common)

    def optimised(**costs: float) -> RoundPlan:
        return plan_round(
            times,
            service,
            opening,
            shifts,
            solver_time_limit_s=time_limit_s,
            **common,
            **costs,  # type: ignore[arg-type]
        )

    timed: dict[str, tuple[RoundPlan, float]] = {}
    for name, make in (
        ("due-date order", lambda: due_date_round(instance)),
        ("nearest neighbour", lambda: nearest_neighbour_round(instance)),
        ("OR-Tools, travel only", lambda: optimised(day_cost_s=0.0, late_cost_s=0.0)),
        ("OR-Tools, priorities (defaults)", lambda: optimised()),
    ):
        started = time.perf_counter()
        plan = make()
        timed[name] = (plan, time.perf_counter() - started)
    ref = timed["OR-Tools, travel only"][0]
    for name in ("OR-Tools, travel only", "OR-Tools, priorities (defaults)"):
        plan = timed[name][0]
        reasons: dict[str, int] = {}
        for u in plan.unplaced:
            reasons[u.reason] = reasons.get(u.reason, 0) + 1
        print(f"{city} {name}: solver status {plan.status}; unplaced by reason {reasons}")
    print(
        f"\n{city}: {len(kinds)} sites ({source}), {len(shifts)} shifts, car network "
        f"{graph.n_nodes} nodes; matrix {matrix_s:.1f} s; priority 2 / 1 / 0 sites "
        f"{int((priority == 2).sum())} / {int((priority == 1).sum())} / "
        f"{int((priority == 0).sum())}"
    )
    print(
        "| method | visits | unplaced | travel | travel per visit | travel / optimised | "
        "per visit / optimised | outside window | mean day p2 / p1 / p0 | time |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for name, (plan, seconds) in timed.items():
        print(row(name, plan, seconds, ref, priority))


if __name__ == "__main__":
    main()

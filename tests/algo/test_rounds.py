"""Monthly inspection rounds on the real Helsinki road network (bundled extract, car graph).

Sites are real OSM venues of the extract; the station is its fire station. The month is
December 2026 (the 1st a Tuesday). Every check of a visit's window is made against the
opening hours as given, not against the module's own intervals.
"""

from __future__ import annotations

import doctest
import itertools

import numpy as np
import pytest

from pingan.algo import rounds
from pingan.algo.graph import RoadGraph
from pingan.algo.round_baselines import due_date_round, nearest_neighbour_round
from pingan.algo.rounds import (
    DAY_S,
    RoundPlan,
    Shift,
    month_shifts,
    plan_round,
    prepare_round,
    round_time_matrix,
)
from pingan.algo.routing import snap
from pingan.city.osm import OsmExtract
from pingan.errors import InvalidInput

H = 3600.0
FIRST_WEEKDAY = 1  # 1 December 2026 is a Tuesday
DAYTIME = [[(10 * H, 22 * H)]] * 7
NIGHT_ONLY = [[(22 * H, 28 * H)] if d in (3, 4, 5) else [] for d in range(7)]  # Thu-Sat 22-04


def venues(extract: OsmExtract, graph: RoadGraph, kinds: tuple[str, ...], n: int) -> np.ndarray:
    """Graph nodes of the fire station, then of the first ``n`` venues of ``kinds``."""
    station = int(np.flatnonzero(extract.place_kind == "fire_station")[0])
    chosen = np.flatnonzero(np.isin(extract.place_kind, kinds))[:n]
    lat = np.r_[extract.place_lat[station], extract.place_lat[chosen]]
    lon = np.r_[extract.place_lon[station], extract.place_lon[chosen]]
    return snap(graph, lat, lon).node


def inside_opening(start: int, end: int, week: list[list[tuple[float, float]]]) -> bool:
    """Whether ``[start, end]`` (month timeline) lies in one window of the weekly hours."""
    for day in (start // DAY_S - 1, start // DAY_S):
        base = day * DAY_S
        for open_s, close_s in week[(FIRST_WEEKDAY + day) % 7]:
            if base + open_s <= start and end <= base + close_s:
                return True
    return False


@pytest.fixture(scope="module")
def car(helsinki_graphs: dict[str, RoadGraph]) -> RoadGraph:
    return helsinki_graphs["car"]


@pytest.fixture(scope="module")
def pubs(helsinki_extract: OsmExtract, car: RoadGraph) -> np.ndarray:
    """Travel times between the station and 30 pubs and bars of Helsinki."""
    return round_time_matrix(car, venues(helsinki_extract, car, ("pub", "bar"), 30))


def test_time_matrix_is_the_road_network_both_ways(
    helsinki_extract: OsmExtract, car: RoadGraph, helsinki_graphs: dict[str, RoadGraph]
) -> None:
    nodes = venues(helsinki_extract, car, ("pub",), 5)
    times = round_time_matrix(car, nodes)
    assert times.shape == (6, 6)
    assert np.all(np.diag(times) == 0)
    assert np.all(np.isfinite(times))
    assert np.all(times[~np.eye(6, dtype=bool)] > 0)
    with pytest.raises(InvalidInput, match="car or e-bike"):
        round_time_matrix(helsinki_graphs["foot"], nodes)


def test_every_visit_lies_inside_its_opening_hours(pubs: np.ndarray) -> None:
    n = pubs.shape[0] - 1
    rng = np.random.default_rng(42)
    opening = [
        [[(float(o) * H, float(o + length) * H)] for _ in range(7)]
        for o, length in zip(rng.integers(9, 20, n), rng.integers(2, 7, n), strict=True)
    ]
    shifts = month_shifts(
        31, FIRST_WEEKDAY, evening_window_s=(18 * H, 26 * H), evening_weekdays=(4,)
    )
    plan = plan_round(
        pubs, 1200.0, opening, shifts, first_weekday=FIRST_WEEKDAY, solver_time_limit_s=1
    )
    assert plan.unplaced == ()
    assert plan.visited == n
    assert plan.violations == 0
    for day in plan.days:
        begin, end = shifts[day.shift].span
        assert begin <= day.leave_s <= day.return_s <= end
        clock = day.leave_s
        for visit in day.visits:
            assert visit.arrival_s >= clock
            assert visit.start_s >= visit.arrival_s
            assert visit.end_s == visit.start_s + 1200
            assert inside_opening(visit.start_s, visit.end_s, opening[visit.site])
            clock = visit.end_s


def test_a_night_only_bar_is_visited_on_an_evening_shift(pubs: np.ndarray) -> None:
    n = pubs.shape[0] - 1
    opening = [DAYTIME] * n
    opening[7] = NIGHT_ONLY
    shifts = month_shifts(
        31, FIRST_WEEKDAY, evening_window_s=(18 * H, 26 * H), evening_weekdays=(4,)
    )
    plan = plan_round(
        pubs, 1800.0, opening, shifts, first_weekday=FIRST_WEEKDAY, solver_time_limit_s=1
    )
    (day,) = [d for d in plan.days if any(v.site == 7 for v in d.visits)]
    visit = next(v for v in day.visits if v.site == 7)
    assert shifts[day.shift].start_s == 18 * H  # a Friday evening shift
    assert (FIRST_WEEKDAY + day.day) % 7 == 4
    clock = visit.start_s - day.day * DAY_S
    assert clock >= 22 * H
    assert clock + 1800 <= 28 * H
    assert plan.unplaced == ()


def test_priority_sites_come_first_when_the_month_is_short(pubs: np.ndarray) -> None:
    # A two-hour shift holds three half-hour visits with their trips (four would need two
    # hours of visits alone); twelve sites are due in three shifts, three of them with open
    # hazards: those three go on the first day, and the three left out are routine.
    times = pubs[:13, :13]
    shifts = [Shift(day, 10 * H, 12 * H) for day in (0, 1, 2)]
    priority = np.array([0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1])
    plan = plan_round(
        times,
        1800.0,
        [DAYTIME] * 12,
        shifts,
        first_weekday=FIRST_WEEKDAY,
        priority=priority,
        solver_time_limit_s=1,
    )
    day_of = plan.day_of()
    assert {s for s in range(12) if priority[s]} <= set(day_of)
    assert all(day_of[s] == 0 for s in range(12) if priority[s])
    first_routine = min(day_of[s] for s in day_of if not priority[s])
    assert max(day_of[s] for s in day_of if priority[s]) <= first_routine
    assert len(plan.unplaced) == 3
    assert all(priority[u.site] == 0 for u in plan.unplaced)
    assert {u.reason for u in plan.unplaced} == {"no_capacity"}


def test_impossible_windows_are_reported_with_their_reason(pubs: np.ndarray) -> None:
    times = pubs[:5, :5]
    opening = [
        DAYTIME,
        [[(3 * H, 5 * H)]] * 7,  # open only at night, and no evening shift
        [[(9 * H, 9 * H + 600)]] * 7,  # ten minutes a day for a half-hour visit
        [[(17.5 * H, 20 * H)]] * 7,  # half an hour before the shift ends: no time to go back
    ]
    shifts = month_shifts(31, FIRST_WEEKDAY)
    plan = plan_round(
        times, 1800.0, opening, shifts, first_weekday=FIRST_WEEKDAY, solver_time_limit_s=1
    )
    assert [v.site for d in plan.days for v in d.visits] == [0]
    assert [(u.site, u.reason) for u in plan.unplaced] == [
        (1, "closed"),
        (2, "window_too_short"),
        (3, "window_too_short"),
    ]
    assert plan.unplaced[0].detail == "not open during any shift of the month"


def test_a_site_closed_on_the_only_working_day_is_closed(pubs: np.ndarray) -> None:
    plan = plan_round(
        pubs[:3, :3],
        600.0,
        [DAYTIME, DAYTIME],
        [Shift(3, 9 * H, 18 * H)],
        first_weekday=FIRST_WEEKDAY,
        closed_days={1: {3}},
        solver_time_limit_s=1,
    )
    assert [(u.site, u.reason) for u in plan.unplaced] == [(1, "closed")]


def test_the_optimised_round_travels_no_more_than_either_baseline(
    helsinki_extract: OsmExtract, car: RoadGraph
) -> None:
    kinds = ("restaurant", "pub", "bar", "nightclub")
    times = round_time_matrix(car, venues(helsinki_extract, car, kinds, 80))
    n = times.shape[0] - 1
    rng = np.random.default_rng(42)
    opening = [
        NIGHT_ONLY if k == "nightclub" else DAYTIME
        for k in helsinki_extract.place_kind[np.isin(helsinki_extract.place_kind, kinds)][:n]
    ]
    shifts = month_shifts(
        31, FIRST_WEEKDAY, evening_window_s=(18 * H, 26 * H), evening_weekdays=(4,)
    )
    service = rng.choice([900.0, 1200.0, 1800.0], n)
    args = {"first_weekday": FIRST_WEEKDAY, "due_day": rng.integers(0, 31, n)}
    instance = prepare_round(times, service, opening, shifts, **args)
    baselines: list[RoundPlan] = [due_date_round(instance), nearest_neighbour_round(instance)]
    # travel only, as the baselines: no cost for the day a site comes on
    plan = plan_round(
        times, service, opening, shifts, day_cost_s=0, late_cost_s=0, solver_time_limit_s=2, **args
    )
    assert plan.violations == 0
    assert plan.visited == n
    for baseline in baselines:
        assert baseline.visited == n
        assert plan.travel_s <= baseline.travel_s
    assert plan.travel_s == sum(d.travel_s for d in plan.days)
    # the travel total is the matrix's, leg by leg (rounded up to whole seconds)
    legs = 0
    for day in plan.days:
        path = [0, *(v.site + 1 for v in day.visits), 0] if day.visits else []
        legs += sum(int(np.ceil(times[a, b])) for a, b in itertools.pairwise(path))
    assert legs == plan.travel_s


def test_bad_inputs_are_refused(pubs: np.ndarray) -> None:
    times = pubs[:3, :3]
    shifts = [Shift(0, 9 * H, 18 * H)]
    with pytest.raises(InvalidInput, match=r"one (finite value|entry) per site"):
        plan_round(times, 600.0, [DAYTIME], shifts, first_weekday=1)
    with pytest.raises(InvalidInput, match="service_s needs one finite value per site"):
        plan_round(times, [600.0, 600.0, 600.0], [DAYTIME] * 2, shifts, first_weekday=1)
    with pytest.raises(InvalidInput, match="service_s needs one finite value per site"):
        plan_round(times, [600.0, np.nan], [DAYTIME] * 2, shifts, first_weekday=1)
    with pytest.raises(InvalidInput, match="must not be negative"):
        plan_round(-times, 600.0, [DAYTIME] * 2, shifts, first_weekday=1)
    with pytest.raises(InvalidInput, match="close_s"):
        plan_round(times, 600.0, [DAYTIME, [[(20 * H, 19 * H)]] * 7], shifts, first_weekday=1)
    with pytest.raises(InvalidInput, match="must not overlap"):
        plan_round(
            times, 600.0, [DAYTIME] * 2, [*shifts, Shift(0, 17 * H, 20 * H)], first_weekday=1
        )
    with pytest.raises(InvalidInput, match="no shift"):
        plan_round(times, 600.0, [DAYTIME] * 2, [], first_weekday=1)
    with pytest.raises(InvalidInput, match="7 weekdays"):
        plan_round(times, 600.0, [DAYTIME, DAYTIME[:3]], shifts, first_weekday=1)


def test_a_site_with_no_road_is_unreachable(pubs: np.ndarray) -> None:
    times = pubs[:3, :3].copy()
    times[0, 2] = np.inf  # no way from the station to site 1
    plan = plan_round(
        times, 600.0, [DAYTIME, DAYTIME], [Shift(0, 9 * H, 18 * H)], first_weekday=FIRST_WEEKDAY
    )
    assert [v.site for d in plan.days for v in d.visits] == [0]
    assert [(u.site, u.reason) for u in plan.unplaced] == [(1, "unreachable")]


def test_month_shifts_of_december_2026() -> None:
    shifts = month_shifts(
        31, FIRST_WEEKDAY, evening_window_s=(18 * H, 26 * H), evening_weekdays=(4,), days_off=(24,)
    )
    # 23 weekdays in December 2026, less Christmas Day (a Friday)
    assert len(shifts) == 22
    evenings = [s.day for s in shifts if s.start_s == 18 * H]
    assert evenings == [3, 10, 17]  # Fridays 4, 11, 18 December (25 is off)
    assert all(s.end_s == 26 * H for s in shifts if s.day in evenings)
    assert all(
        s.span == (s.day * DAY_S + 9 * 3600, s.day * DAY_S + 18 * 3600)
        for s in shifts
        if s.day not in evenings
    )
    with pytest.raises(InvalidInput, match="evening_window_s"):
        month_shifts(31, FIRST_WEEKDAY, evening_weekdays=(4,))


def test_baselines_and_plan_by_hand() -> None:
    # Station and three sites on a line, ten minutes apart: 0 - A - B - C. Visiting in the
    # order of the line costs 10 + 10 + 10 + 30 = 60 min; due-date order B, A, C costs
    # 20 + 10 + 20 + 30 = 80 min. Site A opens at 10:00: whoever comes first waits for it.
    pos = np.arange(4)
    times = np.abs(pos[:, None] - pos[None, :]) * 600.0
    opening = [[[(10 * H, 18 * H)]] * 7, DAYTIME, DAYTIME]
    shifts = [Shift(0, 9 * H, 18 * H)]
    args = {"first_weekday": FIRST_WEEKDAY, "due_day": [1, 0, 2]}
    instance = prepare_round(times, 600.0 * np.ones(3), opening, shifts, **args)
    due = due_date_round(instance)
    assert [v.site for v in due.days[0].visits] == [1, 0, 2]
    assert due.travel_s == 4800
    nearest = nearest_neighbour_round(instance)
    assert [v.site for v in nearest.days[0].visits] == [0, 1, 2]
    assert nearest.travel_s == 3600
    first = nearest.days[0].visits[0]
    assert (first.arrival_s, first.start_s, first.end_s) == (10 * H, 10 * H, 10 * H + 600)
    assert nearest.days[0].leave_s == 10 * H - 600  # leaves late rather than wait at A
    assert nearest.days[0].return_s == 10 * H + 600 + 600 + 600 + 600 + 600 + 1800
    plan = plan_round(times, 600.0, opening, shifts, solver_time_limit_s=1, **args)
    assert plan.travel_s == 3600
    assert plan.violations == 0


def test_the_module_example_runs() -> None:
    result = doctest.testmod(rounds)
    assert result.attempted == 8
    assert result.failed == 0

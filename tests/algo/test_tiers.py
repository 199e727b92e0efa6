"""Tests of pingan.algo.tiers: ranking by tier and CAD-style response figures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pingan.algo.tiers import (
    STALE_POSITION,
    nearest_rank_percentile,
    rank_units,
    response_figures,
    response_figures_by,
    tier_of,
    unit_eligibility,
)
from pingan.errors import InvalidInput

# Six units and their road times (s) to one incident, worked out by hand on a
# small street grid: a key-unit post 40 s away, volunteers 75 s, a patrol car
# 150 s, a foot patrol 180 s (exactly on the tier-2 limit), special police 290 s,
# a station car 420 s.
IDS = ["post", "vol", "car", "foot", "special", "station"]
KINDS = [
    "key_unit_post",
    "volunteer_team",
    "patrol_car",
    "foot_patrol",
    "special_police",
    "patrol_car",
]
TIMES = np.array([40.0, 75.0, 150.0, 180.0, 290.0, 420.0])


def test_ranked_order_and_tiers_match_hand_times() -> None:
    # Shuffle the input: the ranking must come out by time, not input order.
    perm = [5, 2, 0, 4, 1, 3]
    r = rank_units(TIMES[perm], [IDS[i] for i in perm], [KINDS[i] for i in perm])
    assert [u.unit_id for u in r.ranked] == IDS
    assert [u.rank for u in r.ranked] == [1, 2, 3, 4, 5, 6]
    assert [u.tier for u in r.ranked] == [1, 2, 2, 2, 3, 4]
    assert [[u.unit_id for u in g] for g in r.by_tier] == [
        ["post"],
        ["vol", "car", "foot"],
        ["special"],
        ["station"],
    ]
    assert r.met == (True, True, True)
    assert r.unmet == ()
    assert r.best is not None
    assert r.best.unit_id == "post"
    assert r.best.travel_time_s == 40.0


def test_tier_not_met_when_nobody_within_limit() -> None:
    r = rank_units(np.array([75.0, 400.0]), ["a", "b"])
    assert r.met == (False, True, True)
    assert r.unmet == (1,)
    r = rank_units(np.array([301.0, 400.0]), ["a", "b"])
    assert r.met == (False, False, False)
    assert r.unmet == (1, 2, 3)
    assert [u.tier for u in r.ranked] == [4, 4]


def test_tier_kinds_restrict_which_units_meet_a_tier() -> None:
    # Tier 1 counts only posts and volunteers; a patrol car 50 s away does not meet it.
    times = np.array([50.0, 200.0])
    only_foot = (frozenset({"key_unit_post", "volunteer_team"}), None, None)
    r = rank_units(times, ["car", "vol"], ["patrol_car", "volunteer_team"], tier_kinds=only_foot)
    assert r.met == (False, True, True)
    assert [u.unit_id for u in r.ranked] == ["car", "vol"]


def test_stale_and_off_duty_units_are_never_recommended() -> None:
    statuses = ["available", "off_duty", "available", "en_route", "available", "unavailable"]
    ages = np.array([10.0, 5.0, 900.0, 5.0, np.nan, 1.0])
    eligible, reasons = unit_eligibility(statuses, ages, stale_after_s=300.0)
    assert eligible.tolist() == [True, False, False, False, False, False]
    assert reasons == (None, "off_duty", STALE_POSITION, "en_route", STALE_POSITION, "unavailable")

    r = rank_units(TIMES, IDS, KINDS, eligible=eligible, reasons=reasons)
    assert [u.unit_id for u in r.ranked] == ["post"]
    assert [(u.unit_id, u.reason) for u in r.ineligible] == [
        ("vol", "off_duty"),
        ("car", STALE_POSITION),
        ("foot", "en_route"),
        ("special", STALE_POSITION),
        ("station", "unavailable"),
    ]
    # The stale car is shown with its time but never counted for a tier.
    assert r.ineligible[1].travel_time_s == 150.0


def test_only_ineligible_units_within_tier_leave_it_unmet() -> None:
    # The only unit within 60 s is off duty: tier 1 is not met.
    r = rank_units(
        np.array([30.0, 170.0]),
        ["near", "far"],
        eligible=np.array([False, True]),
        reasons=["off_duty", None],
    )
    assert r.met == (False, True, True)
    assert [u.unit_id for u in r.ranked] == ["far"]
    assert r.ranked[0].rank == 1


def test_unreachable_units_rank_last_beyond_all_tiers() -> None:
    r = rank_units(np.array([np.inf, 250.0, np.nan]), ["island", "car", "ferry"])
    assert [u.unit_id for u in r.ranked] == ["car", "island", "ferry"]
    assert [u.tier for u in r.ranked] == [3, 4, 4]
    assert math.isinf(r.ranked[1].travel_time_s)
    assert rank_units(np.array([np.inf]), ["x"]).best is None


def test_ties_keep_input_order() -> None:
    r = rank_units(np.array([100.0, 60.0, 100.0]), ["b", "a", "c"])
    assert [u.unit_id for u in r.ranked] == ["a", "b", "c"]


def test_custom_tiers_per_district() -> None:
    r = rank_units(np.array([100.0, 200.0]), ["a", "b"], tiers_s=(120.0, 240.0))
    assert [u.tier for u in r.ranked] == [1, 2]
    assert len(r.by_tier) == 3
    assert tier_of(240.0, (120.0, 240.0)) == 2
    assert tier_of(240.5, (120.0, 240.0)) == 3


def test_rank_units_rejects_bad_input() -> None:
    with pytest.raises(InvalidInput, match="one travel time per unit"):
        rank_units(np.array([1.0, 2.0]), ["a"])
    with pytest.raises(InvalidInput, match="strictly increasing"):
        rank_units(np.array([1.0]), ["a"], tiers_s=(180.0, 60.0))
    with pytest.raises(InvalidInput, match=">= 0"):
        rank_units(np.array([-1.0]), ["a"])
    with pytest.raises(InvalidInput, match="unknown unit status"):
        unit_eligibility(["asleep"], [0.0], 60.0)


def test_nearest_rank_percentile_by_hand() -> None:
    # Ten values 10, 20, ..., 100: p90 rank ceil(9.0) = 9 -> 90; median rank 5 -> 50.
    values = np.arange(10.0, 101.0, 10.0)
    assert nearest_rank_percentile(values, 90) == 90.0
    assert nearest_rank_percentile(values, 50) == 50.0
    assert nearest_rank_percentile(values, 91) == 100.0  # rank ceil(9.1) = 10
    assert nearest_rank_percentile(values, 0) == 10.0
    assert nearest_rank_percentile(values, 100) == 100.0
    # The textbook example: 15, 20, 35, 40, 50 -> p30 = 20, p40 = 20, p50 = 35.
    five = [15.0, 20.0, 35.0, 40.0, 50.0]
    assert [nearest_rank_percentile(five, p) for p in (30, 40, 50, 100)] == [20, 20, 35, 50]
    # Same as numpy's inverted_cdf method.
    rng = np.random.default_rng(42)
    x = rng.lognormal(5.0, 0.5, size=37)
    for p in (10, 50, 90, 99):
        assert nearest_rank_percentile(x, p) == pytest.approx(
            np.percentile(x, p, method="inverted_cdf")
        )


def test_response_figures_by_hand() -> None:
    # Eight incidents, one without a recorded arrival.
    times = np.array([45.0, 200.0, 130.0, 60.0, 310.0, 170.0, np.nan, 250.0])
    f = response_figures(times)
    assert f.count == 7
    assert f.missing == 1
    # Sorted: 45, 60, 130, 170, 200, 250, 310.
    assert f.within == (2, 4, 6)
    assert f.share_within == pytest.approx((2 / 7, 4 / 7, 6 / 7))
    assert f.median_s == 170.0  # rank ceil(3.5) = 4
    assert f.p90_s == 310.0  # rank ceil(6.3) = 7
    assert f.mean_s == pytest.approx(1165.0 / 7)


def test_response_figures_even_count_median_is_lower_middle() -> None:
    f = response_figures(np.array([100.0, 40.0, 300.0, 200.0]))
    assert f.median_s == 100.0
    assert f.p90_s == 300.0
    assert f.share_within == (0.25, 0.5, 1.0)


def test_response_figures_empty() -> None:
    f = response_figures(np.array([np.nan]))
    assert f.count == 0
    assert f.missing == 1
    assert f.median_s is None
    assert all(math.isnan(s) for s in f.share_within)


def test_response_figures_grouped_by_station_and_shift() -> None:
    times = np.array([50.0, 100.0, 400.0, 170.0, 20.0])
    stations = ["north", "south", "north", "south", "north"]
    by_station = response_figures_by(times, stations)
    assert list(by_station) == ["north", "south"]
    assert by_station["north"].count == 3
    assert by_station["north"].within == (2, 2, 2)
    assert by_station["north"].median_s == 50.0
    assert by_station["north"].p90_s == 400.0
    assert by_station["south"].within == (0, 2, 2)
    assert by_station["south"].median_s == 100.0
    shifts = ["day", "day", "night", "night", "night"]
    by_both = response_figures_by(times, list(zip(stations, shifts, strict=True)))
    assert by_both[("north", "night")].count == 2
    assert by_both[("north", "night")].share_within == (0.5, 0.5, 0.5)


def test_ranking_on_the_tiny_road_network(tiny_graphs, tiny_node) -> None:
    # Road times to an incident at A on the tiny car network (see tests/algo/conftest.py),
    # whose car graph has the nodes A, B, C, D and 30 km/h residential steps of 13.34 s:
    # B -> A one step; C -> B -> A two steps (26.69 s); D -> E -> C -> B -> A four steps
    # (53.37 s: the B -> D primary is one-way and A -> D is a footway).
    from pingan.algo.routing import times_to

    step = 13.343410
    car = tiny_graphs["car"]
    a, b, c, d = (tiny_node(car, n) for n in "ABCD")
    to_a = times_to(car, a)
    r = rank_units(to_a[[d, c, b]], ["at D", "at C", "at B"], tiers_s=(15.0, 30.0, 60.0))
    assert [u.unit_id for u in r.ranked] == ["at B", "at C", "at D"]
    assert [u.tier for u in r.ranked] == [1, 2, 3]
    assert [u.travel_time_s for u in r.ranked] == pytest.approx(
        [step, 2 * step, 4 * step], abs=1e-5
    )
    r = rank_units(to_a[[d, c, b]], ["at D", "at C", "at B"])  # default 60/180/300 s
    assert [u.tier for u in r.ranked] == [1, 1, 1]

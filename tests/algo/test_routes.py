"""Tests of pingan.algo.routes on hand-checked tiny cases."""

from __future__ import annotations

import numpy as np
import pytest

from pingan.algo.routes import assign_hotspots, plan_patrol_routes, routes_geojson
from pingan.errors import InvalidInput


def line_times(n: int) -> np.ndarray:
    # Places 0..n-1 on a street, 100 s apart.
    pos = np.arange(n, dtype=float)
    return np.abs(pos[:, None] - pos[None, :]) * 100.0


def test_loop_with_dwell_by_hand() -> None:
    (route,) = plan_patrol_routes(line_times(4), posts=[0], hotspots=[3, 1, 2], shift_s=3 * 3600)
    assert route.stops == (1, 2, 3)
    assert route.arrival_s == (100.0, 1100.0, 2100.0)
    assert route.departure_s == (1000.0, 2000.0, 3000.0)
    assert route.return_s == 3300.0
    assert route.travel_s == 600.0
    assert route.dwell_s == 2700.0
    assert route.dropped == ()


def test_shift_is_respected_by_dropping_a_hot_spot() -> None:
    # All three need 3300 s; in 2500 s the cheapest loop with two spots is 1, 2 (2200 s).
    (route,) = plan_patrol_routes(line_times(4), posts=[0], hotspots=[1, 2, 3], shift_s=2500)
    assert route.stops == (1, 2)
    assert route.dropped == (3,)
    assert route.return_s == 2200.0
    assert route.return_s <= 2500


def test_per_spot_dwell_and_two_groups() -> None:
    # Posts at 0 and 5; spots 1, 2 are nearer 0, spots 4 nearer 5.
    routes = plan_patrol_routes(
        line_times(6), posts=[0, 5], hotspots=[1, 2, 4], dwell_s=[600.0, 300.0, 60.0]
    )
    assert [r.stops for r in routes] == [(1, 2), (4,)]
    assert routes[0].return_s == 400.0 + 900.0
    assert routes[1].arrival_s == (100.0,)
    assert routes[1].departure_s == (160.0,)


def test_assignment_nearest_and_balanced() -> None:
    times = np.array([[10.0, 20.0, 30.0], [100.0, 90.0, 80.0]])
    assert assign_hotspots(times, balanced=False).tolist() == [0, 0, 0]
    # At most two per post: the spot with the smallest extra cost (30 -> 80) moves.
    assert assign_hotspots(times, balanced=True).tolist() == [0, 0, 1]


def test_geojson_lines_follow_the_loop() -> None:
    routes = plan_patrol_routes(line_times(3), posts=[0], hotspots=[2])
    lon = np.array([10.0, 11.0, 12.0, 13.0])
    lat = np.array([60.0, 60.0, 60.0, 60.0])
    # Places 0..2 are graph nodes 0, 2, 3; the road from 0 to 3 passes node 1.
    paths = {(0, 3): [0, 1, 3], (3, 0): [3, 1, 0]}
    collection = routes_geojson(routes, [0, 2, 3], lon, lat, path=lambda a, b: paths[(a, b)])
    loop, stop = collection["features"]
    assert loop["geometry"]["coordinates"] == [
        [10.0, 60.0],
        [11.0, 60.0],
        [13.0, 60.0],
        [11.0, 60.0],
        [10.0, 60.0],
    ]
    assert stop["properties"]["arrival_s"] == 200.0


def test_bad_assignment_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="a group for each hot spot"):
        plan_patrol_routes(line_times(3), posts=[0], hotspots=[1, 2], assignment=[0])

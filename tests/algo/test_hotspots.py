"""Hot-spot models and their evaluation, checked by hand on tiny grids."""

from __future__ import annotations

import numpy as np
import pytest

from pingan.algo import hotspots as hs
from pingan.errors import InvalidInput

DAY_H = 24.0
WEEK_H = 7 * DAY_H
T0 = hs.to_hours(np.datetime64("2021-01-01"))


def row_grid(n: int = 10, cell_m: float = 100.0) -> hs.Grid:
    """One row of ``n`` study cells of ``cell_m`` in UTM 17N, origin (600 km, 4800 km)."""
    return hs.grid_from_cells(32617, 600_000.0, 4_800_000.0, cell_m, (1, n), np.arange(n))


def events_in_cells(grid: hs.Grid, cells: list[int], times_h: list[float]) -> hs.Events:
    x = grid.origin_x_m + (np.asarray(cells) + 0.5) * grid.cell_m
    y = np.full(len(cells), grid.origin_y_m + grid.cell_m / 2)
    order = np.argsort(times_h, kind="stable")
    return hs.Events(
        np.asarray(times_h, dtype=float)[order],
        x[order],
        y[order],
        grid.cell_index(x, y)[order],
        np.array(["Assault"] * len(cells))[order],
    )


@pytest.fixture
def history_and_week() -> tuple[hs.Grid, hs.Events]:
    grid = row_grid()
    past = [0, 0, 0, 1, 1, 2]  # cell 0: 3 events, cell 1: 2, cell 2: 1 (during 2020)
    week = [0, 0, 1, 5, 5, 5]  # the forecast week: cell 0: 2, cell 1: 1, cell 5: 3
    times = [T0 - 100 * DAY_H] * len(past) + [T0 + 24.0 * (i + 1) for i in range(len(week))]
    return grid, events_in_cells(grid, past + week, times)


def test_grid_locates_points_and_draws_cells() -> None:
    grid = row_grid(3)
    x = np.array([600_050.0, 600_250.0, 600_350.0, 599_999.0])
    y = np.full(4, 4_800_050.0)
    assert grid.cell_index(x, y).tolist() == [0, 2, -1, -1]
    assert grid.polygons_lonlat.shape == (3, 5, 2)
    assert grid.centroids_lonlat[0] == pytest.approx(grid.polygons_lonlat[0, :4].mean(axis=0))


def test_make_grid_keeps_only_cells_with_events() -> None:
    lon = np.array([-79.40, -79.40, -79.30])
    lat = np.array([43.65, 43.6501, 43.70])
    grid = hs.make_grid(lon, lat, 150.0)
    assert grid.epsg == 32617  # Toronto is in UTM zone 17 north
    assert grid.n_cells == 2


def test_hit_rate_pai_pei_by_hand(history_and_week: tuple[hs.Grid, hs.Events]) -> None:
    grid, events = history_and_week
    result = hs.evaluate_forecasts(
        events, grid, T0, T0 + WEEK_H, WEEK_H, {"naive": ("naive", {})}, coverages=(0.1, 0.2)
    )
    assert result.n_events == 6
    assert result.n_cells == 10
    one = result.row("naive", 0.1)  # flags cell 0: 2 of the 6 events
    assert (one.cells, one.hits) == (1, 2)
    assert one.hit_rate == pytest.approx(2 / 6)
    assert one.pai == pytest.approx((2 / 6) / 0.1)
    assert one.pei == pytest.approx(2 / 3)  # the window's best cell (cell 5) holds 3
    two = result.row("naive", 0.2)  # cells 0 and 1: 3 of 6; the best two cells hold 5
    assert (two.hits, two.hit_rate, two.pai, two.pei) == (3, 0.5, 2.5, pytest.approx(3 / 5))
    oracle = result.row("oracle", 0.2)
    assert (oracle.hits, oracle.pei) == (5, 1.0)


def test_hits_are_summed_over_windows() -> None:
    grid = row_grid()
    events = events_in_cells(
        grid, [3, 3, 4, 3], [T0 - DAY_H, T0 + DAY_H, T0 + WEEK_H + DAY_H, T0 + WEEK_H + 2 * DAY_H]
    )
    result = hs.evaluate_forecasts(
        events, grid, T0, T0 + 2 * WEEK_H, WEEK_H, {"naive": ("naive", {})}, coverages=(0.1,)
    )
    row = result.row("naive", 0.1)
    # week 1: cell 3 flagged, catches its 1 event; week 2: cell 3 still flagged, catches 1 of 2
    assert (row.hits, row.events, row.oracle_hits) == (2, 3, 2)
    assert len(result.windows) == 2
    assert result.row("oracle", 0.1).hits == 2  # the fixed map: cell 3 (2 events)


@pytest.mark.parametrize("model", hs.MODELS)
def test_no_lookahead(model: str, history_and_week: tuple[hs.Grid, hs.Events]) -> None:
    grid, events = history_and_week
    at = T0 + 2 * DAY_H  # two events of the week are already known, four are not
    with_future = hs.forecast_hotspots(events, grid, at, WEEK_H, model)
    without = hs.forecast_hotspots(events.before(at), grid, at, WEEK_H, model)
    np.testing.assert_array_equal(with_future, without)
    assert with_future.shape == (10,)


def test_naive_counts_the_window_only() -> None:
    grid = row_grid()
    events = events_in_cells(grid, [1, 1, 2], [T0 - 400 * DAY_H, T0 - 10 * DAY_H, T0 - DAY_H])
    scores = hs.forecast_hotspots(events, grid, T0, WEEK_H, "naive", {"window_days": 365})
    assert scores.tolist() == [0, 1, 1, 0, 0, 0, 0, 0, 0, 0]


def test_decay_halves_each_half_life() -> None:
    grid = row_grid()
    events = events_in_cells(grid, [1, 2], [T0 - 30 * DAY_H, T0 - 60 * DAY_H])
    scores = hs.forecast_hotspots(events, grid, T0, WEEK_H, "decay", {"half_life_days": 30})
    assert scores[1:3] == pytest.approx([0.5, 0.25])


def test_prospective_weights_by_hand() -> None:
    grid = row_grid(10)
    # one event in cell 2, 8 days old (1 whole week): weight 1/2; distance d cells: 1/(1+d)
    events = events_in_cells(grid, [2], [T0 - 8 * DAY_H])
    scores = hs.forecast_hotspots(events, grid, T0, WEEK_H, "prospective", {"radius_m": 400})
    expected = [0.5 / (1 + abs(c - 2)) if abs(c - 2) <= 4 else 0.0 for c in range(10)]
    assert scores == pytest.approx(expected, abs=1e-9)


def test_kde_spreads_one_event_symmetrically() -> None:
    grid = hs.grid_from_cells(32617, 600_000.0, 4_800_000.0, 100.0, (9, 9), np.arange(81))
    events = events_in_cells(grid, [0], [T0 - DAY_H])
    centre = grid.cell_index(np.array([600_450.0]), np.array([4_800_450.0]))
    events = hs.Events(
        events.time_h, np.array([600_450.0]), np.array([4_800_450.0]), centre, events.type
    )
    scores = hs.forecast_hotspots(events, grid, T0, WEEK_H, "kde", {"bandwidth_m": 100}).reshape(
        9, 9
    )
    assert scores.sum() == pytest.approx(1.0, abs=1e-3)  # all mass stays inside the 900 m box
    assert scores[4, 4] == scores.max()
    assert scores[4, 3] == pytest.approx(scores[4, 5])
    assert scores[3, 4] == pytest.approx(scores[5, 4])


def test_best_is_a_rate_per_day_per_type() -> None:
    grid = row_grid()
    events = events_in_cells(grid, [4], [T0 - 365 * DAY_H])
    params = {"half_life_days": {"Assault": 365.0}, "short_weight": 0.0, "max_days": 730.0}
    scores = hs.forecast_hotspots(events, grid, T0, WEEK_H, "best", params)
    # one event one half-life old: weight 1/2; history spans 365 days: norm 365/ln2 * (1 - 1/2)
    assert scores[4] == pytest.approx(0.5 / (365 / np.log(2) * 0.5))


def test_sepp_without_repeats_is_all_background() -> None:
    grid = row_grid(10, cell_m=1000.0)
    cells = [0, 3, 6, 9]
    events = events_in_cells(grid, cells, [T0 - 300 * DAY_H + 50 * DAY_H * i for i in range(4)])
    fit = hs.fit_sepp(grid, events, T0 - 365 * DAY_H, T0)
    assert fit.theta == 0.0  # no pair within 500 m: nothing can be triggered
    assert fit.background_per_day[cells] == pytest.approx([1 / 365] * 4)


def test_sepp_finds_triggering_in_a_burst() -> None:
    rng = np.random.default_rng(42)
    grid = row_grid(20, cell_m=200.0)
    # background: one event every ~3 days spread over the row; plus bursts of 5 events in 2 days
    base_t = np.sort(rng.uniform(0, 365, 120))
    base_c = rng.integers(0, 20, 120)
    burst_t = np.concatenate([s + np.sort(rng.uniform(0, 2, 5)) for s in (50, 150, 250)])
    burst_c = np.repeat([4, 11, 16], 5)
    times = T0 - 365 * DAY_H + np.concatenate([base_t, burst_t]) * DAY_H
    events = events_in_cells(grid, [*base_c, *burst_c], list(times))
    fit = hs.fit_sepp(grid, events, T0 - 365 * DAY_H, T0)
    assert 0.03 < fit.theta < 0.5
    assert fit.omega_per_day > 0.1  # triggered events follow within days, not months


def test_unknown_model_is_refused() -> None:
    grid = row_grid()
    with pytest.raises(InvalidInput, match="unknown model 'magic'"):
        hs.forecast_hotspots(events_in_cells(grid, [1], [T0]), grid, T0, WEEK_H, "magic")

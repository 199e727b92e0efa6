"""Empirical-Bayes shrinkage of cell rates, on real Toronto MCI incidents (tests/data sample)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from pingan.algo import hotspots as hs
from pingan.algo.hotspots.shrinkage import (
    moment_shape,
    neighbourhood_mean,
    shrink,
    shrunk_forecast,
    type_rates,
)
from pingan.analytics.io import parse_incidents_csv
from pingan.errors import InvalidInput

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "toronto_mci_sample.csv"
AT = hs.to_hours(np.array([np.datetime64("2021-06-07")]))[0]


@pytest.fixture(scope="module")
def toronto() -> tuple[hs.Grid, hs.Events]:
    table = parse_incidents_csv([SAMPLE.read_text(encoding="utf-8")], "toronto-mci")
    grid = hs.make_grid(table.lon, table.lat, 150.0)
    return grid, hs.events_on_grid(grid, table.time_h(), table.lon, table.lat, table.type)


def assault_rates(grid: hs.Grid, events: hs.Events) -> tuple[np.ndarray, float, np.ndarray]:
    past = events.before(AT)
    span_days = (AT - float(past.time_h[0])) / 24.0
    own, exposure = type_rates(grid, past.of_types(["Assault"]), AT, 182.0, span_days)
    return own, exposure, neighbourhood_mean(grid, own, 2)


def test_neighbourhood_mean_is_the_mean_of_the_study_cells_around(
    toronto: tuple[hs.Grid, hs.Events],
) -> None:
    grid, events = toronto
    own, _, prior = assault_rates(grid, events)
    rows, cols = np.divmod(grid.cells, grid.shape[1])
    for i in (0, int(np.argmax(own)), grid.n_cells - 1):
        near = (np.abs(rows - rows[i]) <= 2) & (np.abs(cols - cols[i]) <= 2)
        assert prior[i] == pytest.approx(own[near].mean())


def test_shrunk_rates_lie_between_own_and_neighbourhood(
    toronto: tuple[hs.Grid, hs.Events],
) -> None:
    grid, events = toronto
    own, exposure, prior = assault_rates(grid, events)
    shape = moment_shape(own, prior, exposure)
    assert 0 < shape < math.inf  # real crime counts are overdispersed
    post = shrink(own, prior, exposure, shape)
    lo, hi = np.minimum(own, prior), np.maximum(own, prior)
    assert np.all(post >= lo - 1e-15)
    assert np.all(post <= hi + 1e-15)
    moved = own != prior
    assert np.all((post != own)[moved & (prior > 0)])  # every cell with neighbours is shrunk
    # a cell without assaults whose neighbourhood has some gets a positive rate below it
    quiet = (own == 0) & (prior > 0)
    assert quiet.any()
    assert np.all(post[quiet] > 0)
    assert np.all(post[quiet] < prior[quiet])
    # busier neighbourhoods carry more evidence: the cell keeps more of its own rate
    w = (post[moved] - prior[moved]) / (own[moved] - prior[moved])
    order = np.argsort(prior[moved])
    assert np.all(np.diff(w[order]) >= -1e-12)


def test_no_history_gets_the_neighbourhood_rate_and_no_prior_keeps_its_own(
    toronto: tuple[hs.Grid, hs.Events],
) -> None:
    grid, events = toronto
    own, exposure, prior = assault_rates(grid, events)
    assert shrink(own, prior, 0.0, 2.0) == pytest.approx(prior)
    assert shrink(own, prior, exposure, math.inf) == pytest.approx(prior)
    assert shrink(own, prior, exposure, 0.0) == pytest.approx(own)


def test_without_shrinkage_the_forecast_is_the_best_model(
    toronto: tuple[hs.Grid, hs.Events],
) -> None:
    grid, events = toronto
    plain = shrunk_forecast(grid, events, AT, {"shape_scale": 0.0})
    best = hs.forecast_hotspots(events, grid, AT, 7 * 24.0, "best")
    assert plain == pytest.approx(best)
    shrunk = shrunk_forecast(grid, events, AT, {})
    assert shrunk.shape == (grid.n_cells,)
    assert np.all(shrunk >= 0)
    assert shrunk.sum() == pytest.approx(best.sum(), rel=0.5)
    # events on or after the forecast time are never seen
    assert shrunk_forecast(grid, events.before(AT), AT, {}) == pytest.approx(shrunk)
    with pytest.raises(InvalidInput):
        shrunk_forecast(grid, events, AT, {"shape_scale": -1.0})

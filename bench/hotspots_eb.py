"""Issue 19, forecasts: empirical-Bayes shrinkage beside naive counts and ``best``, one run.

    .venv/bin/python bench/hotspots_eb.py [--cache DIR]

Same data, grid and protocol as bench/hotspots.py (it reuses its loader). ``naive`` (365-day
counts) and ``best`` (the settings chosen on H2 2020 in issue 7, ``hs.BEST_DEFAULTS``) are not
re-tuned. The shrinkage model's two settings (neighbourhood radius in cells, multiplier of the
moment-estimated gamma shape) are chosen on the weekly windows of 2020-07-01 … 2020-12-31 only
(objective: hit rate at 1 % + at 5 %), then all three are scored on 2021 (53 weekly windows) and
on the untouched period registered in bench/RESULTS.md before looking: the summer of 2019, 13
weekly windows from Monday 2019-06-03. Prints only; RESULTS.md is edited by hand.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from hotspots import WEEK_H, hours, load_toronto
from pingan.algo import hotspots as hs
from pingan.algo.hotspots.models import cell_counts
from pingan.algo.hotspots.shrinkage import shrunk_forecast

Model = Callable[[hs.Events, float], hs.FloatArray]
COVERAGES = (0.01, 0.05)


def evaluate(
    events: hs.Events, grid: hs.Grid, start_h: float, end_h: float, models: Mapping[str, Model]
) -> tuple[dict[str, list[float]], int, int]:
    """Hit rate at each of COVERAGES per model, summed over weekly windows; events; windows."""
    ks = [hs.flagged_cells(grid.n_cells, f) for f in COVERAGES]
    hits = {label: np.zeros(len(ks)) for label in models}
    total = 0
    starts = np.arange(start_h, end_h, WEEK_H)
    for t0 in starts:
        t1 = min(t0 + WEEK_H, end_h)
        outcome = cell_counts(grid, events.between(t0, t1))
        total += int(outcome.sum())
        history = events.before(t0)
        for label, fn in models.items():
            order = hs.top_cells(fn(history, t0), max(ks))
            hits[label] += [outcome[order[:k]].sum() for k in ks]
    return {k: list(v / max(total, 1)) for k, v in hits.items()}, total, len(starts)


def toronto_on_grid(description: str) -> tuple[hs.Events, hs.Grid]:
    """Parse ``--cache``, load the Toronto records and put them on the 150 m study grid."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/pingan/wheels")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    data = load_toronto(args.cache)
    grid = hs.make_grid(data.lon, data.lat, 150.0)
    events = hs.events_on_grid(grid, data.time_h(), data.lon, data.lat, data.type)
    print(f"{len(data)} incidents, {grid.n_cells} study cells, raster {grid.shape}")
    return events, grid


def fixed_model(grid: hs.Grid, model: str, params: Mapping[str, object]) -> Model:
    """One of pingan's forecast models with fixed settings, for a week ahead."""
    return lambda ev, at: hs.forecast_hotspots(ev, grid, at, WEEK_H, model, params)


def main() -> None:
    events, grid = toronto_on_grid(__doc__.splitlines()[0])

    def fixed(model: str, params: Mapping[str, object]) -> Model:
        return fixed_model(grid, model, params)

    def eb(params: Mapping[str, object]) -> Model:
        return lambda ev, at: shrunk_forecast(grid, ev, at, params)

    naive = fixed("naive", {"window_days": 365.0})
    best = fixed("best", hs.BEST_DEFAULTS)
    val = (hours("2020-07-01"), hours("2021-01-01"))
    tic = time.perf_counter()
    cands = {
        (r, s): eb({"radius_cells": float(r), "shape_scale": s})
        for r in (1, 2, 4)
        for s in (0.25, 1.0, 4.0)
    }
    rates, _, _ = evaluate(
        events, grid, *val, {"best": best, **{str(k): v for k, v in cands.items()}}
    )
    for label, (one, five) in rates.items():
        print(f"  H2 2020 {label}: {one * 100:.2f}% / {five * 100:.2f}%")
    chosen = max(cands, key=lambda k: sum(rates[str(k)]))
    print(
        f"chosen on H2 2020 (radius_cells, shape_scale) = {chosen} in "
        f"{time.perf_counter() - tic:.0f} s"
    )
    models = {"naive": naive, "best": best, "eb": cands[chosen]}
    periods = {
        "2021": (hours("2021-01-01"), hours("2022-01-01")),
        "summer 2019": (hours("2019-06-03"), hours("2019-09-02")),
    }
    for name, (t0, t1) in periods.items():
        rates, n, windows = evaluate(events, grid, t0, t1, models)
        print(f"{name}: {windows} weekly windows, {n} events")
        for label, (one, five) in rates.items():
            ratio = five / rates["naive"][1]
            print(
                f"  {label}: 1% {one * 100:.2f}%  5% {five * 100:.2f}%  ({ratio:.3f}x naive at 5%)"
            )


if __name__ == "__main__":
    main()

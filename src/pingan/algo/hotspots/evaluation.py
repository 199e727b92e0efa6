"""Rolling evaluation of hot-spot forecasts: hit rate, PAI and PEI per coverage."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pingan.algo.hotspots.grid import Events, FloatArray, Grid, IntArray
from pingan.algo.hotspots.models import cell_counts, forecast_hotspots
from pingan.errors import InvalidInput

DEFAULT_COVERAGES: tuple[float, ...] = (0.005, 0.01, 0.05, 0.1)


@dataclass(frozen=True)
class EvaluationRow:
    """Hit rate, PAI and PEI of one model at one coverage, summed over all windows.

    ``hit_rate`` and ``coverage`` are fractions (0.05 = 5 %).
    """

    model: str
    coverage: float
    cells: int
    hits: int
    events: int
    oracle_hits: int
    hit_rate: float
    pai: float
    pei: float


@dataclass(frozen=True)
class Evaluation:
    """Result of :func:`evaluate_forecasts`.

    Attributes
    ----------
    rows
        One row per (model, coverage), in the order of the models asked, then ``oracle``.
    windows
        ``(start_h, end_h)`` of each forecast window.
    n_events
        Events in the evaluation period inside the study cells.
    n_cells
        Study cells (the denominator of area shares).
    seconds
        Mean wall time of one forecast, per model.
    """

    rows: tuple[EvaluationRow, ...]
    windows: tuple[tuple[float, float], ...]
    n_events: int
    n_cells: int
    seconds: Mapping[str, float]

    def row(self, model: str, coverage: float) -> EvaluationRow:
        """Return the row of ``model`` at ``coverage``."""
        for r in self.rows:
            if r.model == model and math.isclose(r.coverage, coverage):
                return r
        raise InvalidInput(f"no row for {model} at {coverage}")


def flagged_cells(n_cells: int, coverage: float) -> int:
    """Count the cells flagged at ``coverage`` (a fraction): ``round(coverage * n_cells)``."""
    return max(1, round(coverage * n_cells))


def top_cells(scores: FloatArray, k: int) -> IntArray:
    """Return the indices of the ``k`` highest scores, ties broken by lower index."""
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    return np.asarray(order[:k], dtype=np.int64)


def evaluate_forecasts(
    events: Events,
    grid: Grid,
    start_h: float,
    end_h: float,
    horizon_h: float,
    models: Mapping[str, tuple[str, Mapping[str, object]]],
    *,
    coverages: Sequence[float] = DEFAULT_COVERAGES,
    on_window: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Evaluate on rolling windows: forecast each from the events before it only.

    Parameters
    ----------
    events
        All events on ``grid`` (history and evaluation period alike).
    start_h, end_h
        Evaluation period, hours since 1970-01-01; windows of ``horizon_h`` start at ``start_h``,
        the last one is cut at ``end_h``.
    models
        Label → ``(model, params)`` for :func:`forecast_hotspots`.
    coverages
        Area shares (fractions of the study cells) at which hits are counted.
    on_window
        Called with ``(window index, number of windows)`` after each window (progress).

    Returns
    -------
    Evaluation
        Rows for each model and an ``oracle`` row (best fixed map for ``[start_h, end_h)``).
    """
    if not end_h > start_h:
        raise InvalidInput("the evaluation period is empty", field="to")
    if not horizon_h > 0:
        raise InvalidInput("horizon must be positive", field="horizon")
    if any(not 0 < f <= 1 for f in coverages):
        raise InvalidInput("coverages must be fractions in (0, 1]", field="coverages")
    n = grid.n_cells
    ks = [flagged_cells(n, f) for f in coverages]
    starts = np.arange(start_h, end_h, horizon_h)
    windows = tuple((float(s), float(min(s + horizon_h, end_h))) for s in starts)
    hits = {label: np.zeros(len(ks), dtype=np.int64) for label in models}
    oracle_hits = np.zeros(len(ks), dtype=np.int64)
    seconds = dict.fromkeys(models, 0.0)
    total = 0
    window_counts = []
    for w, (t0, t1) in enumerate(windows):
        outcome = cell_counts(grid, events.between(t0, t1)).astype(np.int64)
        window_counts.append(outcome)
        total += int(outcome.sum())
        best_sorted = np.sort(outcome)[::-1]
        oracle_hits += np.array([best_sorted[:k].sum() for k in ks], dtype=np.int64)
        history = events.before(t0)
        for label, (model, params) in models.items():
            tic = time.perf_counter()
            scores = forecast_hotspots(history, grid, t0, t1 - t0, model, params)
            seconds[label] += time.perf_counter() - tic
            order = top_cells(scores, max(ks))
            hits[label] += np.array([outcome[order[:k]].sum() for k in ks], dtype=np.int64)
        if on_window is not None:
            on_window(w, len(windows))
    period = np.sum(window_counts, axis=0) if window_counts else np.zeros(n, dtype=np.int64)
    fixed = top_cells(period.astype(float), max(ks))
    fixed_hits = {"oracle": np.array([period[fixed[:k]].sum() for k in ks], dtype=np.int64)}
    rows: list[EvaluationRow] = []
    for label, h in {**hits, **fixed_hits}.items():
        for i, (f, k) in enumerate(zip(coverages, ks, strict=True)):
            rate = float(h[i]) / total if total else 0.0
            rows.append(
                EvaluationRow(
                    model=label,
                    coverage=float(f),
                    cells=k,
                    hits=int(h[i]),
                    events=total,
                    oracle_hits=int(oracle_hits[i]),
                    hit_rate=rate,
                    pai=rate / (k / n),
                    pei=float(h[i]) / float(oracle_hits[i]) if oracle_hits[i] else 0.0,
                )
            )
    per_forecast = {label: s / max(len(windows), 1) for label, s in seconds.items()}
    return Evaluation(tuple(rows), windows, total, n, per_forecast)

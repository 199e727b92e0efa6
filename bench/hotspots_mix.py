"""Issue 19, forecasts: the two models the record had not tried, beside naive and ``best``.

    .venv/bin/python bench/hotspots_mix.py [--cache DIR]

Same data, grid and protocol as bench/hotspots.py and bench/hotspots_eb.py (weekly windows,
each forecast sees only events before its window; hit rate at 1 % and 5 % of the area).

- ``mix``: each cell's long-run rate (365 days) and recent rate (the last ``recent_days``)
  mixed by the cell's own evidence: weight ``n / (n + k)`` on the recent rate, ``n`` the
  cell's recent count. A cell with much recent crime follows it; a quiet one keeps its
  long-run rate. ``recent_days`` and ``k`` are chosen on H2 2020 only.
- ``ensemble`` (and ``ens. pick``, all the weight on the member with the best rolling
  score): per crime type, the forecasts of ``naive``, ``best`` and the chosen ``mix``,
  each normalised, weighted by that model's hit rate at 5 % on that type over the previous
  eight weekly windows (a rolling validation score, nothing from the future), scaled by the
  type's share of the last 365 days, summed over types.

Then both are scored once on 2021 and on the untouched period registered in RESULTS.md
(summer 2019). Premise-type marks are not tried: the wheel's tables hold no premise column
that ``parse_incidents_csv`` keeps. Prints only; RESULTS.md is edited by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import numpy as np

from hotspots import WEEK_H, hours
from hotspots_eb import COVERAGES, evaluate, fixed_model, toronto_on_grid
from pingan.algo import hotspots as hs
from pingan.algo.hotspots.models import cell_counts

Model = Callable[[hs.Events, float], hs.FloatArray]
DAY_H = 24.0
LOOKBACK = 8


def mixed(grid: hs.Grid, recent_days: float, k: float) -> Model:
    def forecast(history: hs.Events, at: float) -> hs.FloatArray:
        long = cell_counts(grid, history.between(at - 365 * DAY_H, at)) / 365.0
        counts = cell_counts(grid, history.between(at - recent_days * DAY_H, at))
        weight = counts / (counts + k)
        return np.asarray((1 - weight) * long + weight * counts / recent_days, dtype=float)

    return forecast


def ensemble_rates(
    events: hs.Events,
    grid: hs.Grid,
    start_h: float,
    end_h: float,
    members: Mapping[str, Model],
    *,
    pick: bool = False,
) -> tuple[list[float], dict[str, float]]:
    """Hit rates of the per-type rolling-weighted ensemble; mean weight per member.
    ``pick``: all the weight on the member with the best rolling score (ties: the first)."""
    types = sorted(set(events.type.tolist()))
    ks = [hs.flagged_cells(grid.n_cells, f) for f in COVERAGES]
    k5 = ks[-1]
    # per (type, member): hits at 5 % of that type's events in each past window
    scores: dict[tuple[str, str], list[float]] = {(t, m): [] for t in types for m in members}
    hits = np.zeros(len(ks))
    total = 0
    used: dict[str, list[float]] = {m: [] for m in members}
    first = start_h - LOOKBACK * WEEK_H
    for t0 in np.arange(first, end_h, WEEK_H):
        t1 = min(t0 + WEEK_H, end_h)
        window = events.between(t0, t1)
        history = events.before(t0)
        year = history.between(t0 - 365 * DAY_H, t0)
        combined = np.zeros(grid.n_cells)
        for t in types:
            mine = history.take(history.type == t)
            outcome_t = cell_counts(grid, window.take(window.type == t))
            share = float((year.type == t).sum())
            forecasts = {m: fn(mine, t0) for m, fn in members.items()}
            past = {m: scores[(t, m)][-LOOKBACK:] for m in members}
            raw = {m: (float(np.mean(past[m])) if past[m] else 1.0) for m in members}
            if pick:
                top = max(raw, key=lambda m: raw[m])
                raw = {m: float(m == top) for m in raw}
            norm = sum(raw.values()) or 1.0
            for m, f in forecasts.items():
                weight = raw[m] / norm
                used[m].append(weight)
                combined += share * weight * f / max(float(f.sum()), 1e-12)
                order = hs.top_cells(f, k5)
                scores[(t, m)].append(outcome_t[order].sum() / max(outcome_t.sum(), 1))
        if t0 < start_h:
            continue
        outcome = cell_counts(grid, window)
        total += int(outcome.sum())
        order = hs.top_cells(combined, max(ks))
        hits += [outcome[order[:k]].sum() for k in ks]
    return list(hits / max(total, 1)), {m: float(np.mean(w)) for m, w in used.items()}


def main() -> None:
    events, grid = toronto_on_grid(__doc__.splitlines()[0])
    naive = fixed_model(grid, "naive", {"window_days": 365.0})
    best = fixed_model(grid, "best", hs.BEST_DEFAULTS)
    val = (hours("2020-07-01"), hours("2021-01-01"))
    tic = time.perf_counter()
    cands = {
        (r, k): mixed(grid, r, k)
        for r in (28.0, 56.0, 112.0)
        for k in (1.0, 3.0, 10.0, 30.0, 100.0)
    }
    rates, _, _ = evaluate(
        events, grid, *val, {"best": best, **{f"mix {r:g} {k:g}": v for (r, k), v in cands.items()}}
    )
    for label, (one, five) in rates.items():
        print(f"  H2 2020 {label:>12}: {one:.2%} / {five:.2%}  (objective {one + five:.4f})")
    chosen = max((x for x in rates if x.startswith("mix")), key=lambda x: sum(rates[x]))
    _, r, k = chosen.split()
    mix = mixed(grid, float(r), float(k))
    print(f"chosen on H2 2020: {chosen} ({time.perf_counter() - tic:.0f} s)")
    members = {"naive": naive, "best": best, "mix": mix}
    for pick in (False, True):
        ens_val, _ = ensemble_rates(events, grid, *val, members, pick=pick)
        label = "ens. pick" if pick else "ensemble"
        print(f"  H2 2020 {label:>12}: {ens_val[0]:.2%} / {ens_val[1]:.2%}")

    periods = {
        "2021": (hours("2021-01-01"), hours("2022-01-01")),
        "summer 2019": (hours("2019-06-03"), hours("2019-09-02")),
    }
    for name, (t0, t1) in periods.items():
        scored, total, windows = evaluate(
            events, grid, t0, t1, {"naive": naive, "best": best, "mix": mix}
        )
        ens, weights = ensemble_rates(events, grid, t0, t1, members)
        scored["ensemble"] = ens
        scored["ens. pick"], picked = ensemble_rates(events, grid, t0, t1, members, pick=True)
        print(f"{name}: {windows} windows, {total} events")
        for label, (one, five) in scored.items():
            ratio = five / scored["naive"][1]
            print(f"  {label:>9}: 1% {one:.2%}  5% {five:.2%}  5%/naive {ratio:.3f}×")
        print("  ensemble mean weights:", {m: round(w, 3) for m, w in weights.items()})
        print("  ens. pick: share of picks:", {m: round(w, 3) for m, w in picked.items()})
    print(f"{time.perf_counter() - tic:.0f} s in all")


if __name__ == "__main__":
    main()

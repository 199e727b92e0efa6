"""Near-repeat analysis: the Knox test with Monte Carlo permutations.

Every pair of events is put in one space band and one time band by its distance ``d`` (metres)
and its time lag ``dt`` (days, absolute). With edges ``e_0 = 0 < e_1 < ... < e_k`` the bands are
the half-open intervals

    band 0 = [0, e_1],  band 1 = (e_1, e_2],  ...,  band k-1 = (e_{k-1}, e_k],
    band k = (e_k, inf)  ("beyond"),

so every pair falls in exactly one band, the first one holding the pairs at distance or lag 0,
and bands of equal width cover equal stretches of distance or time. Ratcliffe's Near Repeat
Calculator labels its time bands in whole days ("0 to 7 days", "8 to 14 days", ...): its first
band then holds one more day value than the others, and a lag of 7.5 days belongs to none of the
labels — the off-by-one issue 7 points at. Here lags are exact (fractions of days count) and the
edges say precisely where each pair goes; pass whole-day edges and whole-day times to reproduce
a calculator run knowingly.

Expected counts come from permutations: the times are shuffled among the events (locations
fixed), which keeps both the spatial pattern and the distribution of times and breaks only their
interaction. For each cell of the table the expected count is the mean over permutations, the
Knox ratio is observed / expected, and the one-sided p-value of "more pairs than chance" is
``(1 + #{permutations with count >= observed}) / (1 + n_permutations)``.

Pairs within the largest distance edge are found with a KD-tree; the pairs beyond it are counted
from the time lags of all pairs, which a permutation of times never changes (so the beyond-
distance row needs no quadratic work).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from pingan.errors import InvalidInput

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class KnoxResult:
    """A Knox table: rows are space bands, columns time bands, the last of each "beyond".

    Attributes
    ----------
    space_edges_m
        Edges ``0 = e_0 < ... < e_k`` of the space bands, metres.
    time_edges_days
        Edges of the time bands, days.
    observed
        ``(k_space + 1, k_time + 1)`` pair counts.
    expected
        Mean count over the permutations.
    ratio
        ``observed / expected`` (NaN where expected is 0).
    p_value
        ``(1 + #perm >= observed) / (1 + n_permutations)``.
    n_events, n_pairs, n_permutations, seed
        What was tested.
    """

    space_edges_m: tuple[float, ...]
    time_edges_days: tuple[float, ...]
    observed: IntArray
    expected: FloatArray
    ratio: FloatArray
    p_value: FloatArray
    n_events: int
    n_pairs: int
    n_permutations: int
    seed: int

    def space_labels(self) -> list[str]:
        """Row labels, e.g. ``["[0, 100] m", "(100, 200] m", ..., "> 400 m"]``."""
        return _labels(self.space_edges_m, "m")

    def time_labels(self) -> list[str]:
        """Column labels."""
        return _labels(self.time_edges_days, "d")


def _labels(edges: Sequence[float], unit: str) -> list[str]:
    out = [f"[0, {edges[1]:g}] {unit}"]
    out += [f"({lo:g}, {hi:g}] {unit}" for lo, hi in pairwise(edges[1:])]
    out.append(f"> {edges[-1]:g} {unit}")
    return out


MAX_EDGES = 50
"""Most band edges accepted per axis (the table has up to 50 × 50 cells)."""


def _check_edges(edges: Sequence[float], name: str) -> FloatArray:
    arr = np.asarray(edges, dtype=float)
    if arr.ndim == 1 and arr.size > MAX_EDGES:
        raise InvalidInput(f"{name} may have at most {MAX_EDGES} edges", field=name)
    if arr.ndim == 1 and not np.all(np.isfinite(arr)):
        raise InvalidInput(f"{name} must be finite", field=name)
    if arr.ndim != 1 or arr.size < 2 or arr[0] != 0 or np.any(np.diff(arr) <= 0):
        raise InvalidInput(f"{name} must start at 0 and increase", field=name)
    return arr


def band_index(values: FloatArray, edges: FloatArray) -> IntArray:
    """Give the band of each value for edges ``0 = e_0 < ... < e_k``.

    ``[0, e_1]`` is band 0, ``(e_{i}, e_{i+1}]`` band i, and values above ``e_k`` band k.
    """
    idx = np.searchsorted(edges, values, side="left") - 1
    return np.asarray(np.clip(idx, 0, edges.size - 1), dtype=np.int64)


def _all_pair_time_counts(times: FloatArray, edges: FloatArray) -> IntArray:
    """Pairs of all events per time band (permutation-invariant)."""
    t = np.sort(times)
    n = t.size
    idx = np.arange(n)
    at_most = np.array(
        [int(np.sum(np.searchsorted(t, t + e, side="right") - idx - 1)) for e in edges[1:]],
        dtype=np.int64,
    )
    total = n * (n - 1) // 2
    return np.diff(np.concatenate([[0], at_most, [total]])).astype(np.int64)


def knox_test(
    x_m: FloatArray,
    y_m: FloatArray,
    time_days: FloatArray,
    space_edges_m: Sequence[float] = (0, 100, 200, 300, 400),
    time_edges_days: Sequence[float] = (0, 7, 14, 21, 28),
    *,
    n_permutations: int = 99,
    seed: int = 42,
) -> KnoxResult:
    """Knox test of space–time interaction with Monte Carlo permutations of the times.

    Parameters
    ----------
    x_m, y_m
        Event positions in a metric projection, metres.
    time_days
        Event times, days (any origin; fractions allowed).
    space_edges_m, time_edges_days
        Band edges starting at 0 (see the module docstring for the intervals).
    n_permutations
        Number of random permutations of the times.
    seed
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    KnoxResult

    Examples
    --------
    >>> r = knox_test([0, 50, 1000], [0, 0, 0], [0, 3, 100], (0, 100), (0, 7), n_permutations=9)
    >>> r.observed.tolist()  # the close pair is 3 days apart; the others are far and late
    [[1, 0], [0, 2]]
    """
    x = np.asarray(x_m, dtype=float)
    y = np.asarray(y_m, dtype=float)
    t = np.asarray(time_days, dtype=float)
    if not (x.shape == y.shape == t.shape) or x.ndim != 1:
        raise InvalidInput("x, y and time must be 1-d arrays of the same length")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y)) and np.all(np.isfinite(t))):
        raise InvalidInput("positions and times must be finite")
    if n_permutations < 1:
        raise InvalidInput("need at least one permutation", field="n_permutations")
    s_edges = _check_edges(space_edges_m, "space_edges_m")
    t_edges = _check_edges(time_edges_days, "time_edges_days")
    n = x.size
    n_s, n_t = s_edges.size, t_edges.size  # bands incl. "beyond"
    if n >= 2:
        pairs = cKDTree(np.column_stack([x, y])).query_pairs(s_edges[-1], output_type="ndarray")
    else:
        pairs = np.zeros((0, 2), dtype=np.int64)
    a, b = pairs[:, 0], pairs[:, 1]
    dist = np.hypot(x[a] - x[b], y[a] - y[b])
    s_band = band_index(dist, s_edges)  # all < n_s - 1: within the last edge
    all_time = _all_pair_time_counts(t, t_edges)

    def table(times: FloatArray) -> IntArray:
        lag = np.abs(times[a] - times[b])
        cell = s_band * n_t + band_index(lag, t_edges)
        close = np.bincount(cell, minlength=n_s * n_t).reshape(n_s, n_t)
        close[n_s - 1] = all_time - close[: n_s - 1].sum(axis=0)
        return np.asarray(close, dtype=np.int64)

    observed = table(t)
    rng = np.random.default_rng(seed)
    total = np.zeros((n_s, n_t))
    at_least = np.zeros((n_s, n_t), dtype=np.int64)
    for _ in range(n_permutations):
        perm = table(t[rng.permutation(n)])
        total += perm
        at_least += perm >= observed
    expected = total / n_permutations
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1.0), np.nan)
    p_value = np.asarray((1.0 + at_least) / (1.0 + n_permutations), dtype=float)
    return KnoxResult(
        space_edges_m=tuple(float(e) for e in s_edges),
        time_edges_days=tuple(float(e) for e in t_edges),
        observed=observed,
        expected=expected,
        ratio=np.asarray(ratio, dtype=float),
        p_value=p_value,
        n_events=n,
        n_pairs=n * (n - 1) // 2,
        n_permutations=n_permutations,
        seed=seed,
    )

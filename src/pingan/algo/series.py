"""Candidate crime series: incidents of one type linked by place, time and attributes.

Every pair of incidents within ``max_distance_m`` and ``max_days`` of each other is scored as a
sum of evidence, each part with its reason:

- place: ``w_distance * exp(-d / distance_scale_m)`` (``d`` in metres);
- time: ``w_time * exp(-days / time_scale_days)``;
- time of day: ``w_hour * (1 - gap_h / 12)`` with ``gap_h`` the circular gap between the hours
  of day (0–12 h);
- each attribute (brand, colour, method, ...) known for both: ``+w`` when equal
  (case-insensitive), ``-w / 2`` when different; unknown (empty) values give nothing.

Pairs scoring at least ``threshold`` are links; candidate series are the connected components of
the links with two or more incidents, ranked by size, then by mean link score. They are
candidates for an analyst to confirm or reject, with the evidence of every link shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from pingan.errors import InvalidInput

FloatArray = NDArray[np.float64]

#: Default weight of each kind of evidence.
DEFAULT_WEIGHTS: dict[str, float] = {
    "distance": 1.0,
    "time": 1.0,
    "hour": 0.5,
    "brand": 1.0,
    "colour": 0.5,
    "method": 1.0,
}


@dataclass(frozen=True)
class PairLink:
    """Two incidents (indices into the input) and why they may belong together."""

    i: int
    j: int
    score: float
    distance_m: float
    days_apart: float
    hour_gap_h: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class CandidateSeries:
    """A connected group of linked incidents.

    Attributes
    ----------
    members
        Indices of the incidents, in time order.
    links
        The links (score ≥ threshold) among them, best first.
    score
        Mean score of the links.
    span_days
        Days from the first to the last incident.
    extent_m
        Largest distance between two members, metres.
    """

    members: tuple[int, ...]
    links: tuple[PairLink, ...]
    score: float
    span_days: float
    extent_m: float


@dataclass(frozen=True)
class SeriesResult:
    """All scored pairs within the cut-offs, and the ranked candidate series."""

    pairs: tuple[PairLink, ...]
    series: tuple[CandidateSeries, ...]
    threshold: float


def _hour_of_day(time_h: FloatArray) -> FloatArray:
    return np.asarray(np.mod(time_h, 24.0), dtype=float)


def link_series(
    x_m: FloatArray,
    y_m: FloatArray,
    time_h: FloatArray,
    attributes: Mapping[str, Sequence[str]] | None = None,
    *,
    max_distance_m: float = 500.0,
    max_days: float = 30.0,
    distance_scale_m: float = 200.0,
    time_scale_days: float = 7.0,
    weights: Mapping[str, float] | None = None,
    threshold: float = 2.0,
) -> SeriesResult:
    """Score pairs of incidents of one type and group the strong links into candidate series.

    Parameters
    ----------
    x_m, y_m
        Positions in a metric projection, metres.
    time_h
        Occurrence times, hours since 1970-01-01 (local clock, so ``time_h % 24`` is the hour).
    attributes
        Attribute name → one value per incident (``""`` when unknown), e.g. ``brand``,
        ``colour``, ``method``.
    max_distance_m, max_days
        Pairs farther apart in space or time are not considered.
    distance_scale_m, time_scale_days
        Scales of the exponential place and time evidence.
    weights
        Weight per evidence kind (``distance``, ``time``, ``hour`` and attribute names);
        missing kinds take :data:`DEFAULT_WEIGHTS`, unknown attributes 1.
    threshold
        Least score of a link.

    Examples
    --------
    >>> r = link_series([0, 80, 5000], [0, 0, 0], [0, 30, 48], {"brand": ["Yadea", "yadea", ""]})
    >>> [s.members for s in r.series]
    [(0, 1)]
    >>> r.series[0].links[0].evidence
    ('80 m apart', '1.2 days apart', '6 h apart in time of day (00:00, 06:00)', 'same brand: Yadea')
    """
    x = np.asarray(x_m, dtype=float)
    y = np.asarray(y_m, dtype=float)
    t = np.asarray(time_h, dtype=float)
    n = x.size
    if not (x.shape == y.shape == t.shape) or x.ndim != 1:
        raise InvalidInput("x, y and time must be 1-d arrays of the same length")
    if not (max_distance_m > 0 and max_days > 0 and distance_scale_m > 0 and time_scale_days > 0):
        raise InvalidInput("distances, scales and windows must be positive")
    attrs = {name: [str(v).strip() for v in values] for name, values in (attributes or {}).items()}
    for name, values in attrs.items():
        if len(values) != n:
            raise InvalidInput(f"attribute {name} needs one value per incident", field=name)
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    if n >= 2:
        found = cKDTree(np.column_stack([x, y])).query_pairs(max_distance_m, output_type="ndarray")
    else:
        found = np.zeros((0, 2), dtype=np.int64)
    a, b = found[:, 0], found[:, 1]
    days = np.abs(t[a] - t[b]) / 24.0
    keep = days <= max_days
    a, b, days = a[keep], b[keep], days[keep]
    dist = np.hypot(x[a] - x[b], y[a] - y[b])
    hours = _hour_of_day(t)
    gap = np.abs(hours[a] - hours[b])
    gap = np.minimum(gap, 24.0 - gap)
    base = (
        w["distance"] * np.exp(-dist / distance_scale_m)
        + w["time"] * np.exp(-days / time_scale_days)
        + w["hour"] * (1.0 - gap / 12.0)
    )
    pairs: list[PairLink] = []
    for k in range(a.size):
        i, j = int(min(a[k], b[k])), int(max(a[k], b[k]))
        score = float(base[k])
        evidence = [f"{dist[k]:.0f} m apart", f"{days[k]:.1f} days apart"]
        evidence.append(
            f"{gap[k]:.0f} h apart in time of day ({_clock(hours[i])}, {_clock(hours[j])})"
        )
        for name, values in attrs.items():
            vi, vj = values[i], values[j]
            if not vi or not vj:
                continue
            weight = w.get(name, 1.0)
            if vi.casefold() == vj.casefold():
                score += weight
                evidence.append(f"same {name}: {vi}")
            else:
                score -= weight / 2
                evidence.append(f"{name} differs: {vi} / {vj}")
        pairs.append(
            PairLink(i, j, score, float(dist[k]), float(days[k]), float(gap[k]), tuple(evidence))
        )
    pairs.sort(key=lambda p: (-p.score, p.i, p.j))
    links = [p for p in pairs if p.score >= threshold]
    series = _components(links, n, x, y, t)
    return SeriesResult(tuple(pairs), series, threshold)


def _clock(hour: float) -> str:
    minutes = round(float(hour) * 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _components(
    links: list[PairLink], n: int, x: FloatArray, y: FloatArray, t: FloatArray
) -> tuple[CandidateSeries, ...]:
    if not links:
        return ()
    rows = np.array([p.i for p in links])
    cols = np.array([p.j for p in links])
    graph = coo_matrix((np.ones(len(links)), (rows, cols)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    groups: dict[int, list[PairLink]] = {}
    for p in links:
        groups.setdefault(int(label[p.i]), []).append(p)
    out = []
    for group_links in groups.values():
        members = sorted({m for p in group_links for m in (p.i, p.j)}, key=lambda m: (t[m], m))
        idx = np.array(members)
        dx = x[idx][:, None] - x[idx][None, :]
        dy = y[idx][:, None] - y[idx][None, :]
        out.append(
            CandidateSeries(
                members=tuple(int(m) for m in members),
                links=tuple(group_links),
                score=float(np.mean([p.score for p in group_links])),
                span_days=float((t[idx].max() - t[idx].min()) / 24.0),
                extent_m=float(math.sqrt(float((dx**2 + dy**2).max()))),
            )
        )
    out.sort(key=lambda s: (-len(s.members), -s.score, s.members))
    return tuple(out)

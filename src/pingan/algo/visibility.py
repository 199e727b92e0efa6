"""Police visibility (见警率): the share of hot-spot-hours in which a patrol is present.

Hot spots have time windows (for example 20:00-02:00 on a bar street). Each window is cut
into slots at multiples of ``slot_s`` (an hour by default, on the absolute clock, times in
seconds from any common origin); a slot counts as *seen* when patrols are present at the
hot spot for at least ``min_presence_s`` seconds of it. Then

    share      = sum(length of seen slots) / sum(length of all slots)
    time_share = (time with a patrol present inside windows) / (total window time)

Presence intervals come from a plan (each route stop: hot spot, arrival, departure) or from
position reports (:func:`presence_from_positions`: a unit within ``radius_m`` of a hot spot is
present from its report until its next report, at most ``max_gap_s`` later).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from pingan.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Visibility:
    """Visibility of hot spots.

    Attributes
    ----------
    share
        Share of hot-spot-hours (slot length weighted) that were seen.
    time_share
        Share of hot-spot window time with a patrol present.
    per_hotspot
        ``share`` for each hot spot (NaN for a hot spot without a window).
    n_slots
        Number of slots counted.
    """

    share: float
    time_share: float
    per_hotspot: tuple[float, ...]
    n_slots: int


def _merge(starts: FloatArray, ends: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Union of intervals as sorted disjoint intervals."""
    if starts.size == 0:
        return starts, ends
    order = np.argsort(starts, kind="stable")
    s, e = starts[order], ends[order]
    run_end = np.maximum.accumulate(e)
    new = np.ones(s.size, dtype=bool)
    new[1:] = s[1:] > run_end[:-1]
    idx = np.flatnonzero(new)
    merged_end = np.maximum.reduceat(e, idx)
    return s[idx], merged_end


def _overlap(lo: float, hi: float, starts: FloatArray, ends: FloatArray) -> float:
    return float(np.clip(np.minimum(ends, hi) - np.maximum(starts, lo), 0.0, None).sum())


def hotspot_visibility(
    n_hotspots: int,
    window_hotspot: npt.ArrayLike,
    window_start_s: npt.ArrayLike,
    window_end_s: npt.ArrayLike,
    presence_hotspot: npt.ArrayLike,
    presence_start_s: npt.ArrayLike,
    presence_end_s: npt.ArrayLike,
    *,
    slot_s: float = 3600.0,
    min_presence_s: float = 1.0,
) -> Visibility:
    """Share of hot-spot-hours with a patrol present.

    Parameters
    ----------
    n_hotspots
        Number of hot spots; indices run ``0 .. n_hotspots - 1``.
    window_hotspot, window_start_s, window_end_s
        Time windows (seconds) in which each hot spot matters.
    presence_hotspot, presence_start_s, presence_end_s
        Intervals (seconds) in which some patrol is at a hot spot; overlaps are merged.
    slot_s
        Slot length in seconds (3600: hot-spot-hours).
    min_presence_s
        Presence needed within a slot for it to count as seen.
    """
    wh = np.asarray(window_hotspot, dtype=np.int64).ravel()
    ws = np.asarray(window_start_s, dtype=np.float64).ravel()
    we = np.asarray(window_end_s, dtype=np.float64).ravel()
    ph = np.asarray(presence_hotspot, dtype=np.int64).ravel()
    ps = np.asarray(presence_start_s, dtype=np.float64).ravel()
    pe = np.asarray(presence_end_s, dtype=np.float64).ravel()
    if not (wh.size == ws.size == we.size) or not (ph.size == ps.size == pe.size):
        raise InvalidInput("window and presence arrays must have matching lengths")
    for name, arr in (("window_hotspot", wh), ("presence_hotspot", ph)):
        if arr.size and (arr.min() < 0 or arr.max() >= n_hotspots):
            raise InvalidInput(f"hot spot index out of range 0..{n_hotspots - 1}", field=name)
    if np.any(we < ws) or np.any(pe < ps):
        raise InvalidInput("an interval ends before it starts")
    if slot_s <= 0:
        raise InvalidInput("slot_s must be > 0", field="slot_s")
    seen_len = np.zeros(n_hotspots)
    all_len = np.zeros(n_hotspots)
    present_time = 0.0
    window_time = 0.0
    n_slots = 0
    for h in range(n_hotspots):
        mine = ph == h
        starts, ends = _merge(ps[mine], pe[mine])
        w_s, w_e = _merge(ws[wh == h], we[wh == h])
        for lo, hi in zip(w_s, w_e, strict=True):
            window_time += hi - lo
            present_time += _overlap(lo, hi, starts, ends)
            edges = np.arange(np.floor(lo / slot_s) + 1, np.ceil(hi / slot_s)) * slot_s
            bounds = np.concatenate([[lo], edges, [hi]])
            for a, b in itertools.pairwise(bounds):
                if b <= a:
                    continue
                n_slots += 1
                all_len[h] += b - a
                if _overlap(a, b, starts, ends) >= min(min_presence_s, b - a):
                    seen_len[h] += b - a
    total = float(all_len.sum())
    per = np.where(all_len > 0, seen_len / np.where(all_len > 0, all_len, 1.0), np.nan)
    return Visibility(
        share=float(seen_len.sum()) / total if total > 0 else 0.0,
        time_share=present_time / window_time if window_time > 0 else 0.0,
        per_hotspot=tuple(float(v) for v in per),
        n_slots=n_slots,
    )


def presence_from_positions(
    hotspot_x_m: npt.ArrayLike,
    hotspot_y_m: npt.ArrayLike,
    unit: npt.ArrayLike,
    time_s: npt.ArrayLike,
    x_m: npt.ArrayLike,
    y_m: npt.ArrayLike,
    *,
    radius_m: float = 100.0,
    max_gap_s: float = 60.0,
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Presence intervals at hot spots from unit position reports.

    A report of a unit at time ``t`` within ``radius_m`` of a hot spot makes the unit present
    there from ``t`` until its next report, but at most ``max_gap_s`` seconds. Coordinates are
    projected, in metres.

    Returns
    -------
    hotspot, start_s, end_s
        One interval per (report, hot spot within the radius).
    """
    hx = np.asarray(hotspot_x_m, dtype=np.float64).ravel()
    hy = np.asarray(hotspot_y_m, dtype=np.float64).ravel()
    u = np.asarray(unit).ravel()
    t = np.asarray(time_s, dtype=np.float64).ravel()
    x = np.asarray(x_m, dtype=np.float64).ravel()
    y = np.asarray(y_m, dtype=np.float64).ravel()
    if not (u.size == t.size == x.size == y.size) or hx.size != hy.size:
        raise InvalidInput("position arrays must have matching lengths")
    if radius_m < 0 or max_gap_s < 0:
        raise InvalidInput("radius_m and max_gap_s must be >= 0")
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0))
    if t.size == 0 or hx.size == 0:
        return empty
    order = np.lexsort((t, u))
    u, t, x, y = u[order], t[order], x[order], y[order]
    end = t + max_gap_s
    same = u[1:] == u[:-1]
    end[:-1] = np.where(same, np.minimum(t[1:], end[:-1]), end[:-1])
    tree = cKDTree(np.column_stack([hx, hy]))
    near = tree.query_ball_point(np.column_stack([x, y]), r=radius_m)
    counts = np.array([len(n) for n in near], dtype=np.int64)
    if counts.sum() == 0:
        return empty
    report = np.repeat(np.arange(t.size), counts)
    hotspot = np.concatenate([np.asarray(n, dtype=np.int64) for n in near if n])
    return hotspot, t[report], end[report]

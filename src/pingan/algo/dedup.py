"""De-duplication of incident reports: which reports describe the same event.

Model
-----
Two reports *i*, *j* can be the same event only if they have the same type. Their evidence
is scored in [0, 1] on three axes:

- space: ``s = max(0, 1 - d_ij / radius_m)`` with ``d_ij`` the distance in metres
  (:data:`UNKNOWN` = 0.25 when a location is missing);
- time: ``t = max(0, 1 - g_ij / window_s)`` with ``g_ij`` the gap in seconds between their
  intervals (0 when they overlap; 0.25 when a time is missing);
- words: Jaccard similarity of the sets of character bigrams of the two texts (Chinese
  characters, Latin letters and digits; punctuation and emoji dropped), scaled so that a
  Jaccard of ``text_full`` or more counts 1.

``score = w_space * s + w_time * t + w_text * w``; a pair is *linked* when the score reaches
``threshold`` and neither known distance nor known gap is out of range (s > 0 and t > 0
when known). Groups are the connected components of the links (single linkage), so three
neighbours reporting one theft become one group even if the first and last are further
apart. The result is deterministic: groups are ordered by their first member in input
order, members by input order.

Complexity: O(n²) pair screening in numpy, word similarity only for the pairs that pass
type, space and time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from pingan.errors import InvalidInput

EARTH_RADIUS_M = 6_371_008.8
#: Evidence of an axis on which one of the two reports is silent.
UNKNOWN = 0.25
_TOKEN_RE = re.compile(r"[\u4e00-\u9fff]|[a-z0-9]+")


@dataclass(frozen=True)
class ReportPoint:
    """One report as de-duplication sees it.

    Attributes
    ----------
    id
        Caller's identifier.
    type
        Incident type (``theft.ebike`` …).
    text
        The report's text.
    start, end
        When it happened (aware datetimes), or None when unknown.
    x_m, y_m
        Position in a projected system, metres; or
    lat, lon
        Position in degrees (projected here around the reports' mean latitude).
    """

    id: str
    type: str
    text: str = ""
    start: datetime | None = None
    end: datetime | None = None
    x_m: float | None = None
    y_m: float | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class DuplicateGroup:
    """Reports that describe one event.

    Attributes
    ----------
    members
        Indices into the input, ascending.
    ids
        The members' ids, in the same order.
    score
        Mean score of the links that join the group (0–1).
    reasons
        One line per link: which two reports and why.
    """

    members: tuple[int, ...]
    ids: tuple[str, ...]
    score: float
    reasons: tuple[str, ...]


def _bigrams(text: str) -> frozenset[str]:
    tokens = _TOKEN_RE.findall(text.lower())
    chars = "".join(t if len(t) == 1 else f" {t} " for t in tokens)
    grams = {chars[k : k + 2] for k in range(len(chars) - 1)}
    return frozenset(g for g in grams if g.strip() and " " not in g)


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigrams (0–1).

    Examples
    --------
    >>> round(text_similarity("电动车被偷了", "电动车又被偷了"), 2)
    0.57
    """
    return _jaccard(_bigrams(a), _bigrams(b))


def _jaccard(ga: frozenset[str], gb: frozenset[str]) -> float:
    if not ga or not gb:
        return 0.0
    return len(ga & gb) / len(ga | gb)


def _positions(reports: Sequence[ReportPoint]) -> tuple[np.ndarray, np.ndarray]:
    """(n, 2) positions in metres and an (n,) mask of known positions."""
    lats = [r.lat for r in reports if r.lat is not None and r.lon is not None]
    lat0 = math.radians(float(np.mean(lats))) if lats else 0.0
    xy = np.full((len(reports), 2), np.nan)
    for k, r in enumerate(reports):
        if r.x_m is not None and r.y_m is not None:
            xy[k] = (r.x_m, r.y_m)
        elif r.lat is not None and r.lon is not None:
            if not (-90 <= r.lat <= 90 and -180 <= r.lon <= 180):
                raise InvalidInput(f"report {r.id}: coordinates out of range", field="lat")
            xy[k] = (
                EARTH_RADIUS_M * math.radians(r.lon) * math.cos(lat0),
                EARTH_RADIUS_M * math.radians(r.lat),
            )
    return xy, ~np.isnan(xy[:, 0])


def _times(reports: Sequence[ReportPoint]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    start = np.full(len(reports), np.nan)
    end = np.full(len(reports), np.nan)
    for k, r in enumerate(reports):
        if r.start is not None or r.end is not None:
            first = r.start or r.end
            last = r.end or r.start
            assert first is not None
            assert last is not None
            if first.tzinfo is None or last.tzinfo is None:
                raise InvalidInput(f"report {r.id}: times need a UTC offset", field="start")
            if last < first:
                raise InvalidInput(f"report {r.id}: end before start", field="end")
            start[k], end[k] = first.timestamp(), last.timestamp()
    return start, end, ~np.isnan(start)


def find_duplicates(
    reports: Sequence[ReportPoint],
    *,
    radius_m: float = 300.0,
    window_s: float = 6 * 3600.0,
    threshold: float = 0.55,
    text_full: float = 0.5,
    weights: tuple[float, float, float] = (0.35, 0.35, 0.30),
) -> list[DuplicateGroup]:
    """Group reports that describe the same event.

    Parameters
    ----------
    reports
        The reports.
    radius_m
        Distance in metres at which the space evidence falls to 0.
    window_s
        Gap in seconds between the intervals at which the time evidence falls to 0.
    threshold
        Least score that links two reports.
    text_full
        Bigram Jaccard that counts as full word evidence.
    weights
        (space, time, words) weights; they must sum to 1.

    Returns
    -------
    list of DuplicateGroup
        Groups of two or more reports, ordered by their first member.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 7, 10, 1, tzinfo=timezone.utc)
    >>> a = ReportPoint("a", "theft.ebike", "锦绣花园电动车被偷了", t, t, x_m=0, y_m=0)
    >>> b = ReportPoint("b", "theft.ebike", "锦绣花园又有电动车被偷", t, t, x_m=80, y_m=0)
    >>> [g.ids for g in find_duplicates([a, b])]
    [('a', 'b')]
    """
    if radius_m <= 0 or window_s <= 0:
        raise InvalidInput("radius_m and window_s must be positive", field="radius_m")
    if abs(sum(weights) - 1.0) > 1e-9 or min(weights) < 0:
        raise InvalidInput("weights must be non-negative and sum to 1", field="weights")
    n = len(reports)
    if n < 2:
        return []
    xy, has_xy = _positions(reports)
    start, end, has_t = _times(reports)
    types = np.array([r.type for r in reports], dtype=object)
    same_type = types[:, None] == types[None, :]
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    both_xy = has_xy[:, None] & has_xy[None, :]
    space = np.where(both_xy, np.clip(1 - np.nan_to_num(dist) / radius_m, 0, 1), UNKNOWN)
    gap = np.maximum(
        0.0, np.maximum(start[:, None], start[None, :]) - np.minimum(end[:, None], end[None, :])
    )
    both_t = has_t[:, None] & has_t[None, :]
    timing = np.where(both_t, np.clip(1 - np.nan_to_num(gap) / window_s, 0, 1), UNKNOWN)
    w_space, w_time, w_text = weights
    possible = same_type & (space > 0) & (timing > 0)
    possible &= np.triu(np.ones((n, n), dtype=bool), k=1)
    # even perfect words cannot lift a pair below this
    possible &= w_space * space + w_time * timing + w_text >= threshold

    links: list[tuple[int, int, float, str]] = []
    grams: dict[int, frozenset[str]] = {}  # each report's bigrams once, not once a pair
    for i, j in zip(*np.nonzero(possible), strict=True):
        i, j = int(i), int(j)
        for k in (i, j):
            if k not in grams:
                grams[k] = _bigrams(reports[k].text)
        words = _jaccard(grams[i], grams[j])
        score = w_space * space[i, j] + w_time * timing[i, j] + w_text * min(1.0, words / text_full)
        if score < threshold:
            continue
        where = f"{dist[i, j]:.0f} m apart" if both_xy[i, j] else "place unknown"
        reason = (
            f"{reports[i].id} ~ {reports[j].id}: same type {reports[i].type}; {where}; "
            f"{_when(bool(both_t[i, j]), float(gap[i, j]))}; "
            f"word similarity {words:.2f}; score {score:.2f}"
        )
        links.append((i, j, float(score), reason))
    return _groups(reports, links)


def _when(both_known: bool, gap_s: float) -> str:
    """Say how far apart in time two reports are."""
    if not both_known:
        return "time unknown"
    if gap_s == 0:
        return "intervals overlap"
    return f"{gap_s / 3600:.1f} h apart"


def _groups(
    reports: Sequence[ReportPoint], links: list[tuple[int, int, float, str]]
) -> list[DuplicateGroup]:
    """Join linked reports into groups (union-find; a group is named by its first member)."""
    n = len(reports)
    parent = list(range(n))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i, j, _, _ in links:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    members: dict[int, list[int]] = {}
    for k in range(n):
        members.setdefault(root(k), []).append(k)
    groups: list[DuplicateGroup] = []
    for first in sorted(members):
        group = members[first]
        if len(group) < 2:
            continue
        inside = [(s, r) for i, j, s, r in links if root(i) == first]
        groups.append(
            DuplicateGroup(
                members=tuple(group),
                ids=tuple(reports[k].id for k in group),
                score=round(sum(s for s, _ in inside) / len(inside), 4),
                reasons=tuple(r for _, r in inside),
            )
        )
    return groups

"""The 1-3-5 minute response tiers: ranking units for an incident and response-time figures.

Two pure computations on plain arrays:

* :func:`rank_units` takes every unit's road travel time to one incident (already
  computed on the unit's own mode's network) and ranks the eligible units by time,
  grouped into tiers. By default tier 1 is "within 60 s" (key-unit posts and
  volunteers on foot), tier 2 "within 180 s" (patrol units), tier 3 "within 300 s"
  (station and special police); units slower than the last tier fall "beyond".
  Units that must not be recommended (stale position, off duty, unavailable,
  already busy elsewhere) are listed apart with the reason and never ranked.
* :func:`response_figures` summarises measured response times (arrival − received)
  the way computer-aided dispatch (CAD) reports show them: count, share within each
  tier, median and 90th percentile, optionally grouped by station, shift or type.

Percentiles here are **nearest-rank** percentiles, the definition CAD and
NFPA-1710-style compliance reports use: with the ``n`` values sorted ascending
``x[1] <= ... <= x[n]``, the ``p``-th percentile is ``x[ceil(p / 100 * n)]`` (and
``x[1]`` for ``p = 0``). Every figure is a response time that actually happened; the
median is the 50th nearest-rank percentile, so for an even count it is the lower of
the two middle values, not their mean. This equals ``numpy.percentile(x, p,
method="inverted_cdf")``.

Examples
--------
>>> import numpy as np
>>> r = rank_units(np.array([200.0, 45.0, 120.0]), ["car-1", "post-2", "bike-3"])
>>> [u.unit_id for u in r.ranked], [u.tier for u in r.ranked]
(['post-2', 'bike-3', 'car-1'], [1, 2, 3])
>>> r.met
(True, True, True)
>>> f = response_figures(np.array([50.0, 170.0, 250.0, 400.0]))
>>> f.share_within, f.median_s, f.p90_s
((0.25, 0.5, 0.75), 170.0, 400.0)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pingan.errors import InvalidInput

DEFAULT_TIERS_S: tuple[float, ...] = (60.0, 180.0, 300.0)
"""Default tier limits in seconds: the "1, 3, 5 minute" promise."""

STALE_POSITION = "stale_position"
"""Reason given for a unit whose last position report is older than allowed."""

UNIT_STATUSES: tuple[str, ...] = ("available", "en_route", "on_scene", "off_duty", "unavailable")
"""Unit statuses known to :func:`unit_eligibility`; only ``available`` is recommendable."""

UnitId = Hashable


@dataclass(frozen=True)
class RankedUnit:
    """An eligible unit in a ranking.

    Attributes
    ----------
    unit_id
        The caller's identifier of the unit.
    kind
        The unit's kind (``"patrol_car"``, ``"key_unit_post"``, ...), or ``""`` if not given.
    travel_time_s
        Road travel time to the incident in seconds; ``inf`` if it cannot reach it.
    rank
        1 for the fastest unit, 2 for the next, ... (ties keep the input order).
    tier
        1-based tier: the first tier whose limit the travel time does not exceed, or
        ``len(tiers_s) + 1`` ("beyond") if it exceeds them all.
    """

    unit_id: UnitId
    kind: str
    travel_time_s: float
    rank: int
    tier: int


@dataclass(frozen=True)
class IneligibleUnit:
    """A unit that is shown but never recommended, and why.

    Attributes
    ----------
    unit_id
        The caller's identifier of the unit.
    kind
        The unit's kind, or ``""``.
    travel_time_s
        Its road travel time in seconds (for display only); ``inf`` if unreachable.
    reason
        Why it is not recommended: ``"stale_position"``, ``"off_duty"``,
        ``"unavailable"``, ``"en_route"``, ``"on_scene"`` or the caller's own reason.
    """

    unit_id: UnitId
    kind: str
    travel_time_s: float
    reason: str


@dataclass(frozen=True)
class TierRanking:
    """Eligible units ranked by travel time and grouped by tier.

    Attributes
    ----------
    tiers_s
        The tier limits in seconds, ascending.
    ranked
        Every eligible unit, fastest first; units that cannot reach the incident last.
    by_tier
        ``len(tiers_s) + 1`` groups: the units of tier 1, tier 2, ... and last those beyond
        every tier (including unreachable ones). A unit is in exactly one group.
    met
        Per tier, whether at least one eligible unit (of a kind allowed for that tier,
        when kinds are restricted) arrives within the tier's limit. Cumulative: a unit
        within 60 s also meets the 180 s and 300 s tiers.
    unmet
        The 1-based numbers of the tiers that are not met.
    ineligible
        Units listed apart, in input order, with the reason; never recommended.
    """

    tiers_s: tuple[float, ...]
    ranked: tuple[RankedUnit, ...]
    by_tier: tuple[tuple[RankedUnit, ...], ...]
    met: tuple[bool, ...]
    unmet: tuple[int, ...]
    ineligible: tuple[IneligibleUnit, ...]

    @property
    def best(self) -> RankedUnit | None:
        """The fastest eligible unit that can reach the incident, or ``None``."""
        if self.ranked and math.isfinite(self.ranked[0].travel_time_s):
            return self.ranked[0]
        return None


@dataclass(frozen=True)
class ResponseFigures:
    """Response-time figures as CAD compliance reports show them.

    Attributes
    ----------
    tiers_s
        The tier limits in seconds.
    count
        Number of incidents with a measured response time.
    missing
        Number of incidents without one (``nan`` in the input: no arrival recorded);
        they are left out of every other figure.
    within
        Per tier, how many response times are ``<=`` the tier's limit.
    share_within
        Per tier, ``within / count`` (``nan`` when ``count == 0``).
    median_s
        Nearest-rank 50th percentile in seconds, or ``None`` when ``count == 0``.
    p90_s
        Nearest-rank 90th percentile in seconds, or ``None`` when ``count == 0``.
    mean_s
        Arithmetic mean in seconds, or ``None`` when ``count == 0``.
    """

    tiers_s: tuple[float, ...]
    count: int
    missing: int
    within: tuple[int, ...]
    share_within: tuple[float, ...]
    median_s: float | None
    p90_s: float | None
    mean_s: float | None


def _check_tiers(tiers_s: Sequence[float]) -> tuple[float, ...]:
    tiers = tuple(float(t) for t in tiers_s)
    if not tiers:
        raise InvalidInput("at least one tier limit is needed", field="tiers_s")
    if any(not math.isfinite(t) or t <= 0 for t in tiers):
        raise InvalidInput("tier limits must be positive and finite seconds", field="tiers_s")
    if any(b <= a for a, b in itertools.pairwise(tiers)):
        raise InvalidInput("tier limits must be strictly increasing", field="tiers_s")
    return tiers


def tier_of(travel_time_s: float, tiers_s: Sequence[float] = DEFAULT_TIERS_S) -> int:
    """Return the 1-based tier a time falls in; ``len(tiers_s) + 1`` if beyond all.

    Parameters
    ----------
    travel_time_s
        A travel or response time in seconds (``nan`` and ``inf`` fall beyond).
    tiers_s
        Ascending tier limits in seconds; a time equal to a limit is within it.
    """
    tiers = _check_tiers(tiers_s)
    if math.isnan(travel_time_s):
        return len(tiers) + 1
    for k, limit in enumerate(tiers):
        if travel_time_s <= limit:
            return k + 1
    return len(tiers) + 1


def unit_eligibility(
    statuses: Sequence[str],
    position_age_s: npt.ArrayLike,
    stale_after_s: float,
) -> tuple[npt.NDArray[np.bool_], tuple[str | None, ...]]:
    """Decide which units may be recommended, and why the others may not.

    A unit is eligible when its status is ``available`` and its last position report
    is at most ``stale_after_s`` old. Otherwise the reason is its status (``off_duty``,
    ``unavailable``, ``en_route``, ``on_scene``), or ``stale_position`` for an available
    unit whose position is too old or missing (``nan`` age).

    Parameters
    ----------
    statuses
        Per unit, one of :data:`UNIT_STATUSES`.
    position_age_s
        Per unit, seconds since its last position report; ``nan`` if it never reported.
    stale_after_s
        Largest acceptable age in seconds.

    Returns
    -------
    eligible, reasons
        A boolean mask and, per unit, ``None`` if eligible or the reason it is not.
    """
    age = np.asarray(position_age_s, dtype=np.float64)
    if age.shape != (len(statuses),):
        raise InvalidInput("one position age per unit is needed", field="position_age_s")
    if not stale_after_s >= 0:
        raise InvalidInput("stale_after_s must be >= 0", field="stale_after_s")
    reasons: list[str | None] = []
    for status, a in zip(statuses, age.tolist(), strict=True):
        if status not in UNIT_STATUSES:
            raise InvalidInput(f"unknown unit status {status!r}", field="statuses")
        if status != "available":
            reasons.append(status)
        elif not a <= stale_after_s:  # also true for nan
            reasons.append(STALE_POSITION)
        else:
            reasons.append(None)
    eligible = np.array([r is None for r in reasons], dtype=bool)
    return eligible, tuple(reasons)


def rank_units(
    travel_time_s: npt.ArrayLike,
    unit_ids: Sequence[UnitId],
    unit_kinds: Sequence[str] | None = None,
    tiers_s: Sequence[float] = DEFAULT_TIERS_S,
    eligible: npt.ArrayLike | None = None,
    reasons: Sequence[str | None] | None = None,
    tier_kinds: Sequence[frozenset[str] | None] | None = None,
) -> TierRanking:
    """Rank units for one incident by road travel time and group them by tier.

    Parameters
    ----------
    travel_time_s
        Per unit, its road travel time to the incident in seconds (``inf`` or ``nan``:
        it cannot reach it). Negative times are rejected.
    unit_ids
        Per unit, the caller's identifier.
    unit_kinds
        Per unit, its kind; empty strings if not given.
    tiers_s
        Ascending tier limits in seconds; a time equal to a limit is within it.
    eligible
        Per unit, whether it may be recommended; all ``True`` if not given. See
        :func:`unit_eligibility` to derive it from statuses and position ages.
    reasons
        Per unit, why it is not eligible (used for units whose ``eligible`` is false;
        ``"ineligible"`` where missing).
    tier_kinds
        Per tier, the unit kinds that count when deciding whether the tier is met
        (``None``: any kind). For example ``(frozenset({"key_unit_post",
        "volunteer_team"}), None, None)`` makes tier 1 met only by posts and
        volunteers. It changes only ``met``/``unmet``, not the ranking.

    Returns
    -------
    TierRanking
        Eligible units ranked (ties keep input order) and grouped; ineligible ones apart.
    """
    tiers = _check_tiers(tiers_s)
    times = np.asarray(travel_time_s, dtype=np.float64)
    n = len(unit_ids)
    if times.shape != (n,):
        raise InvalidInput("one travel time per unit is needed", field="travel_time_s")
    if np.any(times < 0):
        raise InvalidInput("travel times must be >= 0 seconds", field="travel_time_s")
    times = np.where(np.isnan(times), np.inf, times)
    kinds: Sequence[str] = unit_kinds if unit_kinds is not None else [""] * n
    if len(kinds) != n:
        raise InvalidInput("one kind per unit is needed", field="unit_kinds")
    mask = np.ones(n, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    if mask.shape != (n,):
        raise InvalidInput("one eligibility flag per unit is needed", field="eligible")
    if reasons is not None and len(reasons) != n:
        raise InvalidInput("one reason per unit is needed", field="reasons")
    if tier_kinds is not None and len(tier_kinds) != len(tiers):
        raise InvalidInput("one kind set (or None) per tier is needed", field="tier_kinds")

    idx = np.flatnonzero(mask)
    order = idx[np.argsort(times[idx], kind="stable")]
    limits = np.asarray(tiers)
    tier_numbers = np.searchsorted(limits, times[order], side="left") + 1
    ranked = tuple(
        RankedUnit(
            unit_id=unit_ids[i],
            kind=kinds[i],
            travel_time_s=float(times[i]),
            rank=r + 1,
            tier=int(t),
        )
        for r, (i, t) in enumerate(zip(order.tolist(), tier_numbers.tolist(), strict=True))
    )
    by_tier = tuple(tuple(u for u in ranked if u.tier == k + 1) for k in range(len(tiers) + 1))
    met_list: list[bool] = []
    for k, limit in enumerate(tiers):
        allowed = tier_kinds[k] if tier_kinds is not None else None
        met_list.append(
            any(u.travel_time_s <= limit and (allowed is None or u.kind in allowed) for u in ranked)
        )
    given = list(reasons) if reasons is not None else [None] * n
    ineligible = tuple(
        IneligibleUnit(
            unit_id=unit_ids[i],
            kind=kinds[i],
            travel_time_s=float(times[i]),
            reason=given[i] or "ineligible",
        )
        for i in np.flatnonzero(~mask).tolist()
    )
    return TierRanking(
        tiers_s=tiers,
        ranked=ranked,
        by_tier=by_tier,
        met=tuple(met_list),
        unmet=tuple(k + 1 for k, m in enumerate(met_list) if not m),
        ineligible=ineligible,
    )


def nearest_rank_percentile(values_s: npt.ArrayLike, percent: float) -> float:
    """Return the nearest-rank percentile of the values.

    With ``n`` values sorted ascending, the ``percent``-th percentile is the value of
    rank ``ceil(percent / 100 * n)`` (1-based; rank 1 for ``percent == 0``).

    Parameters
    ----------
    values_s
        The values (for example response times in seconds); at least one, no ``nan``.
    percent
        The percentile, ``0 <= percent <= 100``.

    Examples
    --------
    >>> nearest_rank_percentile([15.0, 20.0, 35.0, 40.0, 50.0], 30)
    20.0
    """
    x = np.sort(np.asarray(values_s, dtype=np.float64).ravel())
    if x.size == 0:
        raise InvalidInput("a percentile of no values is undefined", field="values_s")
    if np.any(np.isnan(x)):
        raise InvalidInput("values must not be nan", field="values_s")
    if not 0.0 <= percent <= 100.0:
        raise InvalidInput("percent must be between 0 and 100", field="percent")
    # Round away float noise (e.g. 0.9 * 10 = 9.000000000000002) before the ceiling.
    rank = max(1, math.ceil(round(percent / 100.0 * x.size, 9)))
    return float(x[rank - 1])


def response_figures(
    response_times_s: npt.ArrayLike, tiers_s: Sequence[float] = DEFAULT_TIERS_S
) -> ResponseFigures:
    """Summarise response times: count, share within each tier, median and 90th percentile.

    Parameters
    ----------
    response_times_s
        Per incident, arrival − received in seconds; ``nan`` where no arrival was
        recorded (counted in ``missing`` and left out of the figures).
    tiers_s
        Ascending tier limits in seconds; a time equal to a limit is within it.

    Returns
    -------
    ResponseFigures
        Percentiles by nearest rank (see the module docstring).
    """
    tiers = _check_tiers(tiers_s)
    x = np.asarray(response_times_s, dtype=np.float64).ravel()
    if np.any(x < 0):
        raise InvalidInput("response times must be >= 0 seconds", field="response_times_s")
    missing = int(np.count_nonzero(np.isnan(x)))
    x = x[~np.isnan(x)]
    count = int(x.size)
    within = tuple(int(np.count_nonzero(x <= t)) for t in tiers)
    if count == 0:
        return ResponseFigures(
            tiers_s=tiers,
            count=0,
            missing=missing,
            within=within,
            share_within=tuple(math.nan for _ in tiers),
            median_s=None,
            p90_s=None,
            mean_s=None,
        )
    return ResponseFigures(
        tiers_s=tiers,
        count=count,
        missing=missing,
        within=within,
        share_within=tuple(w / count for w in within),
        median_s=nearest_rank_percentile(x, 50.0),
        p90_s=nearest_rank_percentile(x, 90.0),
        mean_s=float(x.mean()),
    )


def response_figures_by(
    response_times_s: npt.ArrayLike,
    keys: Sequence[Hashable],
    tiers_s: Sequence[float] = DEFAULT_TIERS_S,
) -> dict[Hashable, ResponseFigures]:
    """Response figures per group (station, shift, incident type, ...).

    Parameters
    ----------
    response_times_s
        Per incident, response time in seconds (``nan``: no arrival recorded).
    keys
        Per incident, its group key; for several keys at once pass tuples
        (``("station 3", "night")``).
    tiers_s
        Ascending tier limits in seconds.

    Returns
    -------
    dict
        Group key → :class:`ResponseFigures`, in order of first appearance.
    """
    x = np.asarray(response_times_s, dtype=np.float64).ravel()
    if len(keys) != x.size:
        raise InvalidInput("one key per response time is needed", field="keys")
    groups: dict[Hashable, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    return {key: response_figures(x[rows], tiers_s) for key, rows in groups.items()}

"""Incident statistics: counts and honest period-over-period comparisons.

Two counts ``n1`` (the earlier period, exposure ``e1``, e.g. days) and ``n2`` (the later one,
exposure ``e2``) are compared as Poisson rates. The rate ratio is ``RR = (n2 / e2) / (n1 / e1)``
and the change ``RR - 1`` (−0.05 = "down 5%"). The exact test conditions on the total
``n = n1 + n2``: if the rates are equal, ``n2 ~ Binomial(n, p0)`` with ``p0 = r / (1 + r)`` and
``r = e2 / e1``. The two-sided p-value sums the binomial probabilities of every outcome no more
likely than the one observed (as ``scipy.stats.binomtest`` does); the confidence interval for
``RR`` transforms the Clopper–Pearson interval ``[p_lo, p_hi]`` of the binomial proportion:
``RR = p / (1 - p) / r``.

同比 (same period last year) and 环比 (the period just before) are the two usual comparisons;
:func:`same_period_last_year` and :func:`previous_period` give their date ranges.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats as sps

from pingan.errors import InvalidInput

#: Relative tolerance when comparing binomial probabilities to the observed one (as scipy).
_TIE_TOLERANCE = 1 + 1e-7


@dataclass(frozen=True)
class RateComparison:
    """Comparison of two Poisson counts.

    Attributes
    ----------
    before, after
        The counts (earlier period, later period).
    exposure_before, exposure_after
        Their exposures (days, or any common unit).
    rate_ratio
        ``(after / exposure_after) / (before / exposure_before)``; ``inf`` if ``before`` is 0
        and ``after`` is not, NaN if both are 0.
    change
        ``rate_ratio - 1`` as a fraction (−0.05 = down 5 %).
    p_value
        Exact two-sided p-value of "the rates are equal".
    ci_low, ci_high
        Exact (Clopper–Pearson) ``1 - alpha`` confidence interval for the rate ratio.
    alpha
        Significance level.
    significant
        ``p_value < alpha``.
    verdict
        The comparison in plain words.
    """

    before: int
    after: int
    exposure_before: float
    exposure_after: float
    rate_ratio: float
    change: float
    p_value: float
    ci_low: float
    ci_high: float
    alpha: float
    significant: bool
    verdict: str


def binomial_two_sided_p(k: int, n: int, p: float) -> float:
    """Exact two-sided binomial p-value: the mass of outcomes no more likely than ``k``."""
    if n == 0:
        return 1.0
    pmf = sps.binom.pmf(np.arange(n + 1), n, p)
    observed = pmf[k]
    return float(min(1.0, pmf[pmf <= observed * _TIE_TOLERANCE].sum()))


def compare_counts(
    before: int,
    after: int,
    exposure_before: float = 1.0,
    exposure_after: float = 1.0,
    *,
    alpha: float = 0.05,
) -> RateComparison:
    """Exact conditional (binomial) test of two Poisson counts.

    Parameters
    ----------
    before, after
        Event counts of the earlier and the later period.
    exposure_before, exposure_after
        Length of each period (days) or any other exposure in a common unit.
    alpha
        Significance level of the test and ``1 - alpha`` of the interval.

    Examples
    --------
    >>> c = compare_counts(100, 95)
    >>> round(c.change, 2), round(c.p_value, 2)
    (-0.05, 0.77)
    >>> c.verdict
    '−5% is within chance (p = 0.77)'
    """
    if before < 0 or after < 0 or int(before) != before or int(after) != after:
        raise InvalidInput("counts must be whole numbers ≥ 0", field="count")
    if not (exposure_before > 0 and exposure_after > 0):
        raise InvalidInput("exposures must be positive", field="exposure")
    if not 0 < alpha < 1:
        raise InvalidInput("alpha must be in (0, 1)", field="alpha")
    before, after = int(before), int(after)
    r = exposure_after / exposure_before
    p0 = r / (1 + r)
    n = before + after
    p_value = binomial_two_sided_p(after, n, p0)
    if before > 0:
        ratio = (after / exposure_after) / (before / exposure_before)
    else:
        ratio = math.inf if after > 0 else math.nan
    p_lo = 0.0 if after == 0 else float(sps.beta.ppf(alpha / 2, after, before + 1))
    p_hi = 1.0 if before == 0 else float(sps.beta.ppf(1 - alpha / 2, after + 1, before))
    ci_low = p_lo / (1 - p_lo) / r
    ci_high = math.inf if p_hi >= 1 else p_hi / (1 - p_hi) / r
    significant = p_value < alpha
    change = ratio - 1
    return RateComparison(
        before=before,
        after=after,
        exposure_before=float(exposure_before),
        exposure_after=float(exposure_after),
        rate_ratio=ratio,
        change=change,
        p_value=p_value,
        ci_low=ci_low,
        ci_high=ci_high,
        alpha=alpha,
        significant=significant,
        verdict=verdict(change, p_value, alpha),
    )


def format_change(change: float) -> str:
    """``-0.05`` → ``"−5%"``, ``0.123`` → ``"+12%"`` (a true minus sign)."""
    if math.isnan(change):
        return "no change (no events)"
    if math.isinf(change):
        return "new (none before)"
    pct = round(change * 100)
    if pct == 0:
        return "±0%"
    return f"+{pct}%" if pct > 0 else f"−{-pct}%"


def verdict(change: float, p_value: float, alpha: float = 0.05) -> str:
    """Plain words: ``"−5% is within chance (p = 0.41)"`` or ``"… is beyond chance …"``."""
    p_text = "p < 0.001" if p_value < 0.001 else f"p = {p_value:.2g}"
    if p_value >= 0.995:
        p_text = "p = 1"
    word = "beyond" if p_value < alpha else "within"
    return f"{format_change(change)} is {word} chance ({p_text})"


def count_by(labels: Sequence[str] | NDArray[np.str_]) -> dict[str, int]:
    """Events per label (type, area, period name...), most frequent first."""
    values, counts = np.unique(np.asarray(labels, dtype=np.str_), return_counts=True)
    order = np.lexsort((values, -counts))
    return {str(values[i]): int(counts[i]) for i in order}


def period_labels(time_h: NDArray[np.float64], period: str) -> NDArray[np.str_]:
    """Label each time (hours since 1970-01-01) by its day, ISO week, month or year."""
    seconds = (np.asarray(time_h, dtype=float) * 3600).astype("datetime64[s]")
    if period == "day":
        return np.asarray(seconds.astype("datetime64[D]").astype(str))
    if period == "month":
        return np.asarray(seconds.astype("datetime64[M]").astype(str))
    if period == "year":
        return np.asarray(seconds.astype("datetime64[Y]").astype(str))
    if period == "week":
        days = seconds.astype("datetime64[D]").astype(object)
        return np.array([f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in days])
    raise InvalidInput(f"unknown period {period!r}; use day, week, month or year", field="period")


def compare_groups(
    before: Mapping[str, int],
    after: Mapping[str, int],
    exposure_before: float = 1.0,
    exposure_after: float = 1.0,
    *,
    alpha: float = 0.05,
) -> dict[str, RateComparison]:
    """:func:`compare_counts` for every group (type, area) seen in either period."""
    keys = sorted(set(before) | set(after), key=lambda k: (-after.get(k, 0), k))
    return {
        k: compare_counts(
            before.get(k, 0), after.get(k, 0), exposure_before, exposure_after, alpha=alpha
        )
        for k in keys
    }


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """环比: the period of the same length just before ``[start, end)``."""
    if not end > start:
        raise InvalidInput("the period is empty", field="to")
    return start - (end - start), start


def same_period_last_year(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """同比: ``[start, end)`` one calendar year earlier (29 February becomes the 28th)."""
    if not end > start:
        raise InvalidInput("the period is empty", field="to")
    return _year_earlier(start), _year_earlier(end)


def _year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)

"""Exact Poisson comparison against hand-worked values and scipy's binomial test."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from scipy.stats import binomtest

from pingan.algo import stats
from pingan.errors import InvalidInput


def test_hand_worked_five_to_zero() -> None:
    # 5 events before, 0 after, equal periods: under H0 after ~ Bin(5, 1/2); P(0) = P(5) = 1/32
    c = stats.compare_counts(5, 0)
    assert c.p_value == pytest.approx(2 / 32)
    assert c.rate_ratio == 0.0
    assert c.ci_low == 0.0
    # Clopper-Pearson upper bound with 0 successes: 1 - 0.025^(1/5); RR = p / (1 - p)
    root = 0.025**0.2
    assert c.ci_high == pytest.approx((1 - root) / root)
    assert not c.significant
    assert c.verdict == "−100% is within chance (p = 0.062)"


@pytest.mark.parametrize(
    ("before", "after", "days_before", "days_after"),
    [(100, 95, 31, 31), (120, 80, 30, 31), (1000, 900, 365, 365), (3, 11, 7, 7), (0, 4, 1, 1)],
)
def test_p_value_and_interval_match_scipy_binomtest(
    before: int, after: int, days_before: float, days_after: float
) -> None:
    c = stats.compare_counts(before, after, days_before, days_after)
    r = days_after / days_before
    reference = binomtest(after, before + after, r / (1 + r))
    assert c.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    ci = reference.proportion_ci(0.95, method="exact")
    assert c.ci_low == pytest.approx(ci.low / (1 - ci.low) / r, rel=1e-6)
    high = math.inf if ci.high >= 1 else ci.high / (1 - ci.high) / r
    assert c.ci_high == pytest.approx(high, rel=1e-6)


def test_exposure_enters_the_rate_ratio() -> None:
    # 60 in 30 days then 62 in 31 days: the same 2 a day
    c = stats.compare_counts(60, 62, 30, 31)
    assert c.rate_ratio == pytest.approx(1.0)
    assert c.p_value == pytest.approx(1.0)
    assert c.verdict == "±0% is within chance (p = 1)"


def test_a_five_percent_drop_on_a_big_base_is_real() -> None:
    c = stats.compare_counts(20_000, 19_000)
    assert c.change == pytest.approx(-0.05)
    assert c.significant
    assert c.verdict == "−5% is beyond chance (p < 0.001)"
    assert c.ci_low < 0.95 < c.ci_high < 1


def test_counts_and_periods() -> None:
    assert stats.count_by(["B", "A", "B", "C", "A", "B"]) == {"B": 3, "A": 2, "C": 1}
    t = np.array([0.0, 24.0 * 40, 24.0 * 400])  # 1970-01-01, 1970-02-10, 1971-02-05
    assert stats.period_labels(t, "month").tolist() == ["1970-01", "1970-02", "1971-02"]
    assert stats.period_labels(t, "week").tolist() == ["1970-W01", "1970-W07", "1971-W05"]
    groups = stats.compare_groups({"Assault": 10, "Robbery": 4}, {"Assault": 12, "Theft": 1})
    assert list(groups) == ["Assault", "Theft", "Robbery"]
    assert groups["Robbery"].after == 0


def test_same_period_last_year_and_previous_period() -> None:
    start, end = dt.date(2024, 2, 1), dt.date(2024, 3, 1)
    assert stats.same_period_last_year(start, end) == (dt.date(2023, 2, 1), dt.date(2023, 3, 1))
    assert stats.same_period_last_year(dt.date(2024, 2, 29), dt.date(2024, 3, 2))[0] == dt.date(
        2023, 2, 28
    )
    assert stats.previous_period(start, end) == (dt.date(2024, 1, 3), start)


def test_bad_counts_are_refused() -> None:
    with pytest.raises(InvalidInput, match="whole numbers"):
        stats.compare_counts(-1, 3)
    with pytest.raises(InvalidInput, match="exposures must be positive"):
        stats.compare_counts(1, 3, 0, 1)

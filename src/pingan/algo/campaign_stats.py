"""Intervals, projections and verdicts for a campaign's targets.

* A share ``k / n`` gets the Wilson score interval (Wilson 1927): with ``z`` the normal
  quantile of ``1 − α/2``, the centre is ``(p̂ + z²/2n) / (1 + z²/n)`` and the half-width
  ``z·sqrt(p̂(1−p̂)/n + z²/4n²) / (1 + z²/n)``.
* A count ``k`` over an exposure gets the exact (Garwood) Poisson interval
  ``[χ²(α/2; 2k)/2, χ²(1−α/2; 2k+2)/2]``.
* A change against last year ``k1 / k0 − 1`` (equal exposures) gets the exact conditional
  interval: given ``k0 + k1``, ``k1`` is binomial with ``π = λ1 / (λ0 + λ1)``; the
  Clopper–Pearson interval of ``π`` maps to the rate ratio ``π / (1 − π)``.
* A projection to the campaign's end carries the figure at its present rate: a count
  scales by ``total days / days elapsed`` with the Poisson interval scaled alike; a share
  or a change keeps its value and its interval (the rest of the campaign is assumed to
  run as it has so far, which is all the data can say).
* The verdict compares the target with the projection's interval: *on track* when the
  whole interval meets it, *off track* when none of it does, *at risk* otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats as sps

DIRECTIONS = ("<=", ">=")
VERDICTS = ("on_track", "at_risk", "off_track")


@dataclass(frozen=True)
class Interval:
    """A two-sided interval ``[low, high]``."""

    low: float
    high: float


def wilson(k: int, n: int, alpha: float = 0.05) -> Interval | None:
    """Wilson score interval of the share ``k / n``; ``None`` when ``n == 0``."""
    if n <= 0:
        return None
    if not 0 <= k <= n:
        raise ValueError("k must be within 0 … n")
    z = float(sps.norm.ppf(1 - alpha / 2))
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def poisson_exact(k: int, alpha: float = 0.05) -> Interval:
    """Exact (Garwood) interval of a Poisson mean from one count ``k``."""
    if k < 0:
        raise ValueError("k must be ≥ 0")
    low = 0.0 if k == 0 else float(sps.chi2.ppf(alpha / 2, 2 * k)) / 2
    high = float(sps.chi2.ppf(1 - alpha / 2, 2 * k + 2)) / 2
    return Interval(low, high)


def change_interval(before: int, after: int, alpha: float = 0.05) -> Interval | None:
    """Return the exact conditional interval of ``after / before − 1``.

    Equal exposures; ``None`` when there is nothing to compare (``before + after == 0``).
    """
    n = before + after
    if n == 0:
        return None
    lo_pi = 0.0 if after == 0 else float(sps.beta.ppf(alpha / 2, after, n - after + 1))
    hi_pi = 1.0 if after == n else float(sps.beta.ppf(1 - alpha / 2, after + 1, n - after))
    low = lo_pi / (1 - lo_pi) - 1
    high = math.inf if hi_pi >= 1.0 else hi_pi / (1 - hi_pi) - 1
    return Interval(low, high)


def project_count(
    k: int, elapsed_days: int, total_days: int, alpha: float = 0.05
) -> tuple[float, Interval]:
    """Carry a count so far to the end at its present rate, with the Poisson interval."""
    if elapsed_days <= 0:
        raise ValueError("elapsed_days must be > 0")
    scale = total_days / elapsed_days
    band = poisson_exact(k, alpha)
    return k * scale, Interval(band.low * scale, band.high * scale)


def meets(value: float, direction: str, target: float) -> bool:
    """Tell whether ``value`` meets the target ``direction target``."""
    if direction == "<=":
        return value <= target
    if direction == ">=":
        return value >= target
    raise ValueError(f"direction must be one of {DIRECTIONS}")


def verdict(
    projected: float | None, band: Interval | None, direction: str, target: float
) -> str | None:
    """``on_track`` / ``at_risk`` / ``off_track`` (see the module); ``None`` without a value."""
    if projected is None:
        return None
    if band is None:
        return "on_track" if meets(projected, direction, target) else "off_track"
    low_ok, high_ok = meets(band.low, direction, target), meets(band.high, direction, target)
    if low_ok and high_ok:
        return "on_track"
    if not low_ok and not high_ok:
        return "off_track"
    return "at_risk"

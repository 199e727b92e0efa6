"""Empirical-Bayes (Poisson–gamma) shrinkage of each cell's rate toward its neighbourhood's.

Per crime type, each study cell's own rate is its exponentially decayed count turned into events
per day (as in the ``best`` model). Decayed counts are not Poisson counts; they are rescaled to
the Poisson counts that carry the same evidence: with ``E1 = int w(t) dt`` and ``E2 = int w(t)^2
dt`` over the history (``w`` the decay weight), a cell of rate ``r`` has an *effective exposure*
``E = E1^2 / E2`` days and an effective count ``y = r E`` whose variance is ``r E`` under a Poisson
process.

The prior of a cell's rate is a gamma of mean ``m`` (the mean own rate of the study cells within
``radius_cells`` cells of it, itself included, a square window) and shape ``a`` (one per type,
estimated by the method of moments over all study cells: ``E[y] = m E``, ``Var[y] = m E + (m
E)^2 / a``), times ``shape_scale``. The posterior mean

    ``(y + a) / (E + a / m) = w r + (1 - w) m``,  ``w = E m / (E m + a)``

lies between the cell's own rate and its neighbourhood's; the shrinkage is strongest where the
neighbourhood expects few events (little evidence), weakest in busy places. The shrunk rates are
summed over types, and the ``best`` model's short-term boost is added.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from scipy import ndimage

from pingan.algo.hotspots.grid import DAYS_PER_YEAR, HOURS_PER_DAY, Events, FloatArray, Grid
from pingan.algo.hotspots.models import BEST_DEFAULTS, cell_counts
from pingan.errors import InvalidInput

#: Settings of the shrinkage model: the ``best`` model's half-lives and boost; radius and shape
#: multiplier chosen on Toronto, second half of 2020 (bench/hotspots_eb.py).
SHRINK_DEFAULTS: dict[str, object] = {
    **BEST_DEFAULTS,
    "radius_cells": 2.0,
    "shape_scale": 0.25,
}


def neighbourhood_mean(grid: Grid, values: FloatArray, radius_cells: int) -> FloatArray:
    """Mean of ``values`` over the study cells within ``radius_cells`` (a square, self included)."""
    if radius_cells < 0:
        raise InvalidInput("the neighbourhood radius must be >= 0", field="radius_cells")
    size = 2 * radius_cells + 1
    total = np.zeros(grid.shape[0] * grid.shape[1])
    total[grid.cells] = values
    count = np.zeros_like(total)
    count[grid.cells] = 1.0
    s = ndimage.uniform_filter(total.reshape(grid.shape), size, mode="constant")
    n = ndimage.uniform_filter(count.reshape(grid.shape), size, mode="constant")
    own_n = grid.from_raster(n)
    return np.asarray(np.clip(grid.from_raster(s), 0.0, None) / own_n, dtype=float)


def effective_exposure_days(half_life_days: float, span_days: float) -> tuple[float, float]:
    """``(E1, E)``: the decay weights' integral over the history and the Poisson-equivalent days."""
    if not half_life_days > 0 or not span_days > 0:
        raise InvalidInput("half-life and history must be positive", field="half_life_days")
    lam = math.log(2.0) / half_life_days
    e1 = (1.0 - math.exp(-lam * span_days)) / lam
    e2 = (1.0 - math.exp(-2.0 * lam * span_days)) / (2.0 * lam)
    return e1, e1 * e1 / e2


def moment_shape(own: FloatArray, prior: FloatArray, exposure_days: float) -> float:
    """Gamma shape ``a`` by the method of moments; ``inf`` when there is no overdispersion."""
    y = own * exposure_days
    mu = prior * exposure_days
    excess = float(np.sum((y - mu) ** 2 - mu))
    if excess <= 0:
        return math.inf
    return float(np.sum(mu * mu)) / excess


def shrink(own: FloatArray, prior: FloatArray, exposure_days: float, shape: float) -> FloatArray:
    """Posterior mean rate ``(r E + a) / (E + a / m)``; the own rate where ``m`` is 0."""
    if not shape >= 0 or not exposure_days >= 0:
        raise InvalidInput("shape and exposure must be >= 0", field="shape_scale")
    if math.isinf(shape):
        return np.asarray(prior, dtype=float).copy()
    w = np.zeros_like(own)
    busy = prior > 0
    denom = exposure_days * prior[busy] + shape
    w[busy] = np.divide(
        exposure_days * prior[busy], denom, where=denom > 0, out=np.ones_like(denom)
    )
    w[~busy] = 1.0
    return np.asarray(w * own + (1.0 - w) * prior, dtype=float)


def _number(params: Mapping[str, object], name: str) -> float:
    value = params.get(name)
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise InvalidInput(f"parameter {name} must be a number", field=name)
    return float(value)


def type_rates(
    grid: Grid, ev: Events, at_h: float, half_life_days: float, span_days: float
) -> tuple[FloatArray, float]:
    """Each cell's decayed rate per day of the events ``ev`` and its effective exposure, days."""
    e1, exposure = effective_exposure_days(half_life_days, span_days)
    age_days = (at_h - ev.time_h) / HOURS_PER_DAY
    return cell_counts(grid, ev, np.exp2(-age_days / half_life_days) / e1), exposure


def shrunk_forecast(
    grid: Grid, events: Events, at_h: float, params: Mapping[str, object]
) -> FloatArray:
    """Score each study cell: per type shrunk rates summed, plus the short-term boost."""
    merged: dict[str, object] = {**SHRINK_DEFAULTS, **params}
    max_days = _number(merged, "max_days")
    radius = int(_number(merged, "radius_cells"))
    scale = _number(merged, "shape_scale")
    if scale < 0:
        raise InvalidInput("shape_scale must be >= 0", field="shape_scale")
    default_hl = _number(merged, "default_half_life_days")
    half_lives = merged.get("half_life_days", {})
    if not isinstance(half_lives, Mapping):
        raise InvalidInput("half_life_days must map crime types to days", field="half_life_days")
    ev = events.before(at_h)
    recent = ev.between(at_h - max_days * HOURS_PER_DAY, at_h)
    span_days = min(max_days, (at_h - float(ev.time_h[0])) / HOURS_PER_DAY) if len(ev) else 0.0
    score = np.zeros(grid.n_cells)
    if span_days <= 0:
        return score
    for kind in sorted(set(recent.type.tolist())):
        hl = half_lives.get(kind, default_hl)
        if not isinstance(hl, int | float) or isinstance(hl, bool) or not hl > 0:
            raise InvalidInput(f"half-life of {kind} must be a positive number")
        own, exposure = type_rates(grid, recent.of_types([kind]), at_h, float(hl), span_days)
        prior = neighbourhood_mean(grid, own, radius)
        shape = moment_shape(own, prior, exposure) * scale if scale > 0 else 0.0
        score += shrink(own, prior, exposure, shape)
    short_days = _number(merged, "short_days")
    short_weight = _number(merged, "short_weight")
    if short_weight and short_days > 0:
        week = recent.between(at_h - short_days * HOURS_PER_DAY, at_h)
        score += short_weight * cell_counts(grid, week) / DAYS_PER_YEAR
    return score

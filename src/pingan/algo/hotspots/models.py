"""Hot-spot forecasting models (naive, decay, kde, prospective, sepp, best) on a grid."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import ndimage, signal, special
from scipy.spatial import cKDTree

from pingan.algo.hotspots.grid import DAYS_PER_YEAR, HOURS_PER_DAY, Events, FloatArray, Grid
from pingan.errors import InvalidInput

MODELS: tuple[str, ...] = ("naive", "decay", "kde", "prospective", "sepp", "best")

#: Settings of the ``best`` model chosen on Toronto, second half of 2020 (bench/hotspots.py).
BEST_DEFAULTS: dict[str, object] = {
    "half_life_days": {
        "Assault": 182.0,
        "Auto Theft": 364.0,
        "Break and Enter": 728.0,
        "Robbery": 1456.0,
        "Theft Over": 1456.0,
    },
    "default_half_life_days": 364.0,
    "short_days": 7.0,
    "short_weight": 1.0,
    "max_days": 2922.0,
}


def cell_counts(grid: Grid, ev: Events, weights: FloatArray | None = None) -> FloatArray:
    """Count (or sum ``weights`` of) the events in each study cell."""
    inside = ev.cell >= 0
    w = None if weights is None else weights[inside]
    return np.bincount(ev.cell[inside], weights=w, minlength=grid.n_cells).astype(float)


def _param(params: Mapping[str, object], name: str, default: float) -> float:
    value = params.get(name, default)
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise InvalidInput(f"parameter {name} must be a number", field=name)
    return float(value)


def _window(ev: Events, at_h: float, days: float) -> Events:
    return ev.between(at_h - days * HOURS_PER_DAY, at_h)


def _naive(grid: Grid, ev: Events, at_h: float, params: Mapping[str, object]) -> FloatArray:
    return cell_counts(grid, _window(ev, at_h, _param(params, "window_days", 365.0)))


def _decay_weights(ev: Events, at_h: float, half_life_days: float) -> FloatArray:
    if not half_life_days > 0:
        raise InvalidInput("half-life must be positive", field="half_life_days")
    age_days = (at_h - ev.time_h) / HOURS_PER_DAY
    return np.asarray(np.exp2(-age_days / half_life_days), dtype=float)


def _decay(grid: Grid, ev: Events, at_h: float, params: Mapping[str, object]) -> FloatArray:
    recent = _window(ev, at_h, _param(params, "max_days", 2922.0))
    hl = _param(params, "half_life_days", 365.0)
    return cell_counts(grid, recent, _decay_weights(recent, at_h, hl))


def _fine_raster(grid: Grid, ev: Events, weights: FloatArray, sub: int) -> FloatArray:
    rows, cols = grid.shape
    step = grid.cell_m / sub
    c = np.floor((ev.x_m - grid.origin_x_m) / step).astype(np.int64)
    r = np.floor((ev.y_m - grid.origin_y_m) / step).astype(np.int64)
    ok = (c >= 0) & (c < cols * sub) & (r >= 0) & (r < rows * sub)
    flat = np.bincount(
        r[ok] * (cols * sub) + c[ok], weights=weights[ok], minlength=rows * sub * cols * sub
    )
    return np.asarray(flat, dtype=float).reshape(rows * sub, cols * sub)


def _gaussian_cells(grid: Grid, ev: Events, weights: FloatArray, sigma_m: float) -> FloatArray:
    """Sum over events of ``weights`` times the Gaussian mass (s.d. ``sigma_m``) in each cell."""
    sub = 3
    fine = _fine_raster(grid, ev, weights, sub)
    smooth = ndimage.gaussian_filter(fine, sigma=sigma_m / (grid.cell_m / sub), mode="constant")
    rows, cols = grid.shape
    coarse = smooth.reshape(rows, sub, cols, sub).sum(axis=(1, 3))
    return grid.from_raster(coarse)


def _kde(grid: Grid, ev: Events, at_h: float, params: Mapping[str, object]) -> FloatArray:
    recent = _window(ev, at_h, _param(params, "window_days", 365.0))
    bw = _param(params, "bandwidth_m", 150.0)
    if not bw > 0:
        raise InvalidInput("bandwidth must be positive", field="bandwidth_m")
    return _gaussian_cells(grid, recent, np.ones(len(recent)), bw)


def _prospective(grid: Grid, ev: Events, at_h: float, params: Mapping[str, object]) -> FloatArray:
    recent = _window(ev, at_h, _param(params, "window_days", 56.0))
    radius_m = _param(params, "radius_m", 400.0)
    weeks = np.floor((at_h - recent.time_h) / (7 * HOURS_PER_DAY))
    w = 1.0 / (1.0 + weeks)
    inside = recent.cell >= 0
    flat = np.zeros(grid.shape[0] * grid.shape[1])
    np.add.at(flat, grid.cells[recent.cell[inside]], w[inside])
    reach = math.floor(radius_m / grid.cell_m)
    off = np.arange(-reach, reach + 1, dtype=float)
    d_cells = np.hypot(off[:, None], off[None, :])
    kernel = np.where(d_cells * grid.cell_m <= radius_m, 1.0 / (1.0 + d_cells), 0.0)
    conv = signal.fftconvolve(flat.reshape(grid.shape), kernel, mode="same")
    return np.clip(grid.from_raster(conv), 0.0, None)


@dataclass(frozen=True)
class SeppFit:
    """A fitted self-exciting point process on a grid.

    Attributes
    ----------
    background_per_day
        ``mu_c``: background events per day in each study cell.
    theta
        Expected number of events each event triggers.
    omega_per_day
        Decay rate of the triggering kernel, 1/day (mean delay ``1 / omega_per_day`` days).
    sigma_m
        Standard deviation of the Gaussian spatial triggering kernel, metres.
    iterations
        EM iterations run.
    log_likelihood
        Log-likelihood at the end (pairs beyond the cut-offs ignored).
    """

    background_per_day: FloatArray
    theta: float
    omega_per_day: float
    sigma_m: float
    iterations: int
    log_likelihood: float


def fit_sepp(
    grid: Grid,
    events: Events,
    start_h: float,
    end_h: float,
    *,
    theta: float = 0.2,
    omega_per_day: float = 0.1,
    sigma_m: float = 100.0,
    max_distance_m: float = 500.0,
    max_lag_days: float = 90.0,
    iterations: int = 40,
    tol: float = 1e-5,
) -> SeppFit:
    """Fit the grid SEPP by expectation–maximisation on the events of ``[start_h, end_h)``.

    The intensity is per cell and per day. E-step: for each event ``i`` in cell ``c_i``,
    ``lambda_i = mu_{c_i} + sum_j theta omega exp(-omega dt_ij) G(c_i | x_j)`` with
    ``G(c | x)`` the mass of the Gaussian of s.d. ``sigma`` around ``x`` inside cell ``c``
    (pairs ``j`` earlier than ``i`` within ``max_distance_m`` and ``max_lag_days``); the
    probability that ``j`` triggered ``i`` is ``p_ij = theta omega exp(-omega dt_ij)
    G(c_i | x_j) / lambda_i`` and that ``i`` is background ``p_i = mu_{c_i} / lambda_i``.
    M-step: ``mu_c = sum_{i in c} p_i / T``; ``theta = sum p_ij / sum_j (1 - exp(-omega
    (T - t_j)))``; ``omega = sum p_ij / sum p_ij dt_ij``; ``sigma^2 = sum p_ij d_ij^2 / (2 sum
    p_ij) + cell^2 / 12`` (a moment estimate taking the child's position as uniform in its
    cell: Toronto's points are snapped to intersections, and without it ``sigma`` collapses).
    """
    ev = events.between(start_h, end_h)
    ev = ev.take(ev.cell >= 0)
    span_days = (end_h - start_h) / HOURS_PER_DAY
    if span_days <= 0:
        raise InvalidInput("the fitting period must be positive", field="window_days")
    n = len(ev)
    counts = cell_counts(grid, ev)
    mu = counts / span_days * 0.8
    if n < 2:
        return SeppFit(mu, 0.0, omega_per_day, sigma_m, 0, 0.0)
    t_days = (ev.time_h - start_h) / HOURS_PER_DAY
    tree = cKDTree(np.column_stack([ev.x_m, ev.y_m]))
    pairs = tree.query_pairs(max_distance_m, output_type="ndarray")
    a, b = pairs[:, 0], pairs[:, 1]
    # events are sorted by time: the later one is the larger index; equal times do not trigger
    dt = t_days[b] - t_days[a]
    keep = (dt > 0) & (dt <= max_lag_days)
    parent, child, dt = a[keep], b[keep], dt[keep]
    d2 = (ev.x_m[child] - ev.x_m[parent]) ** 2 + (ev.y_m[child] - ev.y_m[parent]) ** 2
    # bounds of the child's cell, metres, to take the Gaussian mass that falls in it
    flat = grid.cells[ev.cell[child]]
    row, col = np.divmod(flat, grid.shape[1])
    x_lo = grid.origin_x_m + col * grid.cell_m - ev.x_m[parent]
    y_lo = grid.origin_y_m + row * grid.cell_m - ev.y_m[parent]
    remaining = span_days - t_days
    log_lik = -math.inf
    it = 0
    for it in range(1, iterations + 1):  # noqa: B007
        mass_in_cell = (
            special.ndtr((x_lo + grid.cell_m) / sigma_m) - special.ndtr(x_lo / sigma_m)
        ) * (special.ndtr((y_lo + grid.cell_m) / sigma_m) - special.ndtr(y_lo / sigma_m))
        trig = theta * omega_per_day * np.exp(-omega_per_day * dt) * mass_in_cell
        lam = mu[ev.cell] + np.bincount(child, weights=trig, minlength=n)
        lam = np.maximum(lam, 1e-300)
        p_bg = mu[ev.cell] / lam
        p_trig = trig / lam[child]
        mass = float(p_trig.sum())
        mu = np.bincount(ev.cell, weights=p_bg, minlength=grid.n_cells) / span_days
        exposure = float(np.sum(1.0 - np.exp(-omega_per_day * remaining)))
        theta = mass / exposure if exposure > 0 else 0.0
        if mass > 0:
            omega_per_day = mass / float(np.sum(p_trig * dt))
            # moment estimate, the child's position taken as uniform in its cell (+ cell^2 / 6)
            sigma_m = math.sqrt(float(np.sum(p_trig * d2)) / (2 * mass) + grid.cell_m**2 / 12)
        new_ll = float(np.sum(np.log(lam))) - float(mu.sum()) * span_days - theta * exposure
        if abs(new_ll - log_lik) <= tol * max(1.0, abs(new_ll)):
            log_lik = new_ll
            break
        log_lik = new_ll
    return SeppFit(mu, float(theta), float(omega_per_day), float(sigma_m), it, log_lik)


def _sepp(grid: Grid, ev: Events, at_h: float, params: Mapping[str, object]) -> FloatArray:
    window_days = _param(params, "window_days", 365.0)
    horizon_h = _param(params, "horizon_h", 7 * HOURS_PER_DAY)
    fit = fit_sepp(
        grid,
        ev,
        at_h - window_days * HOURS_PER_DAY,
        at_h,
        max_distance_m=_param(params, "max_distance_m", 500.0),
        max_lag_days=_param(params, "max_lag_days", 90.0),
        iterations=int(_param(params, "iterations", 40.0)),
    )
    return sepp_expected(grid, ev, fit, at_h, horizon_h)


def sepp_expected(
    grid: Grid, events: Events, fit: SeppFit, at_h: float, horizon_h: float
) -> FloatArray:
    """Expect events per cell in ``[at_h, at_h + horizon_h)`` under a fitted SEPP.

    ``mu_c * h + sum_j theta (exp(-omega (at - t_j)) - exp(-omega (at + h - t_j))) G_c(x_j)``
    over events before ``at_h`` (the triggering of events inside the window is ignored).
    """
    h_days = horizon_h / HOURS_PER_DAY
    lag_days = 10.0 / fit.omega_per_day if fit.omega_per_day > 0 else 0.0
    recent = _window(events, at_h, lag_days)
    age = (at_h - recent.time_h) / HOURS_PER_DAY
    w = fit.theta * (np.exp(-fit.omega_per_day * age) - np.exp(-fit.omega_per_day * (age + h_days)))
    trig = _gaussian_cells(grid, recent, w, fit.sigma_m) if len(recent) else 0.0
    return np.asarray(fit.background_per_day * h_days + trig, dtype=float)


def _best(grid: Grid, ev: Events, at_h: float, params: Mapping[str, object]) -> FloatArray:
    merged: dict[str, object] = {**BEST_DEFAULTS, **params}
    max_days = _param(merged, "max_days", 2922.0)
    default_hl = _param(merged, "default_half_life_days", 364.0)
    half_lives = merged.get("half_life_days", {})
    if not isinstance(half_lives, Mapping):
        raise InvalidInput("half_life_days must map crime types to days", field="half_life_days")
    recent = _window(ev, at_h, max_days)
    span_days = min(max_days, (at_h - float(ev.time_h[0])) / HOURS_PER_DAY) if len(ev) else 0.0
    if span_days <= 0:
        return np.zeros(grid.n_cells)
    hl = np.full(len(recent), default_hl)
    for kind, days in half_lives.items():
        if not isinstance(days, int | float) or isinstance(days, bool) or not days > 0:
            raise InvalidInput(f"half-life of {kind} must be a positive number")
        hl[recent.type == kind] = float(days)
    age_days = (at_h - recent.time_h) / HOURS_PER_DAY
    # the decayed weights integrate to hl / ln 2 (1 - 2^(-span / hl)) days: a rate per day
    norm = hl / math.log(2.0) * (1.0 - np.exp2(-span_days / hl))
    score = cell_counts(grid, recent, np.exp2(-age_days / hl) / norm)
    short_days = _param(merged, "short_days", 7.0)
    short_weight = _param(merged, "short_weight", 0.0)
    if short_weight and short_days > 0:
        # each event of the last short_days counts short_weight times more, as if seen in a year
        score += short_weight * cell_counts(grid, _window(recent, at_h, short_days)) / DAYS_PER_YEAR
    return score


ModelFn = Callable[[Grid, Events, float, Mapping[str, object]], FloatArray]
_MODEL_FNS: dict[str, ModelFn] = {
    "naive": _naive,
    "decay": _decay,
    "kde": _kde,
    "prospective": _prospective,
    "sepp": _sepp,
    "best": _best,
}


def forecast_hotspots(
    events: Events,
    grid: Grid,
    at_h: float,
    horizon_h: float,
    model: str = "best",
    params: Mapping[str, object] | None = None,
) -> FloatArray:
    """Score every study cell for the window ``[at_h, at_h + horizon_h)``.

    Parameters
    ----------
    events
        History on ``grid`` (:func:`events_on_grid`); events at or after ``at_h`` are ignored.
    grid
        The grid the events were placed on.
    at_h
        Start of the forecast window, hours since 1970-01-01.
    horizon_h
        Length of the window, hours (used by ``sepp``; the other models rank the same for any
        horizon).
    model
        One of :data:`MODELS`.
    params
        The model's settings (see the module docstring); defaults when omitted.

    Returns
    -------
    numpy.ndarray
        One non-negative score per study cell (``grid.cells`` order); higher is hotter.
    """
    fn = _MODEL_FNS.get(model)
    if fn is None:
        raise InvalidInput(
            f"unknown model {model!r}; choose from {', '.join(MODELS)}", field="model"
        )
    if not horizon_h > 0:
        raise InvalidInput("horizon must be positive", field="horizon")
    merged: dict[str, object] = dict(params or {})
    if model == "sepp":
        merged.setdefault("horizon_h", horizon_h)
    return fn(grid, events.before(at_h), at_h, merged)

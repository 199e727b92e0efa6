"""Hot-spot forecasting on a square grid, and its honest evaluation.

A :class:`Grid` of square cells (``cell_m`` metres, default 150 m) is laid in a projected metric
CRS (the local UTM zone of the data); its *study cells* are the cells that hold at least one
event of the whole data set (or the cells the caller names). Every model returns one score per
study cell for the window ``[at, at + horizon)``: a higher score means more expected crime.
Only events strictly before ``at`` are used; :func:`forecast_hotspots` drops the others itself,
and :func:`evaluate_forecasts` never even hands them over.

Models (``model=`` name and its ``params``):

``naive``
    Counts of the last ``window_days`` (default 365) days.
``decay``
    Exponentially decayed counts: ``sum_i 0.5 ** (age_i / half_life_days)`` over the last
    ``max_days`` (default 2922) days.
``kde``
    Gaussian kernel density (``bandwidth_m``, default 150 m) of the events of the last
    ``window_days`` days, integrated over each cell (binned on a sub-grid of a third of a cell).
``prospective``
    Prospective hot-spotting (Bowers, Johnson & Pease 2004): each event of the last
    ``window_days`` (default 56) days within ``radius_m`` (default 400 m) of the cell centre adds
    ``1 / (1 + d_cells) * 1 / (1 + age_weeks)``, with ``d_cells`` the centre-to-centre distance
    in cells and ``age_weeks`` the whole weeks elapsed.
``sepp``
    Self-exciting point process (Mohler et al. 2011; on a grid as in Mohler et al. 2015):
    ``lambda_c(t) = mu_c + sum_{t_j < t} theta * omega * exp(-omega (t - t_j)) * G_c(x_j)``
    with a constant background rate ``mu_c`` per cell, an exponential triggering kernel in time
    and a Gaussian one in space (``G_c`` the mass of an isotropic Gaussian of s.d. ``sigma_m``
    around ``x_j`` that falls in cell ``c``), fitted by expectation–maximisation on the events of
    the last ``window_days`` (default 365) days (:func:`fit_sepp`). The score is the expected
    count in the window.
``best``
    pingan's blend: per crime type, an exponentially decayed rate with a type-specific half-life
    (``half_life_days``, a mapping type → days; on Toronto: half a year for assault, one year
    for auto theft, two for break and enter, four for robbery and theft over — the rarer or the
    more place-bound the crime, the longer the memory), each turned into events per day, summed over
    types, plus a short-term boost: each event of the last ``short_days`` days adds
    ``short_weight / 365.25`` per day (it counts ``short_weight`` times extra, as one more event
    of a year's history would). Its settings are tuned on a validation period only.

Evaluation (:func:`evaluate_forecasts`): rolling windows ``[start + k h, start + (k+1) h)``; for
each window and model the top ``round(f * n_cells)`` cells for each coverage ``f`` (ties broken by
cell order) are flagged, and over all windows

- hit rate = sum of events in flagged cells / sum of events,
- PAI = hit rate / area share, with area share = flagged cells / study cells,
- PEI = sum of hits / sum of *window-oracle* hits, the window oracle being the best possible map
  for that window (its top cells by the window's own counts) at the same number of cells.

The ``oracle`` row is the best *fixed* map for the whole evaluation period: the top cells by the
counts of ``[start, end)`` themselves, scored against every window (its PEI uses the same
window-oracle denominator).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from pyproj import Transformer
from scipy import ndimage, signal, special
from scipy.spatial import cKDTree

from pingan.errors import InvalidInput

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

HOURS_PER_DAY = 24.0
DAYS_PER_YEAR = 365.25
DEFAULT_COVERAGES: tuple[float, ...] = (0.005, 0.01, 0.05, 0.1)
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


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS 84 UTM zone holding ``(lon, lat)`` in degrees."""
    zone = math.floor((lon + 180.0) / 6.0) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


@dataclass(frozen=True)
class Grid:
    """A square grid in a projected metric CRS, restricted to its study cells.

    Attributes
    ----------
    epsg
        The projected CRS (a UTM zone) in which cells are square.
    origin_x_m, origin_y_m
        Lower-left corner of cell ``(row 0, col 0)`` in that CRS, metres.
    cell_m
        Side of a cell, metres.
    shape
        ``(rows, cols)`` of the full raster.
    cells
        Flat raster index ``row * cols + col`` of each study cell, ascending. Scores and counts
        are indexed like this array.
    centroids_lonlat
        ``(n, 2)`` centre of each study cell, lon/lat degrees.
    polygons_lonlat
        ``(n, 5, 2)`` closed ring of each study cell, lon/lat degrees (for drawing).
    """

    epsg: int
    origin_x_m: float
    origin_y_m: float
    cell_m: float
    shape: tuple[int, int]
    cells: IntArray
    centroids_lonlat: FloatArray = field(repr=False)
    polygons_lonlat: FloatArray = field(repr=False)

    @property
    def n_cells(self) -> int:
        """Number of study cells."""
        return int(self.cells.size)

    def project(self, lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Project lon/lat degrees to the grid's CRS (metres)."""
        tr = Transformer.from_crs(4326, self.epsg, always_xy=True)
        x, y = tr.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def raster_index(self, x_m: FloatArray, y_m: FloatArray) -> IntArray:
        """Flat raster index of projected points; -1 outside the raster."""
        col = np.floor((np.asarray(x_m) - self.origin_x_m) / self.cell_m).astype(np.int64)
        row = np.floor((np.asarray(y_m) - self.origin_y_m) / self.cell_m).astype(np.int64)
        rows, cols = self.shape
        inside = (col >= 0) & (col < cols) & (row >= 0) & (row < rows)
        return np.where(inside, row * cols + col, -1)

    def cell_index(self, x_m: FloatArray, y_m: FloatArray) -> IntArray:
        """Index into :attr:`cells` of projected points; -1 outside the study cells."""
        flat = self.raster_index(x_m, y_m)
        pos = np.searchsorted(self.cells, flat)
        pos = np.clip(pos, 0, max(self.cells.size - 1, 0))
        found = (flat >= 0) & (self.cells.size > 0) & (self.cells[pos] == flat)
        return np.where(found, pos, -1).astype(np.int64)

    def to_raster(self, values: FloatArray) -> FloatArray:
        """Put per-study-cell ``values`` into a ``shape`` raster (zeros elsewhere)."""
        out = np.zeros(self.shape[0] * self.shape[1])
        out[self.cells] = values
        return out.reshape(self.shape)

    def from_raster(self, raster: FloatArray) -> FloatArray:
        """Read a ``shape`` raster at the study cells."""
        return np.asarray(raster.reshape(-1)[self.cells], dtype=float)


def make_grid(
    lon: FloatArray,
    lat: FloatArray,
    cell_m: float = 150.0,
    *,
    epsg: int | None = None,
) -> Grid:
    """Lay a grid over points and keep the cells that hold at least one of them.

    Parameters
    ----------
    lon, lat
        Points in degrees (typically every event of the data set).
    cell_m
        Side of a cell in metres.
    epsg
        Projected CRS; default the UTM zone of the points' mean position.

    Returns
    -------
    Grid
        Origin at the points' lower-left corner floored to a multiple of ``cell_m``.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.size == 0 or lon.shape != lat.shape:
        raise InvalidInput("need at least one point, with as many lat as lon values")
    if not (np.all(np.isfinite(lon)) and np.all(np.isfinite(lat))):
        raise InvalidInput("coordinates must be finite numbers")
    if not cell_m > 0:
        raise InvalidInput("cell size must be positive", field="cell_m")
    code = epsg if epsg is not None else utm_epsg(float(lon.mean()), float(lat.mean()))
    tr = Transformer.from_crs(4326, code, always_xy=True)
    x, y = (np.asarray(v, dtype=float) for v in tr.transform(lon, lat))
    x0 = math.floor(float(x.min()) / cell_m) * cell_m
    y0 = math.floor(float(y.min()) / cell_m) * cell_m
    cols = int((x.max() - x0) // cell_m) + 1
    rows = int((y.max() - y0) // cell_m) + 1
    col = ((x - x0) // cell_m).astype(np.int64)
    row = ((y - y0) // cell_m).astype(np.int64)
    cells = np.unique(row * cols + col)
    return grid_from_cells(code, x0, y0, cell_m, (rows, cols), cells)


def grid_from_cells(
    epsg: int,
    origin_x_m: float,
    origin_y_m: float,
    cell_m: float,
    shape: tuple[int, int],
    cells: IntArray,
) -> Grid:
    """Build a :class:`Grid` from its raster description and study cells (flat indices)."""
    cells = np.unique(np.asarray(cells, dtype=np.int64))
    rows, cols = shape
    if cells.size and (cells[0] < 0 or cells[-1] >= rows * cols):
        raise InvalidInput("study cells must lie in the raster", field="cells")
    r, c = np.divmod(cells, cols)
    xs = origin_x_m + c * cell_m
    ys = origin_y_m + r * cell_m
    corners = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]], dtype=float) * cell_m
    ring_x = xs[:, None] + corners[None, :, 0]
    ring_y = ys[:, None] + corners[None, :, 1]
    tr = Transformer.from_crs(epsg, 4326, always_xy=True)
    plon, plat = tr.transform(ring_x.ravel(), ring_y.ravel())
    polygons = np.stack([np.asarray(plon), np.asarray(plat)], axis=1).reshape(-1, 5, 2)
    clon, clat = tr.transform(xs + cell_m / 2, ys + cell_m / 2)
    centroids = np.stack([np.asarray(clon, dtype=float), np.asarray(clat, dtype=float)], axis=1)
    return Grid(
        epsg=epsg,
        origin_x_m=float(origin_x_m),
        origin_y_m=float(origin_y_m),
        cell_m=float(cell_m),
        shape=(int(rows), int(cols)),
        cells=cells,
        centroids_lonlat=centroids.reshape(-1, 2),
        polygons_lonlat=polygons,
    )


@dataclass(frozen=True)
class Events:
    """Events placed on a grid, sorted by time.

    Attributes
    ----------
    time_h
        Occurrence time, hours since 1970-01-01 00:00 (local clock), ascending.
    x_m, y_m
        Position in the grid's CRS, metres.
    cell
        Index into ``Grid.cells``; -1 when outside the study cells.
    type
        Crime type of each event.
    """

    time_h: FloatArray
    x_m: FloatArray
    y_m: FloatArray
    cell: IntArray
    type: NDArray[np.str_]

    def __len__(self) -> int:
        """Return the number of events."""
        return int(self.time_h.size)

    def take(self, index: IntArray | NDArray[np.bool_] | slice) -> Events:
        """Select the events at ``index`` (order kept)."""
        return Events(
            self.time_h[index], self.x_m[index], self.y_m[index], self.cell[index], self.type[index]
        )

    def before(self, t_h: float) -> Events:
        """Events with ``time_h < t_h``."""
        return self.take(slice(0, int(np.searchsorted(self.time_h, t_h, side="left"))))

    def between(self, t0_h: float, t1_h: float) -> Events:
        """Events with ``t0_h <= time_h < t1_h``."""
        i0 = int(np.searchsorted(self.time_h, t0_h, side="left"))
        i1 = int(np.searchsorted(self.time_h, t1_h, side="left"))
        return self.take(slice(i0, i1))

    def of_types(self, types: Sequence[str]) -> Events:
        """Events whose type is in ``types``."""
        return self.take(np.isin(self.type, np.asarray(list(types))))


def to_hours(times: NDArray[np.datetime64]) -> FloatArray:
    """``datetime64`` values to hours since 1970-01-01 00:00."""
    seconds = np.asarray(times).astype("datetime64[s]").astype(np.int64)
    return seconds.astype(float) / 3600.0


def events_on_grid(
    grid: Grid,
    time_h: FloatArray,
    lon: FloatArray,
    lat: FloatArray,
    types: Sequence[str] | NDArray[np.str_] | None = None,
) -> Events:
    """Project events onto ``grid`` and sort them by time.

    Parameters
    ----------
    time_h
        Hours since 1970-01-01 (see :func:`to_hours`).
    lon, lat
        Degrees.
    types
        Crime type per event; ``""`` for all when omitted.
    """
    time_h = np.asarray(time_h, dtype=float)
    if not (time_h.shape == np.shape(lon) == np.shape(lat)):
        raise InvalidInput("time, lon and lat must have the same length")
    kinds = np.asarray(types if types is not None else [""] * time_h.size).astype(np.str_)
    if kinds.shape != time_h.shape:
        raise InvalidInput("types must have one value per event", field="types")
    x, y = grid.project(np.asarray(lon), np.asarray(lat))
    order = np.argsort(time_h, kind="stable")
    cell = grid.cell_index(x, y)
    return Events(time_h[order], x[order], y[order], cell[order], kinds[order])


# --------------------------------------------------------------------------------------------
# models


def _counts(grid: Grid, ev: Events, weights: FloatArray | None = None) -> FloatArray:
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
    return _counts(grid, _window(ev, at_h, _param(params, "window_days", 365.0)))


def _decay_weights(ev: Events, at_h: float, half_life_days: float) -> FloatArray:
    if not half_life_days > 0:
        raise InvalidInput("half-life must be positive", field="half_life_days")
    age_days = (at_h - ev.time_h) / HOURS_PER_DAY
    return np.asarray(np.exp2(-age_days / half_life_days), dtype=float)


def _decay(grid: Grid, ev: Events, at_h: float, params: Mapping[str, object]) -> FloatArray:
    recent = _window(ev, at_h, _param(params, "max_days", 2922.0))
    hl = _param(params, "half_life_days", 365.0)
    return _counts(grid, recent, _decay_weights(recent, at_h, hl))


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
    counts = _counts(grid, ev)
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
    score = _counts(grid, recent, np.exp2(-age_days / hl) / norm)
    short_days = _param(merged, "short_days", 7.0)
    short_weight = _param(merged, "short_weight", 0.0)
    if short_weight and short_days > 0:
        # each event of the last short_days counts short_weight times more, as if seen in a year
        score += short_weight * _counts(grid, _window(recent, at_h, short_days)) / DAYS_PER_YEAR
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


# --------------------------------------------------------------------------------------------
# evaluation


@dataclass(frozen=True)
class EvaluationRow:
    """Hit rate, PAI and PEI of one model at one coverage, summed over all windows.

    ``hit_rate`` and ``coverage`` are fractions (0.05 = 5 %).
    """

    model: str
    coverage: float
    cells: int
    hits: int
    events: int
    oracle_hits: int
    hit_rate: float
    pai: float
    pei: float


@dataclass(frozen=True)
class Evaluation:
    """Result of :func:`evaluate_forecasts`.

    Attributes
    ----------
    rows
        One row per (model, coverage), in the order of the models asked, then ``oracle``.
    windows
        ``(start_h, end_h)`` of each forecast window.
    n_events
        Events in the evaluation period inside the study cells.
    n_cells
        Study cells (the denominator of area shares).
    seconds
        Mean wall time of one forecast, per model.
    """

    rows: tuple[EvaluationRow, ...]
    windows: tuple[tuple[float, float], ...]
    n_events: int
    n_cells: int
    seconds: Mapping[str, float]

    def row(self, model: str, coverage: float) -> EvaluationRow:
        """Return the row of ``model`` at ``coverage``."""
        for r in self.rows:
            if r.model == model and math.isclose(r.coverage, coverage):
                return r
        raise InvalidInput(f"no row for {model} at {coverage}")


def flagged_cells(n_cells: int, coverage: float) -> int:
    """Count the cells flagged at ``coverage`` (a fraction): ``round(coverage * n_cells)``."""
    return max(1, round(coverage * n_cells))


def top_cells(scores: FloatArray, k: int) -> IntArray:
    """Return the indices of the ``k`` highest scores, ties broken by lower index."""
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    return np.asarray(order[:k], dtype=np.int64)


def evaluate_forecasts(
    events: Events,
    grid: Grid,
    start_h: float,
    end_h: float,
    horizon_h: float,
    models: Mapping[str, tuple[str, Mapping[str, object]]],
    *,
    coverages: Sequence[float] = DEFAULT_COVERAGES,
    on_window: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Evaluate on rolling windows: forecast each from the events before it only.

    Parameters
    ----------
    events
        All events on ``grid`` (history and evaluation period alike).
    start_h, end_h
        Evaluation period, hours since 1970-01-01; windows of ``horizon_h`` start at ``start_h``,
        the last one is cut at ``end_h``.
    models
        Label → ``(model, params)`` for :func:`forecast_hotspots`.
    coverages
        Area shares (fractions of the study cells) at which hits are counted.
    on_window
        Called with ``(window index, number of windows)`` after each window (progress).

    Returns
    -------
    Evaluation
        Rows for each model and an ``oracle`` row (best fixed map for ``[start_h, end_h)``).
    """
    if not end_h > start_h:
        raise InvalidInput("the evaluation period is empty", field="to")
    if not horizon_h > 0:
        raise InvalidInput("horizon must be positive", field="horizon")
    if any(not 0 < f <= 1 for f in coverages):
        raise InvalidInput("coverages must be fractions in (0, 1]", field="coverages")
    n = grid.n_cells
    ks = [flagged_cells(n, f) for f in coverages]
    starts = np.arange(start_h, end_h, horizon_h)
    windows = tuple((float(s), float(min(s + horizon_h, end_h))) for s in starts)
    hits = {label: np.zeros(len(ks), dtype=np.int64) for label in models}
    oracle_hits = np.zeros(len(ks), dtype=np.int64)
    seconds = dict.fromkeys(models, 0.0)
    total = 0
    window_counts = []
    for w, (t0, t1) in enumerate(windows):
        outcome = _counts(grid, events.between(t0, t1)).astype(np.int64)
        window_counts.append(outcome)
        total += int(outcome.sum())
        best_sorted = np.sort(outcome)[::-1]
        oracle_hits += np.array([best_sorted[:k].sum() for k in ks], dtype=np.int64)
        history = events.before(t0)
        for label, (model, params) in models.items():
            tic = time.perf_counter()
            scores = forecast_hotspots(history, grid, t0, t1 - t0, model, params)
            seconds[label] += time.perf_counter() - tic
            order = top_cells(scores, max(ks))
            hits[label] += np.array([outcome[order[:k]].sum() for k in ks], dtype=np.int64)
        if on_window is not None:
            on_window(w, len(windows))
    period = np.sum(window_counts, axis=0) if window_counts else np.zeros(n, dtype=np.int64)
    fixed = top_cells(period.astype(float), max(ks))
    fixed_hits = {"oracle": np.array([period[fixed[:k]].sum() for k in ks], dtype=np.int64)}
    rows: list[EvaluationRow] = []
    for label, h in {**hits, **fixed_hits}.items():
        for i, (f, k) in enumerate(zip(coverages, ks, strict=True)):
            rate = float(h[i]) / total if total else 0.0
            rows.append(
                EvaluationRow(
                    model=label,
                    coverage=float(f),
                    cells=k,
                    hits=int(h[i]),
                    events=total,
                    oracle_hits=int(oracle_hits[i]),
                    hit_rate=rate,
                    pai=rate / (k / n),
                    pei=float(h[i]) / float(oracle_hits[i]) if oracle_hits[i] else 0.0,
                )
            )
    per_forecast = {label: s / max(len(windows), 1) for label, s in seconds.items()}
    return Evaluation(tuple(rows), windows, total, n, per_forecast)

"""The study grid and the events on it: square cells in a projected metric CRS."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from pyproj import Transformer

from pingan.errors import InvalidInput

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

HOURS_PER_DAY = 24.0
DAYS_PER_YEAR = 365.25


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

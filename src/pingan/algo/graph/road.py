"""The travel-time road graph of one mode as forward CSR arrays, and its array form."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyproj
import scipy.sparse as sp
from scipy.spatial import cKDTree

from pingan.algo import _io
from pingan.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
StrArray = npt.NDArray[np.str_]

#: Travel modes a graph can be built for.
MODES = ("car", "ebike", "foot")

EARTH_RADIUS_M = 6_371_008.8
_FORMAT_VERSION = 1


def haversine_m(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    """Great-circle distance in metres between coordinate arrays (degrees)."""
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    out: FloatArray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def utm_epsg(lat: float, lon: float) -> int:
    """EPSG code of the WGS 84 / UTM zone containing a point (326xx north, 327xx south)."""
    zone = math.floor((lon + 180.0) / 6.0) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """A directed travel-time graph in forward CSR form.

    Edges leaving node ``u`` are ``indptr[u]:indptr[u + 1]``; edge ``e`` goes to
    ``head[e]`` and takes ``time_s[e]`` seconds over ``length_m[e]`` metres. Between
    any two nodes there is at most one edge.

    Attributes
    ----------
    mode
        ``"car"``, ``"ebike"`` or ``"foot"``.
    lat, lon
        Node coordinates in degrees (WGS 84), shape ``(n_nodes,)``.
    x, y
        Node coordinates in metres in the projected CRS ``epsg`` (the UTM zone of
        the network's centre).
    epsg
        EPSG code of ``x``/``y``.
    indptr, head, time_s, length_m
        The CSR arrays: ``indptr`` has ``n_nodes + 1`` entries.
    osm_id
        OSM node id of each node.
    geom_offsets, geom_lat, geom_lon
        Edge geometry: edge ``e``'s vertices (from tail to head, both included) are
        ``geom_lat[geom_offsets[e]:geom_offsets[e + 1]]`` (and ``geom_lon``).
    edge_name
        Index into ``names`` of each edge's street name, ``-1`` where unnamed.
    edge_highway
        Index into ``highway_classes`` of each edge's OSM ``highway`` value.
    names, highway_classes
        The string tables for ``edge_name`` and ``edge_highway``.
    """

    mode: str
    lat: FloatArray
    lon: FloatArray
    x: FloatArray
    y: FloatArray
    epsg: int
    indptr: IntArray
    head: Int32Array
    time_s: FloatArray
    length_m: FloatArray
    osm_id: IntArray
    geom_offsets: IntArray
    geom_lat: FloatArray
    geom_lon: FloatArray
    edge_name: Int32Array
    edge_highway: Int32Array
    names: tuple[str, ...]
    highway_classes: tuple[str, ...]

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.lat.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return int(self.head.shape[0])

    @cached_property
    def tail(self) -> Int32Array:
        """Tail node of every edge (the CSR row expanded)."""
        out: Int32Array = np.repeat(
            np.arange(self.n_nodes, dtype=np.int32), np.diff(self.indptr)
        ).astype(np.int32)
        return out

    def to_scipy(self) -> sp.csr_matrix:
        """Return the graph as a ``scipy.sparse.csr_matrix`` of travel times (seconds)."""
        return self.csr

    @cached_property
    def csr(self) -> sp.csr_matrix:
        """Cached forward adjacency matrix: ``csr[u, v]`` is the travel time u → v in s."""
        return sp.csr_matrix(
            (self.time_s, self.head, self.indptr), shape=(self.n_nodes, self.n_nodes)
        )

    @cached_property
    def csr_reverse(self) -> sp.csr_matrix:
        """Cached transpose (as CSR): searches on it give times *to* a node."""
        return self.csr.transpose().tocsr()

    @cached_property
    def kdtree(self) -> cKDTree:
        """KD-tree over the projected node coordinates (metres)."""
        return cKDTree(np.column_stack([self.x, self.y]))

    @cached_property
    def transformer(self) -> pyproj.Transformer:
        """Transformer from lon/lat (WGS 84) to the graph's projected x/y in metres."""
        return pyproj.Transformer.from_crs(4326, self.epsg, always_xy=True)

    def project(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Project WGS 84 degrees to the graph's x/y metres."""
        xs, ys = self.transformer.transform(
            np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
        )
        return np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)

    def unproject(self, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Back from x/y metres to WGS 84; returns ``(lat, lon)`` in degrees."""
        lons, lats = self.transformer.transform(
            np.asarray(x, dtype=np.float64),
            np.asarray(y, dtype=np.float64),
            direction=pyproj.enums.TransformDirection.INVERSE,
        )
        return np.asarray(lats, dtype=np.float64), np.asarray(lons, dtype=np.float64)

    def edge_index(self, tail: int, head: int) -> int:
        """Index of the edge ``tail → head``; raises ``KeyError`` when there is none."""
        start, stop = int(self.indptr[tail]), int(self.indptr[tail + 1])
        hits = np.flatnonzero(self.head[start:stop] == head)
        if hits.size == 0:
            raise KeyError((tail, head))
        return start + int(hits[0])

    def edge_coordinates(self, edge: int) -> tuple[FloatArray, FloatArray]:
        """Vertices of one edge as ``(lat, lon)`` arrays, from tail to head."""
        a, b = int(self.geom_offsets[edge]), int(self.geom_offsets[edge + 1])
        return self.geom_lat[a:b], self.geom_lon[a:b]

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        """Return the graph as named arrays (what :meth:`save` writes; no pickle needed)."""
        arrays: dict[str, npt.NDArray[Any]] = {
            "format_version": np.asarray(_FORMAT_VERSION, dtype=np.int64),
            "mode": np.array(self.mode),
            "epsg": np.asarray(self.epsg, dtype=np.int64),
            "names": np.array(self.names, dtype=np.str_),
            "highway_classes": np.array(self.highway_classes, dtype=np.str_),
        }
        for key in _ARRAY_FIELDS:
            arrays[key] = getattr(self, key)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[Any]]) -> RoadGraph:
        """Rebuild a graph from :meth:`to_arrays`; raises ``InvalidInput`` on another format."""
        if "format_version" not in arrays:
            raise InvalidInput("not a readable road graph (no format_version)")
        version = int(arrays["format_version"])
        if version != _FORMAT_VERSION:
            raise InvalidInput(
                f"road graph format {version} is not supported "
                f"(expected {_FORMAT_VERSION}); re-import the city"
            )
        missing = [key for key in (*_ARRAY_FIELDS, "mode", "epsg") if key not in arrays]
        if missing:
            raise InvalidInput(f"not a readable road graph (no {', '.join(missing)})")
        fields: dict[str, Any] = {key: arrays[key] for key in _ARRAY_FIELDS}
        fields["mode"] = str(arrays["mode"])
        fields["epsg"] = int(arrays["epsg"])
        fields["names"] = tuple(str(s) for s in arrays["names"])
        fields["highway_classes"] = tuple(str(s) for s in arrays["highway_classes"])
        return cls(**fields)

    def save(self, path: str | Path) -> None:
        """Write the graph as a ``.npz`` file (no pickle)."""
        _io.write_npz(path, self.to_arrays())

    @classmethod
    def load(cls, path: str | Path) -> RoadGraph:
        """Read a graph written by :meth:`save`."""
        try:
            arrays = _io.read_npz(path)
        except (OSError, KeyError, ValueError) as exc:
            raise InvalidInput(f"{path}: not a readable road graph file ({exc})") from exc
        try:
            return cls.from_arrays(arrays)
        except InvalidInput as exc:
            raise InvalidInput(f"{path}: {exc.message}") from exc


_ARRAY_FIELDS = (
    "lat",
    "lon",
    "x",
    "y",
    "indptr",
    "head",
    "time_s",
    "length_m",
    "osm_id",
    "geom_offsets",
    "geom_lat",
    "geom_lon",
    "edge_name",
    "edge_highway",
)

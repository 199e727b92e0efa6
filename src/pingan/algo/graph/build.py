"""Building a road graph from OSM ways: access and one-way rules, speeds, the largest component."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyproj
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from pingan.algo.graph.road import MODES, FloatArray, RoadGraph, StrArray, haversine_m, utm_epsg
from pingan.errors import InvalidInput

#: OSM way tags the graph builder reads (missing tags are empty strings).
WAY_TAG_KEYS = (
    "highway",
    "oneway",
    "oneway:bicycle",
    "junction",
    "maxspeed",
    "name",
    "name:zh",
    "name:en",
    "access",
    "vehicle",
    "motor_vehicle",
    "motorcar",
    "bicycle",
    "foot",
    "area",
)

MPH_KMH = 1.609344
KNOT_KMH = 1.852

_NO = frozenset({"no"})
_YES = frozenset({"yes", "designated", "permissive", "destination", "official"})
_ONEWAY_FORWARD = frozenset({"yes", "true", "1"})
_ONEWAY_BACKWARD = frozenset({"-1", "reverse"})
_MAXSPEED_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km/h|kmh|kph|mph|knots)?\s*$")


def parse_maxspeed_kmh(value: str) -> float | None:
    """Parse an OSM ``maxspeed`` value into km/h.

    Parameters
    ----------
    value
        The tag value: ``"50"``, ``"50 km/h"``, ``"30 mph"``, ``"50;60"`` (the first
        number counts). Zones (``"RU:urban"``), ``"none"``, ``"walk"`` and anything
        unparsable give ``None``, so the caller falls back to its speed table.

    Returns
    -------
    float or None
        The speed in km/h, or ``None`` when there is no usable number.
    """
    first = value.split(";")[0].strip().lower()
    match = _MAXSPEED_RE.match(first)
    if not match:
        return None
    speed = float(match.group(1))
    unit = match.group(2)
    if unit == "mph":
        speed *= MPH_KMH
    elif unit == "knots":
        speed *= KNOT_KMH
    if speed <= 0:
        return None
    return speed


@dataclass(frozen=True)
class BuildResult:
    """A built graph and what the build left out.

    Attributes
    ----------
    graph
        The largest strongly connected component as a :class:`RoadGraph`.
    ways_used
        Ways the mode may travel on.
    nodes_before, edges_before
        Size of the whole graph before keeping the largest component.
    dropped_nodes, dropped_edges
        Nodes and edges outside the largest strongly connected component.
    components
        Number of strongly connected components before the cut.
    """

    graph: RoadGraph
    ways_used: int
    nodes_before: int
    edges_before: int
    dropped_nodes: int
    dropped_edges: int
    components: int


def _tag(way_tags: Mapping[str, npt.ArrayLike], key: str, n_ways: int) -> StrArray:
    values = way_tags.get(key)
    if values is None:
        return np.full(n_ways, "", dtype=np.str_)
    arr = np.asarray(values, dtype=np.str_)
    if arr.shape != (n_ways,):
        raise InvalidInput(f"way tag {key!r} has {arr.shape[0]} values for {n_ways} ways")
    return np.char.lower(np.char.strip(arr))


def _morton_code(x: FloatArray, y: FloatArray, bits: int = 16) -> npt.NDArray[np.uint64]:
    """Z-order (Morton) code of points: interleaved bits of their grid cells."""

    def cells(v: FloatArray) -> npt.NDArray[np.uint64]:
        span = float(np.ptp(v)) if v.size else 0.0
        scaled = (v - (v.min() if v.size else 0.0)) / (span or 1.0) * (2**bits - 1)
        cell: npt.NDArray[np.uint64] = scaled.astype(np.uint64)
        return cell

    xi, yi = cells(x), cells(y)
    code = np.zeros(x.shape[0], dtype=np.uint64)
    one = np.uint64(1)
    for bit in range(bits):
        b = np.uint64(bit)
        code |= ((xi >> b) & one) << np.uint64(2 * bit)
        code |= ((yi >> b) & one) << np.uint64(2 * bit + 1)
    return code


def _class_speed(table: Mapping[str, float], highway: str) -> float:
    """Table speed of a class; ``*_link`` ramps fall back to their road's class."""
    if highway in table:
        return float(table[highway])
    if highway.endswith("_link") and highway[: -len("_link")] in table:
        return float(table[highway[: -len("_link")]])
    return math.nan


def _mode_rules(
    tags: dict[str, StrArray], mode: str, table: Mapping[str, float]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.bool_], FloatArray]:
    """Usable, forward, backward and speed (km/h) per way for one mode."""
    highway = tags["highway"]
    n = highway.shape[0]
    classes, inverse = np.unique(highway, return_inverse=True)
    class_speed = np.array([_class_speed(table, str(c)) for c in classes])
    speed = class_speed[inverse] if n else np.zeros(0)
    usable = np.isfinite(speed) & (speed > 0) & (tags["area"] != "yes")

    no = np.isin(tags["access"], list(_NO))
    if mode == "car":
        specific = [tags["vehicle"], tags["motor_vehicle"], tags["motorcar"]]
    elif mode == "ebike":
        specific = [tags["vehicle"], tags["bicycle"]]
    else:
        specific = [tags["foot"]]
    for values in specific:
        no = np.where(np.isin(values, list(_YES)), False, no)
        no = no | np.isin(values, list(_NO))
    usable &= ~no

    forward = usable.copy()
    backward = usable.copy()
    if mode in ("car", "ebike"):
        oneway = tags["oneway"].copy()
        if mode == "ebike":
            lifted = tags["oneway:bicycle"] == "no"
            oneway = np.where(lifted, "no", oneway)
        implied = np.isin(tags["junction"], ["roundabout", "circular"]) | (highway == "motorway")
        implied &= oneway == ""
        one_fwd = np.isin(oneway, list(_ONEWAY_FORWARD)) | implied
        one_bwd = np.isin(oneway, list(_ONEWAY_BACKWARD))
        reversible = oneway == "reversible"
        backward &= ~one_fwd & ~reversible
        forward &= ~one_bwd & ~reversible
        usable &= forward | backward

    if mode != "foot":
        unique_max, inv_max = np.unique(tags["maxspeed"], return_inverse=True)
        parsed = np.array([parse_maxspeed_kmh(str(v)) or np.nan for v in unique_max])
        maxspeed = parsed[inv_max] if n else np.zeros(0)
        has = np.isfinite(maxspeed)
        if mode == "car":
            speed = np.where(has, maxspeed, speed)
        else:
            speed = np.where(has, np.fmin(maxspeed, speed), speed)
    return usable, forward & usable, backward & usable, speed


def build_graph(
    node_lat: npt.ArrayLike,
    node_lon: npt.ArrayLike,
    node_osm_id: npt.ArrayLike,
    way_offsets: npt.ArrayLike,
    way_nodes: npt.ArrayLike,
    way_tags: Mapping[str, npt.ArrayLike],
    *,
    mode: str,
    speeds_kmh: Mapping[str, Mapping[str, float]],
    progress: Callable[[str, float], None] | None = None,
) -> BuildResult:
    """Build the travel-time graph of one mode from OSM way arrays.

    Parameters
    ----------
    node_lat, node_lon, node_osm_id
        Coordinates (degrees) and OSM ids of the nodes the ways refer to.
    way_offsets
        ``n_ways + 1`` offsets into ``way_nodes``: way ``w`` is the node sequence
        ``way_nodes[way_offsets[w]:way_offsets[w + 1]]``.
    way_nodes
        Indices into the node arrays.
    way_tags
        One array of ``n_ways`` strings per tag key (see :data:`WAY_TAG_KEYS`; a
        missing key or value is ``""``).
    mode
        ``"car"``, ``"ebike"`` or ``"foot"``.
    speeds_kmh
        Speed table ``speeds_kmh[mode][highway_class]`` in km/h; a class missing from
        the mode's table is not usable by that mode.
    progress
        Optional callback ``(stage, fraction)``.

    Returns
    -------
    BuildResult
        The graph of the largest strongly connected component and what was dropped.
    """
    if mode not in MODES:
        raise InvalidInput(f"unknown travel mode {mode!r}; expected one of {', '.join(MODES)}")
    if mode not in speeds_kmh or not speeds_kmh[mode]:
        raise InvalidInput(f"the speed table has no entry for mode {mode!r}")

    def report(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction)

    lat = np.asarray(node_lat, dtype=np.float64)
    lon = np.asarray(node_lon, dtype=np.float64)
    osm_ids = np.asarray(node_osm_id, dtype=np.int64)
    offsets = np.asarray(way_offsets, dtype=np.int64)
    refs = np.asarray(way_nodes, dtype=np.int64)
    n_ways = int(offsets.shape[0]) - 1
    if n_ways < 0 or (n_ways and offsets[-1] != refs.shape[0]):
        raise InvalidInput("way_offsets do not match way_nodes")
    tags = {key: _tag(way_tags, key, n_ways) for key in WAY_TAG_KEYS}
    report(f"{mode}: rules", 0.0)
    usable, forward, backward, speed_kmh = _mode_rules(tags, mode, speeds_kmh[mode])
    way_len = np.diff(offsets)
    usable &= way_len >= 2
    forward &= usable
    backward &= usable
    used = np.flatnonzero(usable)
    if used.size == 0:
        raise InvalidInput(f"no way in this extract is usable by mode {mode!r}")

    # Positions (into refs) of all vertices of usable ways, way by way.
    lens = way_len[used]
    starts = offsets[used]
    pos = np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(int(lens.sum()))
    way_of = np.repeat(used, lens)
    node_of = refs[pos]
    first = np.zeros(pos.shape[0], dtype=bool)
    first[np.cumsum(lens) - lens] = True
    last = np.zeros(pos.shape[0], dtype=bool)
    last[np.cumsum(lens) - 1] = True

    # Split points: way ends, nodes used more than once, middles of closed ways.
    uses = np.bincount(node_of, minlength=lat.shape[0])
    split = first | last | (uses[node_of] >= 2)
    closed = refs[starts] == refs[starts + lens - 1]
    mid = (np.cumsum(lens) - lens + lens // 2)[closed & (lens >= 3)]
    split[mid] = True

    # Geodesic length from the way's start to each vertex.
    seg = haversine_m(lat[node_of[:-1]], lon[node_of[:-1]], lat[node_of[1:]], lon[node_of[1:]])
    seg = np.where(last[:-1], 0.0, seg)
    cum = np.concatenate([[0.0], np.cumsum(seg)])

    split_idx = np.flatnonzero(split)
    same_way = way_of[split_idx[:-1]] == way_of[split_idx[1:]]
    a = split_idx[:-1][same_way]
    b = split_idx[1:][same_way]
    seg_way = way_of[a]
    seg_len = cum[b] - cum[a]
    seg_speed = speed_kmh[seg_way]
    seg_time = seg_len / (seg_speed / 3.6)
    u = node_of[a]
    v = node_of[b]

    fwd = forward[seg_way]
    bwd = backward[seg_way]
    e_tail = np.concatenate([u[fwd], v[bwd]])
    e_head = np.concatenate([v[fwd], u[bwd]])
    e_time = np.concatenate([seg_time[fwd], seg_time[bwd]])
    e_len = np.concatenate([seg_len[fwd], seg_len[bwd]])
    e_way = np.concatenate([seg_way[fwd], seg_way[bwd]])
    e_from = np.concatenate([a[fwd], b[bwd]])  # vertex position of the edge's tail
    e_to = np.concatenate([b[fwd], a[bwd]])
    keep = e_tail != e_head
    e_tail, e_head, e_time, e_len, e_way, e_from, e_to = (
        arr[keep] for arr in (e_tail, e_head, e_time, e_len, e_way, e_from, e_to)
    )
    report(f"{mode}: edges", 0.4)

    # Compact node numbering and drop parallel edges (keep the fastest).
    graph_nodes, inverse = np.unique(np.concatenate([e_tail, e_head]), return_inverse=True)
    m = e_tail.shape[0]
    t_idx = inverse[:m]
    h_idx = inverse[m:]
    order = np.lexsort((e_time, h_idx, t_idx))
    t_idx, h_idx = t_idx[order], h_idx[order]
    distinct = np.ones(m, dtype=bool)
    distinct[1:] = (t_idx[1:] != t_idx[:-1]) | (h_idx[1:] != h_idx[:-1])
    sel = order[distinct]
    t_idx, h_idx = t_idx[distinct], h_idx[distinct]
    n_all = graph_nodes.shape[0]
    edges_before = int(t_idx.shape[0])

    # Largest strongly connected component.
    adjacency = sp.csr_matrix((np.ones(t_idx.shape[0]), (t_idx, h_idx)), shape=(n_all, n_all))
    n_comp, labels = connected_components(adjacency, directed=True, connection="strong")
    largest = int(np.argmax(np.bincount(labels)))
    in_scc = labels == largest
    keep_e = in_scc[t_idx] & in_scc[h_idx]
    new_index = np.full(n_all, -1, dtype=np.int64)
    new_index[in_scc] = np.arange(int(in_scc.sum()))
    sel = sel[keep_e]
    t_new = new_index[t_idx[keep_e]]
    h_new = new_index[h_idx[keep_e]]
    kept_nodes = graph_nodes[in_scc]
    n = int(kept_nodes.shape[0])
    report(f"{mode}: components", 0.7)

    # Projected coordinates, and nodes numbered along a Z-order curve so that nodes
    # near each other on the map are near each other in memory (faster searches).
    kept_lat = lat[kept_nodes]
    kept_lon = lon[kept_nodes]
    epsg = utm_epsg(float(np.mean(kept_lat)), float(np.mean(kept_lon)))
    transformer = pyproj.Transformer.from_crs(4326, epsg, always_xy=True)
    xs, ys = (np.asarray(v, dtype=np.float64) for v in transformer.transform(kept_lon, kept_lat))
    order = np.argsort(_morton_code(xs, ys), kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    kept_nodes, kept_lat, kept_lon, xs, ys = (
        arr[order] for arr in (kept_nodes, kept_lat, kept_lon, xs, ys)
    )
    t_new = rank[t_new]
    h_new = rank[h_new]
    by_tail = np.lexsort((h_new, t_new))
    t_new, h_new, sel = t_new[by_tail], h_new[by_tail], sel[by_tail]

    # CSR (edges sorted by tail, then head).
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(t_new, minlength=n), out=indptr[1:])
    e_time_k = e_time[sel]
    e_len_k = e_len[sel]
    e_way_k = e_way[sel]
    g_from = e_from[sel]
    g_to = e_to[sel]

    # Edge geometry: vertex positions from tail to head (reversed for backward edges).
    n_vert = np.abs(g_to - g_from) + 1
    geom_offsets = np.zeros(n_vert.shape[0] + 1, dtype=np.int64)
    np.cumsum(n_vert, out=geom_offsets[1:])
    step = np.where(g_to >= g_from, 1, -1)
    within = np.arange(int(geom_offsets[-1])) - np.repeat(geom_offsets[:-1], n_vert)
    vert_pos = np.repeat(g_from, n_vert) + within * np.repeat(step, n_vert)
    vert_node = node_of[vert_pos]

    raw_names = np.asarray(way_tags.get("name", np.full(n_ways, "")), dtype=np.str_)
    edge_raw_names = raw_names[e_way_k] if n_ways else np.zeros(0, dtype=np.str_)
    name_table, name_inv = np.unique(edge_raw_names, return_inverse=True)
    edge_name = name_inv.astype(np.int32)
    if name_table.shape[0] and name_table[0] == "":
        name_table = name_table[1:]
        edge_name -= 1
    hw_table, hw_inv = np.unique(tags["highway"][e_way_k], return_inverse=True)

    graph = RoadGraph(
        mode=mode,
        lat=kept_lat,
        lon=kept_lon,
        x=xs,
        y=ys,
        epsg=epsg,
        indptr=indptr,
        head=h_new.astype(np.int32),
        time_s=e_time_k.astype(np.float64),
        length_m=e_len_k.astype(np.float64),
        osm_id=osm_ids[kept_nodes],
        geom_offsets=geom_offsets,
        geom_lat=lat[vert_node],
        geom_lon=lon[vert_node],
        edge_name=edge_name,
        edge_highway=hw_inv.astype(np.int32),
        names=tuple(str(s) for s in name_table),
        highway_classes=tuple(str(s) for s in hw_table),
    )
    report(f"{mode}: done", 1.0)
    return BuildResult(
        graph=graph,
        ways_used=int(used.size),
        nodes_before=int(n_all),
        edges_before=edges_before,
        dropped_nodes=int(n_all - n),
        dropped_edges=int(edges_before - t_new.shape[0]),
        components=int(n_comp),
    )

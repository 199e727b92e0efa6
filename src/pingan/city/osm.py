"""Read an OpenStreetMap ``.osm.pbf`` extract into plain arrays.

The reader makes two passes with pyosmium: the first reads ways (roads, and the
buildings and areas that carry addresses or places), the second reads nodes (the
coordinates of those ways' vertices, and tagged nodes that are places or
addresses). The result, :class:`OsmExtract`, holds only arrays and strings; the
graph builder (:func:`pingan.algo.graph.build_graph`) and the gazetteer take it
from there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import osmium

from pingan.algo.gazetteer import Gazetteer
from pingan.algo.graph import WAY_TAG_KEYS, BuildResult, build_graph
from pingan.errors import InvalidInput

Progress = Callable[[str, float], None]

#: Places a police district cares about: (tag key, tag value) → kind.
PLACE_TAGS: dict[tuple[str, str], str] = {
    **{
        ("amenity", value): value
        for value in (
            "bar",
            "pub",
            "nightclub",
            "karaoke_box",
            "restaurant",
            "fast_food",
            "marketplace",
            "cinema",
            "internet_cafe",
            "school",
            "hospital",
            "bank",
            "atm",
            "police",
            "fire_station",
            # generic places citizens name without a name (停车场, 车棚, 幼儿园: issue 16)
            "parking",
            "bicycle_parking",
            "kindergarten",
        )
    },
    ("shop", "mall"): "mall",
    ("tourism", "hotel"): "hotel",
    ("tourism", "hostel"): "hotel",
    ("tourism", "guest_house"): "hotel",
    ("shop", "supermarket"): "supermarket",
    ("man_made", "surveillance"): "surveillance",
    ("leisure", "adult_gaming_centre"): "gaming_centre",
    ("leisure", "amusement_arcade"): "amusement_arcade",
}
_PLACE_KEYS = tuple(sorted({key for key, _ in PLACE_TAGS}))
_WAY_KEYS = ("highway", "addr:housenumber", *_PLACE_KEYS)


@dataclass(frozen=True, eq=False)
class OsmExtract:
    """What pingan takes from an OSM extract.

    Attributes
    ----------
    path
        The file read.
    node_osm_id, node_lat, node_lon
        Vertices of ``highway`` ways: OSM ids and coordinates in degrees.
    way_osm_id
        OSM ids of the ``highway`` ways.
    way_offsets, way_nodes
        Way ``w`` is ``way_nodes[way_offsets[w]:way_offsets[w + 1]]`` (indices into
        the node arrays). Vertices whose node is missing from the file are skipped.
    way_tags
        One string array per key of :data:`pingan.algo.graph.WAY_TAG_KEYS` (``""``
        where the way has no such tag).
    place_osm_type, place_osm_id
        ``"n"``, ``"w"`` or ``"r"`` (multipolygon relation) and the OSM id of each place.
    place_kind
        ``"bar"``, ``"pub"``, … (values of :data:`PLACE_TAGS`).
    place_name, place_name_zh, place_name_en
        ``name``, ``name:zh`` and ``name:en`` (``""`` where missing).
    place_lat, place_lon
        The node, or the centroid of the way's (or relation's outer ways') vertices,
        in degrees.
    addr_street, addr_housenumber, addr_lat, addr_lon
        Addresses (``addr:street`` + ``addr:housenumber``) of nodes and ways (the
        centroid of a building's vertices).
    """

    path: str
    node_osm_id: npt.NDArray[np.int64]
    node_lat: npt.NDArray[np.float64]
    node_lon: npt.NDArray[np.float64]
    way_osm_id: npt.NDArray[np.int64]
    way_offsets: npt.NDArray[np.int64]
    way_nodes: npt.NDArray[np.int32]
    way_tags: Mapping[str, npt.NDArray[np.str_]]
    place_osm_type: npt.NDArray[np.str_]
    place_osm_id: npt.NDArray[np.int64]
    place_kind: npt.NDArray[np.str_]
    place_name: npt.NDArray[np.str_]
    place_name_zh: npt.NDArray[np.str_]
    place_name_en: npt.NDArray[np.str_]
    place_lat: npt.NDArray[np.float64]
    place_lon: npt.NDArray[np.float64]
    addr_street: npt.NDArray[np.str_]
    addr_housenumber: npt.NDArray[np.str_]
    addr_lat: npt.NDArray[np.float64]
    addr_lon: npt.NDArray[np.float64]

    @property
    def n_ways(self) -> int:
        """Number of ``highway`` ways."""
        return int(self.way_osm_id.shape[0])

    def graph_inputs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`pingan.algo.graph.build_graph`."""
        return {
            "node_lat": self.node_lat,
            "node_lon": self.node_lon,
            "node_osm_id": self.node_osm_id,
            "way_offsets": self.way_offsets,
            "way_nodes": self.way_nodes,
            "way_tags": self.way_tags,
        }

    def bounds(self) -> tuple[float, float, float, float]:
        """``(min_lon, min_lat, max_lon, max_lat)`` of the road vertices, in degrees."""
        return (
            float(self.node_lon.min()),
            float(self.node_lat.min()),
            float(self.node_lon.max()),
            float(self.node_lat.max()),
        )


def _check_pbf(path: Path) -> None:
    """Refuse missing, empty and non-PBF files before pyosmium sees them."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file", field="file")
    if not path.is_file():
        raise InvalidInput(f"{path}: not a file", field="file")
    size = path.stat().st_size
    if size == 0:
        raise InvalidInput(f"{path}: the file is empty", field="file")
    with open(path, "rb") as fh:
        head = fh.read(64)
    # An OSM PBF file starts with a 4-byte big-endian BlobHeader length and the
    # BlobHeader's type string "OSMHeader".
    header_len = int.from_bytes(head[:4], "big") if len(head) >= 4 else 0
    if not (0 < header_len < 64 * 1024) or b"OSMHeader" not in head:
        raise InvalidInput(
            f"{path}: not an OpenStreetMap PBF file (.osm.pbf); export the extract as PBF",
            field="file",
        )


def _centroid(locations: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not locations:
        return None
    if len(locations) > 1 and locations[0] == locations[-1]:
        locations = locations[:-1]
    lats = [p[0] for p in locations]
    lons = [p[1] for p in locations]
    return sum(lats) / len(lats), sum(lons) / len(lons)


def _place_kind(tags: Any) -> str | None:
    for key in _PLACE_KEYS:
        value = tags.get(key)
        if value is not None:
            kind = PLACE_TAGS.get((key, value))
            if kind is not None:
                return kind
    return None


def _keep_tags(tags: Any, kind: str | None) -> dict[str, str]:
    keep = {
        key: tags.get(key, "")
        for key in ("name", "name:zh", "name:en", "addr:street", "addr:housenumber")
    }
    keep["kind"] = kind or ""
    return keep


def read_extract(path: str | Path, progress: Progress | None = None) -> OsmExtract:
    """Read roads, places and addresses from an ``.osm.pbf`` file.

    Parameters
    ----------
    path
        The extract.
    progress
        Optional callback ``(stage, fraction)`` with ``fraction`` in ``[0, 1]``.

    Returns
    -------
    OsmExtract

    Raises
    ------
    InvalidInput
        The file is missing, empty, not a PBF file, corrupt or truncated, or holds no
        roads. The message names the file.
    """
    path = Path(path)
    _check_pbf(path)

    def report(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, min(max(fraction, 0.0), 1.0))

    try:
        return _read(path, report)
    except InvalidInput:
        raise
    except (RuntimeError, ValueError, OSError) as exc:
        raise InvalidInput(
            f"{path}: the OSM PBF file is corrupt or truncated ({exc})", field="file"
        ) from exc


#: A place or address way (or relation): (osm id, node refs, the tags pingan keeps).
_AreaWay = tuple[int, list[int], dict[str, str]]
#: A place: (osm type, osm id, kind, name, name:zh, name:en, lat, lon).
_Place = tuple[str, int, str, str, str, str, float, float]
#: An address: (street, house number, lat, lon).
_Address = tuple[str, str, float, float]


@dataclass
class _Ways:
    """The roads and the place or address areas read from the ways of an extract."""

    road_ids: list[int] = field(default_factory=list)
    road_refs: list[list[int]] = field(default_factory=list)
    road_tags: dict[str, list[str]] = field(
        default_factory=lambda: {key: [] for key in WAY_TAG_KEYS}
    )
    area_ways: list[_AreaWay] = field(default_factory=list)


def _read(path: Path, report: Callable[[str, float], None]) -> OsmExtract:
    report("reading relations", 0.0)
    relations = _read_relations(path)
    report("reading ways", 0.0)
    ways = _read_ways(path, relations)
    if not ways.road_ids:
        raise InvalidInput(f"{path}: the extract holds no roads (no highway=* ways)", field="file")
    report("reading ways", 1.0)

    needed = {ref for refs in ways.road_refs for ref in refs}
    needed.update(ref for _, refs, _ in ways.area_ways for ref in refs)
    report("reading nodes", 0.0)
    location, places, addresses = _read_nodes(path, needed, report)
    report("reading nodes", 1.0)
    _add_areas(ways.area_ways, location, places, addresses)
    return _extract(path, ways, location, places, addresses, report)


def _read_relations(path: Path) -> list[_AreaWay]:
    """Multipolygon relations that are places or addresses, with their member ways."""
    relations: list[_AreaWay] = []
    rel: Any  # pyosmium's stubs type iterated objects as a union of all kinds
    for rel in osmium.FileProcessor(str(path), osmium.osm.RELATION).with_filter(
        osmium.filter.KeyFilter(*_WAY_KEYS[1:])
    ):
        rel_kind = _place_kind(rel.tags)
        if rel_kind is None and "addr:housenumber" not in rel.tags:
            continue
        members = [m.ref for m in rel.members if m.type == "w" and m.role != "inner"]
        if members:
            relations.append((rel.id, members, _keep_tags(rel.tags, rel_kind)))
    return relations


def _read_ways(path: Path, relations: list[_AreaWay]) -> _Ways:
    """Roads, and ways that are places or addresses (a relation's area from its members)."""
    member_ways = {ref for _, members, _ in relations for ref in members}
    member_refs: dict[int, list[int]] = {}
    found = _Ways()
    ways = osmium.FileProcessor(str(path), osmium.osm.WAY)
    if not member_ways:
        ways = ways.with_filter(osmium.filter.KeyFilter(*_WAY_KEYS))
    way: Any
    for way in ways:
        tags = way.tags
        refs = [n.ref for n in way.nodes]
        if way.id in member_ways:
            member_refs[way.id] = refs
        if "highway" in tags:
            found.road_ids.append(way.id)
            found.road_refs.append(refs)
            for key in WAY_TAG_KEYS:
                found.road_tags[key].append(tags.get(key, ""))
        kind = _place_kind(tags)
        has_addr = "addr:housenumber" in tags and "addr:street" in tags
        if kind is not None or has_addr:
            found.area_ways.append((way.id, refs, _keep_tags(tags, kind)))
    for rel_id, members, keep in relations:
        refs = [ref for member in members for ref in member_refs.get(member, [])]
        found.area_ways.append((rel_id, refs, keep | {"type": "r"}))
    return found


def _read_nodes(
    path: Path, needed: set[int], report: Callable[[str, float], None]
) -> tuple[dict[int, tuple[float, float]], list[_Place], list[_Address]]:
    """Locations of the ``needed`` nodes, and the nodes that are places or addresses."""
    needed_sorted = np.fromiter(needed, dtype=np.int64, count=len(needed))
    needed_sorted.sort()
    location: dict[int, tuple[float, float]] = {}
    places: list[_Place] = []
    addresses: list[_Address] = []
    step = max(len(needed) // 50, 1)
    seen = 0
    node: Any
    for node in osmium.FileProcessor(str(path), osmium.osm.NODE):
        node_id = node.id
        if node_id in needed:
            loc = node.location
            if loc.valid():
                location[node_id] = (loc.lat, loc.lon)
            seen += 1
            if seen % step == 0:
                done = np.searchsorted(needed_sorted, node_id) / needed_sorted.shape[0]
                report("reading nodes", float(done))
        if node.tags:
            _add_node_place(node, places, addresses)
    return location, places, addresses


def _add_node_place(node: Any, places: list[_Place], addresses: list[_Address]) -> None:
    """Keep a node that is a place or an address (with a valid location)."""
    tags = node.tags
    kind = _place_kind(tags)
    if kind is None and "addr:housenumber" not in tags:
        return
    loc = node.location
    if not loc.valid():
        return
    if kind is not None:
        places.append(
            (
                "n",
                node.id,
                kind,
                tags.get("name", ""),
                tags.get("name:zh", ""),
                tags.get("name:en", ""),
                loc.lat,
                loc.lon,
            )
        )
    if "addr:housenumber" in tags and "addr:street" in tags:
        addresses.append((tags["addr:street"], tags["addr:housenumber"], loc.lat, loc.lon))


def _add_areas(
    area_ways: list[_AreaWay],
    location: dict[int, tuple[float, float]],
    places: list[_Place],
    addresses: list[_Address],
) -> None:
    """Keep each place or address area at the centroid of its located nodes."""
    for way_id, refs, keep in area_ways:
        centre = _centroid([location[r] for r in refs if r in location])
        if centre is None:
            continue
        if keep["kind"]:
            places.append(
                (
                    keep.get("type", "w"),
                    way_id,
                    keep["kind"],
                    keep["name"],
                    keep["name:zh"],
                    keep["name:en"],
                    *centre,
                )
            )
        if keep["addr:housenumber"] and keep["addr:street"]:
            addresses.append((keep["addr:street"], keep["addr:housenumber"], *centre))


def _extract(
    path: Path,
    ways: _Ways,
    location: dict[int, tuple[float, float]],
    places: list[_Place],
    addresses: list[_Address],
    report: Callable[[str, float], None],
) -> OsmExtract:
    """Number the road vertices compactly and put everything in arrays."""
    road_refs = ways.road_refs
    road_node_ids = np.array(sorted(r for refs in road_refs for r in refs if r in location))
    road_node_ids = np.unique(road_node_ids).astype(np.int64)
    if road_node_ids.size == 0:
        raise InvalidInput(f"{path}: the roads' nodes are missing from the file", field="file")
    node_lat = np.array([location[int(i)][0] for i in road_node_ids], dtype=np.float64)
    node_lon = np.array([location[int(i)][1] for i in road_node_ids], dtype=np.float64)
    flat = np.array([r for refs in road_refs for r in refs if r in location], dtype=np.int64)
    lengths = np.array([sum(1 for r in refs if r in location) for refs in road_refs])
    offsets = np.zeros(len(road_refs) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    way_nodes = np.searchsorted(road_node_ids, flat).astype(np.int32)

    def strings(values: list[str]) -> npt.NDArray[np.str_]:
        return np.array(values, dtype=np.str_) if values else np.zeros(0, dtype=np.str_)

    report("done", 1.0)
    return OsmExtract(
        path=str(path),
        node_osm_id=road_node_ids,
        node_lat=node_lat,
        node_lon=node_lon,
        way_osm_id=np.array(ways.road_ids, dtype=np.int64),
        way_offsets=offsets,
        way_nodes=way_nodes,
        way_tags={key: strings(values) for key, values in ways.road_tags.items()},
        place_osm_type=strings([p[0] for p in places]),
        place_osm_id=np.array([p[1] for p in places], dtype=np.int64),
        place_kind=strings([p[2] for p in places]),
        place_name=strings([p[3] for p in places]),
        place_name_zh=strings([p[4] for p in places]),
        place_name_en=strings([p[5] for p in places]),
        place_lat=np.array([p[6] for p in places], dtype=np.float64),
        place_lon=np.array([p[7] for p in places], dtype=np.float64),
        addr_street=strings([a[0] for a in addresses]),
        addr_housenumber=strings([a[1] for a in addresses]),
        addr_lat=np.array([a[2] for a in addresses], dtype=np.float64),
        addr_lon=np.array([a[3] for a in addresses], dtype=np.float64),
    )


def build_graphs(
    extract: OsmExtract,
    speeds_kmh: Mapping[str, Mapping[str, float]],
    modes: tuple[str, ...] = ("car", "ebike", "foot"),
    progress: Progress | None = None,
) -> dict[str, BuildResult]:
    """Build one graph per travel mode from an extract.

    A mode no way of the extract is open to (for example foot on Coquimbo's
    car-only network) raises :class:`~pingan.errors.InvalidInput`; callers that
    want to skip such modes catch it per mode.
    """
    results: dict[str, BuildResult] = {}
    for i, mode in enumerate(modes):

        def sub(stage: str, fraction: float, i: int = i) -> None:
            if progress is not None:
                progress(stage, (i + fraction) / len(modes))

        results[mode] = build_graph(
            **extract.graph_inputs(), mode=mode, speeds_kmh=speeds_kmh, progress=sub
        )
    return results


def build_gazetteer(extract: OsmExtract) -> Gazetteer:
    """The gazetteer of an extract: named roads (every vertex), addresses and places."""
    names = extract.way_tags["name"]
    names_zh = extract.way_tags["name:zh"]
    names_en = extract.way_tags["name:en"]
    lengths = np.diff(extract.way_offsets)
    way_of_vertex = np.repeat(np.arange(extract.n_ways), lengths)
    named = (names != "") | (names_zh != "") | (names_en != "")
    vertex_named = named[way_of_vertex]
    ways = way_of_vertex[vertex_named]
    nodes = extract.way_nodes[vertex_named]
    primary = np.where(
        names[ways] != "",
        names[ways],
        np.where(names_zh[ways] != "", names_zh[ways], names_en[ways]),
    )
    return Gazetteer.build(
        street_name=primary.tolist(),
        street_lat=extract.node_lat[nodes],
        street_lon=extract.node_lon[nodes],
        street_name_zh=names_zh[ways].tolist(),
        street_name_en=names_en[ways].tolist(),
        addr_street=extract.addr_street.tolist(),
        addr_housenumber=extract.addr_housenumber.tolist(),
        addr_lat=extract.addr_lat,
        addr_lon=extract.addr_lon,
        place_name=extract.place_name.tolist(),
        place_name_zh=extract.place_name_zh.tolist(),
        place_name_en=extract.place_name_en.tolist(),
        place_kind=extract.place_kind.tolist(),
        place_lat=extract.place_lat,
        place_lon=extract.place_lon,
    )

"""Use cases on cities: import an OSM extract, load its graphs, geocode, route, draw.

Import is atomic. Everything is read and built in memory first (a bad file fails
before anything is written); the arrays go to a new folder
``{data_dir}/cities/{name}/{version}/``; the database row then switches to the new
version in the caller's transaction. The old folder is removed only after the
commit (:func:`remove_stale_versions`), so a failed import leaves the old city
answering as before.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from pingan.algo import isochrones, routing
from pingan.algo.gazetteer import Gazetteer, GeocodeHit
from pingan.algo.graph import RoadGraph
from pingan.algo.layers import road_features
from pingan.audit import service as audit
from pingan.city import osm
from pingan.city.models import City, Place
from pingan.config import Settings
from pingan.errors import InvalidInput, NotFound
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

MODES = ("car", "ebike", "foot")
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class ImportReport:
    city: City
    modes: dict[str, dict[str, int]]
    places: dict[str, int]
    skipped_modes: dict[str, str]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def city_dir(settings: Settings, name: str, version: str) -> Path:
    return settings.cities_dir / name / version


def _check_name(name: str) -> str:
    clean = name.strip().lower()
    if not clean or not all(c.isalnum() or c in "-_" for c in clean) or len(clean) > 64:
        raise InvalidInput("a city name is 1-64 letters, digits, '-' or '_'", field="name")
    return clean


def _report_graph(
    report: Callable[[str, float], None], index: int, _stage: str, fraction: float
) -> None:
    """Progress of building the graph of the ``index``-th mode, as a share of all modes."""
    report("build graphs", (index + fraction) / len(MODES))


def import_city(
    db_session: Session,
    settings: Settings,
    path: Path,
    name: str,
    *,
    jurisdiction_code: str | None = None,
    principal: Principal | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import (or re-import) the OSM extract at ``path`` as city ``name``."""
    name = _check_name(name)

    def report(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction)

    extract = osm.read_extract(path, progress=lambda s, f: report(f"read {path.name}", f))
    results: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for index, mode in enumerate(MODES):
        try:
            results[mode] = osm.build_graphs(
                extract,
                settings.speeds_kmh,
                modes=(mode,),
                progress=partial(_report_graph, report, index),
            )[mode]
        except InvalidInput as exc:
            skipped[mode] = exc.message
    if "car" not in results:
        raise InvalidInput(f"{path}: no drivable road network in this extract", field="file")
    gazetteer = osm.build_gazetteer(extract)

    owner: Jurisdiction | None
    if jurisdiction_code:
        owner = jurisdictions.get_by_code(db_session, jurisdiction_code)
    else:
        owner = db_session.scalar(
            select(Jurisdiction).where(Jurisdiction.parent_id.is_(None)).order_by(Jurisdiction.id)
        )
        if owner is None:
            raise InvalidInput("create a jurisdiction first (pingan jurisdictions import)")

    version = uuid.uuid4().hex[:12]
    folder = city_dir(settings, name, version)
    folder.mkdir(parents=True, exist_ok=False)
    try:
        for mode, result in results.items():
            result.graph.save(folder / f"{mode}.npz")
        (folder / "gazetteer.json").write_text(
            json.dumps(gazetteer.to_dict(), ensure_ascii=False), encoding="utf-8"
        )
        report("write arrays", 1.0)
        car = results["car"].graph
        min_lon, min_lat, max_lon, max_lat = extract.bounds()
        mode_stats = {
            mode: {
                "nodes": r.graph.n_nodes,
                "edges": r.graph.n_edges,
                "dropped_nodes": r.dropped_nodes,
                "dropped_edges": r.dropped_edges,
                "components": r.components,
            }
            for mode, r in results.items()
        }
        kinds, counts = _count(extract.place_kind.tolist())
        city = db_session.scalar(select(City).where(City.name == name))
        if city is None:
            city = City(name=name)
            db_session.add(city)
        city.jurisdiction_id = owner.id
        city.version = version
        city.source_file = path.name
        city.source_sha256 = _sha256(path)
        city.epsg = car.epsg
        city.min_lat, city.min_lon, city.max_lat, city.max_lon = min_lat, min_lon, max_lat, max_lon
        city.stats = {
            "modes": mode_stats,
            "places": dict(zip(kinds, counts, strict=True)),
            "skipped_modes": skipped,
        }
        db_session.flush()
        db_session.execute(delete(Place).where(Place.city_id == city.id))
        rows = [
            {
                "city_id": city.id,
                "kind": str(extract.place_kind[i]),
                "name": str(extract.place_name[i])[:255],
                "name_zh": str(extract.place_name_zh[i])[:255],
                "name_en": str(extract.place_name_en[i])[:255],
                "lat": float(extract.place_lat[i]),
                "lon": float(extract.place_lon[i]),
                "osm_type": str(extract.place_osm_type[i]),
                "osm_id": int(extract.place_osm_id[i]),
            }
            for i in range(len(extract.place_kind))
        ]
        if rows:
            db_session.execute(cast(Table, Place.__table__).insert(), rows)
        audit.record(
            db_session,
            action="city.import",
            object_type="city",
            object_id=name,
            principal=principal,
            actor="cli",
            jurisdiction_id=owner.id,
        )
        db_session.flush()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return ImportReport(
        city=city, modes=mode_stats, places=city.stats["places"], skipped_modes=skipped
    )


def _count(values: list[str]) -> tuple[list[str], list[int]]:
    tally: dict[str, int] = {}
    for value in values:
        tally[value] = tally.get(value, 0) + 1
    keys = sorted(tally)
    return keys, [tally[k] for k in keys]


def remove_stale_versions(settings: Settings, city: City) -> None:
    """After the commit: delete array folders of this city other than its current one."""
    root = settings.cities_dir / city.name
    if not root.exists():
        return
    for child in root.iterdir():
        if child.is_dir() and child.name != city.version:
            shutil.rmtree(child, ignore_errors=True)


# ---------------------------------------------------------------- reading


def get_city(db_session: Session, name: str) -> City:
    city = db_session.scalar(select(City).where(City.name == name.lower()))
    if city is None:
        raise NotFound(f"no city named {name!r}; import one with pingan city import")
    return city


def list_cities(db_session: Session) -> list[City]:
    return list(db_session.scalars(select(City).order_by(City.name)))


_cache_lock = threading.Lock()
_graph_cache: dict[tuple[str, str, str, str], RoadGraph] = {}
_gazetteer_cache: dict[tuple[str, str, str], Gazetteer] = {}
_layer_cache: dict[tuple[str, str, str, int], bytes] = {}


def load_graph(settings: Settings, city: City, mode: str = "car") -> RoadGraph:
    """The city's graph for ``mode`` (loaded once per process and version)."""
    if mode not in MODES:
        raise InvalidInput(f"mode must be one of {', '.join(MODES)}", field="mode")
    key = (str(settings.cities_dir), city.name, city.version, mode)
    with _cache_lock:
        graph = _graph_cache.get(key)
    if graph is None:
        path = city_dir(settings, city.name, city.version) / f"{mode}.npz"
        if not path.exists():
            raise NotFound(f"city {city.name} has no {mode} network")
        graph = RoadGraph.load(path)
        with _cache_lock:
            _graph_cache[key] = graph
    return graph


def get_gazetteer(settings: Settings, city: City) -> Gazetteer:
    key = (str(settings.cities_dir), city.name, city.version)
    with _cache_lock:
        found = _gazetteer_cache.get(key)
    if found is None:
        path = city_dir(settings, city.name, city.version) / "gazetteer.json"
        found = Gazetteer.from_dict(json.loads(path.read_text(encoding="utf-8")))
        with _cache_lock:
            _gazetteer_cache[key] = found
    return found


def city_read(db_session: Session, city: City) -> dict[str, Any]:
    owner = db_session.get(Jurisdiction, city.jurisdiction_id)
    return {
        "name": city.name,
        "jurisdiction_code": owner.code if owner else "",
        "source_file": city.source_file,
        "imported_at": city.imported_at,
        "bbox": (city.min_lon, city.min_lat, city.max_lon, city.max_lat),
        "center": ((city.min_lat + city.max_lat) / 2, (city.min_lon + city.max_lon) / 2),
        "modes": city.stats.get("modes", {}),
        "places": city.stats.get("places", {}),
    }


def geocode(
    db_session: Session, settings: Settings, city_name: str, text: str
) -> GeocodeHit | None:
    if not text.strip():
        raise InvalidInput("give a place or address to look up", field="q")
    return get_gazetteer(settings, get_city(db_session, city_name)).geocode(text)


def reverse(db_session: Session, settings: Settings, city_name: str, lat: float, lon: float) -> str:
    return get_gazetteer(settings, get_city(db_session, city_name)).reverse(lat, lon)


def city_for_point(db_session: Session, lat: float, lon: float) -> City | None:
    """The city whose extract's bounding box holds the point (the smallest, if several)."""
    rows = db_session.scalars(
        select(City).where(
            City.min_lat <= lat, City.max_lat >= lat, City.min_lon <= lon, City.max_lon >= lon
        )
    ).all()
    if not rows:
        return None
    return min(rows, key=lambda c: (c.max_lat - c.min_lat) * (c.max_lon - c.min_lon))


def check_inside(city: City, lat: float, lon: float, field: str = "location") -> None:
    if not (city.min_lat <= lat <= city.max_lat and city.min_lon <= lon <= city.max_lon):
        raise InvalidInput(f"the point {lat:.5f},{lon:.5f} lies outside {city.name}", field=field)


def eta(
    db_session: Session,
    settings: Settings,
    city_name: str,
    origin: tuple[float, float],
    destination: tuple[float, float],
    mode: str = "car",
) -> dict[str, Any]:
    city = get_city(db_session, city_name)
    check_inside(city, *origin, field="from")
    check_inside(city, *destination, field="to")
    graph = load_graph(settings, city, mode)
    result = routing.eta(graph, origin, destination)
    coords = routing.path_coordinates(graph, list(result.path))
    return {
        "mode": mode,
        "travel_time_s": round(result.time_s, 3),
        "distance_m": round(result.distance_m, 1),
        "from_snap_m": round(result.snap_from_m, 1),
        "to_snap_m": round(result.snap_to_m, 1),
        "path": [(lat, lon) for lon, lat in coords],
    }


def reach(
    db_session: Session,
    settings: Settings,
    city_name: str,
    at: tuple[float, float],
    cutoffs_s: tuple[float, ...] = (60, 180, 300),
    mode: str = "car",
) -> dict[str, Any]:
    city = get_city(db_session, city_name)
    check_inside(city, *at, field="at")
    graph = load_graph(settings, city, mode)
    snapped = routing.snap(graph, [at[0]], [at[1]])
    collection = isochrones.reach_polygons(graph, [int(snapped.node[0])], cutoffs_s)
    collection["properties"] = {
        "city": city.name,
        "mode": mode,
        "snap_m": round(float(snapped.distance_m[0]), 1),
        "attribution": "© OpenStreetMap contributors (ODbL)",
    }
    return collection


def roads_layer(db_session: Session, settings: Settings, city_name: str, zoom: int) -> bytes:
    """Roads as GeoJSON bytes, simplified for ``zoom`` (cached per version and zoom)."""
    city = get_city(db_session, city_name)
    zoom = max(0, min(int(zoom), 18))
    key = (str(settings.cities_dir), city.name, city.version, zoom)
    with _cache_lock:
        cached = _layer_cache.get(key)
    if cached is None:
        mode = (
            "ebike"
            if (city_dir(settings, city.name, city.version) / "ebike.npz").exists()
            else "car"
        )
        collection = road_features(load_graph(settings, city, mode), zoom)
        collection["properties"] = {"attribution": "© OpenStreetMap contributors (ODbL)"}
        cached = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        with _cache_lock:
            _layer_cache[key] = cached
    return cached


def places(db_session: Session, city: City, kinds: list[str] | None = None) -> list[Place]:
    query = select(Place).where(Place.city_id == city.id).order_by(Place.id)
    if kinds:
        query = query.where(Place.kind.in_(kinds))
    return list(db_session.scalars(query))


def places_layer(
    db_session: Session, city_name: str, kinds: list[str] | None = None
) -> dict[str, Any]:
    city = get_city(db_session, city_name)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(p.lon, 6), round(p.lat, 6)]},
            "properties": {
                "id": p.id,
                "kind": p.kind,
                "name": p.name,
                "name_zh": p.name_zh,
                "name_en": p.name_en,
            },
        }
        for p in places(db_session, city, kinds)
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"attribution": "© OpenStreetMap contributors (ODbL)"},
    }


def text_helpers(
    settings: Settings, city: City
) -> tuple[Callable[[str], Any], Callable[[str], list[Any]]]:
    """The ``geocode`` and ``find_places`` callables :func:`pingan.algo.text.extract_report`
    takes, backed by the city's gazetteer."""
    from pingan.algo.text import GeoHit
    from pingan.algo.text.places import PlaceSpan

    gazetteer = get_gazetteer(settings, city)

    def geocode_text(text: str) -> GeoHit | None:
        hit = gazetteer.geocode(text)
        return None if hit is None else GeoHit(hit.lat, hit.lon, hit.confidence)

    def find_places(text: str) -> list[PlaceSpan]:
        return [
            PlaceSpan(h.start, h.end, text[h.start : h.end]) for h in gazetteer.find_in_text(text)
        ]

    return geocode_text, find_places

"""Use cases on the jurisdiction tree: create, look up, subtree checks, import."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shapely.geometry import Point, shape
from shapely.prepared import PreparedGeometry, prep
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from pingan.errors import InvalidInput, NotFound
from pingan.jurisdictions.models import LEVEL_ORDER, Jurisdiction, Level
from pingan.jurisdictions.schemas import JurisdictionCreate


def get_by_code(db_session: Session, code: str) -> Jurisdiction:
    found = db_session.scalar(select(Jurisdiction).where(Jurisdiction.code == code))
    if found is None:
        raise NotFound(f"no jurisdiction with code {code!r}", field="jurisdiction")
    return found


def get(db_session: Session, jurisdiction_id: int) -> Jurisdiction:
    found = db_session.get(Jurisdiction, jurisdiction_id)
    if found is None:
        raise NotFound(f"no jurisdiction {jurisdiction_id}")
    return found


def is_within(inner_path: str, outer_path: str) -> bool:
    """True when the node with ``inner_path`` lies in the subtree rooted at ``outer_path``."""
    return inner_path.startswith(outer_path)


def _check_boundary(boundary: dict[str, Any] | None, field: str) -> str | None:
    if boundary is None:
        return None
    try:
        geometry = shape(boundary)
    except Exception as exc:  # shapely raises several types for bad GeoJSON
        raise InvalidInput(f"boundary is not valid GeoJSON: {exc}", field=field) from None
    if geometry.geom_type not in ("Polygon", "MultiPolygon") or not geometry.is_valid:
        raise InvalidInput("boundary must be a valid Polygon or MultiPolygon", field=field)
    return json.dumps(boundary, ensure_ascii=False)


def create(
    db_session: Session, data: JurisdictionCreate, *, field_prefix: str = "body"
) -> Jurisdiction:
    """Add one node under its parent; the level must sit below the parent's level."""
    if db_session.scalar(select(Jurisdiction.id).where(Jurisdiction.code == data.code)):
        raise InvalidInput(f"code {data.code!r} is already used", field=f"{field_prefix}.code")
    parent = None
    if data.parent_code:
        parent = db_session.scalar(
            select(Jurisdiction).where(Jurisdiction.code == data.parent_code)
        )
        if parent is None:
            raise InvalidInput(
                f"parent {data.parent_code!r} does not exist", field=f"{field_prefix}.parent_code"
            )
        if LEVEL_ORDER.index(data.level) <= LEVEL_ORDER.index(parent.level):
            raise InvalidInput(
                f"a {data.level.value} cannot sit under a {parent.level.value}",
                field=f"{field_prefix}.level",
            )
    node = Jurisdiction(
        code=data.code,
        parent_id=parent.id if parent else None,
        level=data.level,
        name_zh=data.name_zh,
        name_en=data.name_en,
        boundary=_check_boundary(data.boundary, f"{field_prefix}.boundary"),
    )
    db_session.add(node)
    db_session.flush()
    node.path = f"{parent.path if parent else '/'}{node.id}/"
    db_session.flush()
    return node


def list_subtree(db_session: Session, root_paths: Sequence[str]) -> list[Jurisdiction]:
    nodes = db_session.scalars(select(Jurisdiction).order_by(Jurisdiction.path)).all()
    return [n for n in nodes if any(n.path.startswith(p) for p in root_paths)]


def _rows_from_csv(text: str) -> list[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    required = {"code", "level", "name_zh"}
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise InvalidInput(
            f"CSV header lacks column(s): {', '.join(sorted(missing))}", field="line 1"
        )
    rows = []
    for line_no, row in enumerate(reader, start=2):
        boundary = row.get("boundary") or None
        rows.append(
            (
                f"line {line_no}",
                {
                    "code": (row.get("code") or "").strip(),
                    "parent_code": (row.get("parent_code") or "").strip() or None,
                    "level": (row.get("level") or "").strip(),
                    "name_zh": (row.get("name_zh") or "").strip(),
                    "name_en": (row.get("name_en") or "").strip(),
                    "boundary": json.loads(boundary) if boundary else None,
                },
            )
        )
    return rows


def _rows_from_geojson(text: str) -> list[tuple[str, dict[str, Any]]]:
    try:
        collection = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"not JSON: {exc.msg} at line {exc.lineno}", field="file") from None
    rows = []
    for index, feature in enumerate(collection.get("features", []), start=1):
        props = feature.get("properties") or {}
        rows.append(
            (
                f"feature {index}",
                {
                    "code": str(props.get("code", "")),
                    "parent_code": props.get("parent_code") or None,
                    "level": props.get("level", ""),
                    "name_zh": props.get("name_zh", ""),
                    "name_en": props.get("name_en", ""),
                    "boundary": feature.get("geometry"),
                },
            )
        )
    return rows


def import_file(db_session: Session, path: Path) -> list[Jurisdiction]:
    """Import a CSV (code, parent_code, level, name_zh, name_en[, boundary]) or GeoJSON file.

    All-or-nothing: the caller's transaction is rolled back on the first bad row,
    whose line (or feature number) the error names. Parents must come before children.
    """
    from pydantic import ValidationError

    if not path.exists():
        raise InvalidInput(f"{path}: no such file", field="file")
    text = path.read_text(encoding="utf-8-sig")
    is_geojson = path.suffix.lower() in (".geojson", ".json")
    rows = _rows_from_geojson(text) if is_geojson else _rows_from_csv(text)
    created = []
    for where, raw in rows:
        try:
            data = JurisdictionCreate.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            column = ".".join(str(p) for p in first["loc"])
            raise InvalidInput(
                f"{path.name}, {where}, column {column}: {first['msg']}", field=where
            ) from None
        try:
            created.append(create(db_session, data, field_prefix=where))
        except InvalidInput as exc:
            raise InvalidInput(f"{path.name}, {where}: {exc.message}", field=exc.field) from None
    return created


#: Prepared boundary geometries by jurisdiction id, with the boundary text they came from.
#: A changed boundary (``set_boundary``, another process, a migration) has another text,
#: so it is parsed again; the cache can never answer from a stale boundary.
_boundary_cache: dict[int, tuple[str, PreparedGeometry]] = {}
_boundary_lock = threading.Lock()


def _prepared_boundary(node_id: int, boundary: str) -> PreparedGeometry:
    with _boundary_lock:
        cached = _boundary_cache.get(node_id)
    if cached is not None and cached[0] == boundary:
        return cached[1]
    geometry = prep(shape(json.loads(boundary)))
    with _boundary_lock:
        _boundary_cache[node_id] = (boundary, geometry)
    return geometry


@dataclass(frozen=True)
class JurisdictionRef:
    """The identity of a jurisdiction node, read without loading the ORM entity (hot paths)."""

    id: int
    code: str
    path: str


_REF = select(Jurisdiction.id, Jurisdiction.code, Jurisdiction.path).where(
    Jurisdiction.id == bindparam("node_id")
)


def get_ref(db_session: Session, jurisdiction_id: int) -> JurisdictionRef:
    """Like :func:`get`, for callers that need only the id, code and path (one Core query)."""
    row = db_session.connection().execute(_REF, {"node_id": jurisdiction_id}).first()
    if row is None:
        raise NotFound(f"no jurisdiction {jurisdiction_id}")
    return JurisdictionRef(row.id, row.code, row.path)


def jurisdiction_for_point(db_session: Session, lat: float, lon: float) -> Jurisdiction | None:
    """The deepest jurisdiction whose boundary contains the point (lon/lat), if any."""
    found = jurisdiction_id_for_point(db_session, lat, lon)
    return None if found is None else get(db_session, found)


def jurisdiction_id_for_point(db_session: Session, lat: float, lon: float) -> int | None:
    """The id of the deepest jurisdiction whose boundary contains the point, if any.

    Boundaries are parsed once per process and kept prepared (see ``_boundary_cache``);
    each call still reads the boundary texts, so a change made anywhere is seen at once.
    """
    point = Point(lon, lat)
    best: tuple[int, int] | None = None  # (depth, id)
    rows = db_session.execute(
        select(Jurisdiction.id, Jurisdiction.path, Jurisdiction.boundary).where(
            Jurisdiction.boundary.is_not(None)
        )
    )
    for node_id, path, boundary in rows:
        depth = path.count("/")
        deeper = best is None or depth > best[0]
        if deeper and boundary and _prepared_boundary(node_id, boundary).covers(point):
            best = (depth, node_id)
    return None if best is None else best[1]


def set_boundary(db_session: Session, node: Jurisdiction, boundary: dict[str, Any]) -> None:
    node.boundary = _check_boundary(boundary, "boundary")
    db_session.flush()


# --------------------------------------------------------------------------- mutual aid

#: The roles a node grants mutual aid to when its ``mutual_aid_roles`` is NULL: the
#: stations of one sub-bureau help each other through their dispatchers; a bureau or a
#: station grants nothing unless it is set.
DEFAULT_MUTUAL_AID_ROLES: dict[Level, frozenset[str]] = {
    Level.sub_bureau: frozenset({"dispatcher"}),
}


def mutual_aid_roles(node: Jurisdiction) -> frozenset[str]:
    """The roles that ``node`` grants mutual aid between the stations under it."""
    if node.mutual_aid_roles is None:
        return DEFAULT_MUTUAL_AID_ROLES.get(node.level, frozenset())
    return frozenset(r.strip() for r in node.mutual_aid_roles.split(",") if r.strip())


def _ids_of(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def mutual_aid_granted(db_session: Session, role: str, from_path: str, to_path: str) -> bool:
    """True when a node holding both ``from_path`` and ``to_path`` grants ``role`` mutual aid.

    ``from_path`` is where the caller's role is held (the station asking for help), and
    ``to_path`` is the helping unit's home station. Every common ancestor counts: a sub-bureau
    joins its stations, a bureau that grants it joins all of them.
    """
    common = []
    for mine, theirs in zip(_ids_of(from_path), _ids_of(to_path), strict=False):
        if mine != theirs:
            break
        common.append(mine)
    if not common:
        return False
    nodes = db_session.scalars(select(Jurisdiction).where(Jurisdiction.id.in_(common)))
    return any(role in mutual_aid_roles(node) for node in nodes)


def set_mutual_aid_roles(
    db_session: Session, node: Jurisdiction, roles: Sequence[str] | None
) -> None:
    """Grant mutual aid under ``node`` to ``roles`` (``None``: back to the level's default)."""
    node.mutual_aid_roles = None if roles is None else ",".join(sorted(set(roles)))
    db_session.flush()

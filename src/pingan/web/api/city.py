from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from pingan.city import service
from pingan.city.points import parse_cutoffs, parse_latlon
from pingan.city.schemas import CityRead, EtaRead, GeocodeRead, ReverseRead
from pingan.errors import NotFound
from pingan.web.deps import CityReader, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/cities", tags=["cities"])
GEOJSON = "application/geo+json"


@router.get("", response_model=list[CityRead])
def list_cities(caller: CityReader, db_session: SessionDep) -> list[dict[str, Any]]:
    return [service.city_read(db_session, c) for c in service.list_cities(db_session)]


@router.get("/{name}", response_model=CityRead)
def get_city(name: str, caller: CityReader, db_session: SessionDep) -> dict[str, Any]:
    return service.city_read(db_session, service.get_city(db_session, name))


@router.get("/{name}/roads.geojson")
def roads(
    name: str,
    caller: CityReader,
    db_session: SessionDep,
    settings: SettingsDep,
    zoom: Annotated[int, Query(ge=0, le=20)] = 15,
) -> Response:
    body = service.roads_layer(db_session, settings, name, zoom)
    return Response(body, media_type=GEOJSON, headers={"Cache-Control": "private, max-age=3600"})


@router.get("/{name}/places.geojson")
def places(
    name: str,
    caller: CityReader,
    db_session: SessionDep,
    kinds: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    import json

    kind_list = [k.strip() for k in kinds.split(",") if k.strip()] if kinds else None
    body = json.dumps(service.places_layer(db_session, name, kind_list), ensure_ascii=False)
    return Response(body, media_type=GEOJSON)


@router.get("/{name}/geocode", response_model=GeocodeRead)
def geocode(
    name: str,
    caller: CityReader,
    db_session: SessionDep,
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
) -> GeocodeRead:
    hit = service.geocode(db_session, settings, name, q)
    if hit is None:
        raise NotFound(f"nothing in {name} matches {q!r}")
    return GeocodeRead(
        query=q,
        lat=hit.lat,
        lon=hit.lon,
        confidence=hit.confidence,
        matched=hit.matched,
        kind=hit.kind,
    )


@router.get("/{name}/reverse", response_model=ReverseRead)
def reverse(
    name: str,
    caller: CityReader,
    db_session: SessionDep,
    settings: SettingsDep,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
) -> ReverseRead:
    return ReverseRead(
        lat=lat, lon=lon, label=service.reverse(db_session, settings, name, lat, lon)
    )


@router.get("/{name}/eta", response_model=EtaRead)
def eta(
    name: str,
    caller: CityReader,
    db_session: SessionDep,
    settings: SettingsDep,
    from_: Annotated[str, Query(alias="from")],
    to: str,
    mode: Annotated[str, Query(pattern="^(car|ebike|foot)$")] = "car",
) -> dict[str, Any]:
    return service.eta(
        db_session, settings, name, parse_latlon(from_, "from"), parse_latlon(to, "to"), mode
    )


@router.get("/{name}/reach")
def reach(
    name: str,
    caller: CityReader,
    db_session: SessionDep,
    settings: SettingsDep,
    at: str,
    cutoffs: str = "60,180,300",
    mode: Annotated[str, Query(pattern="^(car|ebike|foot)$")] = "car",
) -> dict[str, Any]:
    return service.reach(
        db_session, settings, name, parse_latlon(at, "at"), parse_cutoffs(cutoffs), mode
    )

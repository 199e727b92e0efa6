from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class ModeStats(BaseModel):
    nodes: int
    edges: int
    dropped_nodes: int
    dropped_edges: int
    components: int


class CityRead(BaseModel):
    name: str
    jurisdiction_code: str
    source_file: str
    imported_at: datetime
    bbox: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat
    center: tuple[float, float]  # lat, lon
    modes: dict[str, ModeStats]
    places: dict[str, int]
    attribution: str = "© OpenStreetMap contributors (ODbL)"


class GeocodeRead(BaseModel):
    query: str
    lat: float
    lon: float
    confidence: float
    matched: str
    kind: str


class ReverseRead(BaseModel):
    lat: float
    lon: float
    label: str


class EtaRead(BaseModel):
    mode: str
    travel_time_s: float
    distance_m: float
    from_snap_m: float
    to_snap_m: float
    path: list[tuple[float, float]]  # (lat, lon)

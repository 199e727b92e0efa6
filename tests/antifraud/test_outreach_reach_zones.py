"""The reach layer with real residents: Coquimbo–La Serena's 133 population zones
(451,900 people) on its foot network, imported into the test database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from pingan.antifraud import reach, suggestions
from pingan.antifraud.models import OutreachEvent, OutreachKind, Venue
from pingan.bundled import bundled_file
from pingan.city import service as cities
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.jurisdictions import service as jurisdictions

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.slow
def test_a_stall_reaches_the_residents_of_its_zone_and_not_of_a_far_one(
    settings: Settings, tmp_path: Path
) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the city-sized run")
    own = settings.model_copy(update={"data_dir": tmp_path / "cq"})
    own.data_dir.mkdir()
    factory = make_session_factory(make_engine(own.database_url))
    with unit_of_work(factory) as db_session:
        cities.import_city(
            db_session, own, DATA / "osm" / "coquimbo.osm.pbf", "coquimbo",
            jurisdiction_code="demo-bureau",
        )  # fmt: skip
    zones = json.loads(bundled_file("zones/coquimbo_zones.geojson").read_text("utf-8"))
    people = {
        str(f["properties"]["zone_id"]): f["properties"]["population"] for f in zones["features"]
    }
    biggest = max(people, key=lambda z: people[z])
    polygon = shape(
        next(f for f in zones["features"] if str(f["properties"]["zone_id"]) == biggest)["geometry"]
    )
    spot = polygon.representative_point()

    with unit_of_work(factory) as db_session:
        empty = reach.outreach_reach(db_session, own, None, jurisdiction_code="demo-bureau")
        assert (empty["city"], empty["population_source"]) == ("coquimbo", "zones")
        assert empty["totals"]["zones"] == 133
        assert empty["totals"]["population"] == pytest.approx(451_900, rel=0.01)
        assert empty["totals"]["reached"] == 0.0
        bureau = jurisdictions.get_by_code(db_session, "demo-bureau")
        start = datetime.now(UTC) - timedelta(minutes=5)
        db_session.add(
            OutreachEvent(
                jurisdiction_id=bureau.id, kind=OutreachKind.stall, venue=Venue.square,
                place_text="plaza", lat=spot.y, lon=spot.x, starts_at=start,
                ends_at=start + timedelta(hours=2), people_reached=200,
            )
        )  # fmt: skip
        db_session.flush()
        after = reach.outreach_reach(db_session, own, None, jurisdiction_code="demo-bureau")
        by_zone = {f["properties"]["zone"]: f["properties"] for f in after["features"]}
        assert by_zone[biggest]["population"] == pytest.approx(people[biggest], abs=0.1)
        assert 0.0 < by_zone[biggest]["share"] <= 1.0
        far = max(
            by_zone, key=lambda z: shapely.distance(shape(next(
                f["geometry"] for f in after["features"] if f["properties"]["zone"] == z
            )).centroid, spot),
        )  # fmt: skip
        assert by_zone[far]["share"] == 0.0
        reached = sum(p["reached"] for p in by_zone.values())
        assert after["totals"]["reached"] == pytest.approx(reached, abs=1.0)
        assert 0.0 < after["totals"]["share"] < 0.1  # one stall of ten minutes' walk

        # no fraud incidents in this database: nothing to suggest, and it says so
        sites = suggestions.suggest_sites(db_session, own, None, jurisdiction_code="demo-bureau")
        assert (sites["demand_total"], sites["suggestions"]) == (0.0, [])
        assert sites["candidates"] > 100

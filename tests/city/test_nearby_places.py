"""A place without a name placed on the real Helsinki OSM data (issue 16, item 3).

The test database imports data/osm/Helsinki.osm.pbf (tests/conftest.py) and gives station-a
the east half of the extract and station-b the west half. A report that says only "the
parking garage" or 停车场 gets the parking lot nearest to the centre of the reporter's
station area; a kind the city has none of (KTV) gets no point and stays text.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from zoneinfo import ZoneInfo

from shapely.geometry import Point, shape
from sqlalchemy import select

from pingan.city.models import Place
from pingan.city.nearby import kind_confidence
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.incidents.models import Channel
from pingan.incidents.placement import ReportInput, prepare
from pingan.jurisdictions import service as jurisdictions

AT = datetime(2026, 7, 10, 21, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


def _expected(db_session: object, kind: str, boundary: str) -> tuple[tuple[float, float], int]:
    """The nearest ``kind`` place to the area's centre, computed here from the rows."""
    area = shape(json.loads(boundary))
    rows = [
        p
        for p in db_session.scalars(select(Place).where(Place.kind == kind))  # type: ignore[attr-defined]
        if area.contains(Point(p.lon, p.lat))
    ]
    centre = area.centroid
    scale = math.cos(math.radians(centre.y))
    best = min(rows, key=lambda p: ((p.lon - centre.x) * scale) ** 2 + (p.lat - centre.y) ** 2)
    return (best.lat, best.lon), len(rows)


def test_generic_parking_goes_to_the_nearest_lot_of_the_station(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    with unit_of_work(make_session_factory(engine)) as db_session:
        for code in ("station-a", "station-b"):
            node = jurisdictions.get_by_code(db_session, code)
            assert node.boundary is not None
            point, count = _expected(db_session, "parking", node.boundary)
            assert count >= 2  # the real extract has parking lots in both halves
            for text in (
                "Someone keyed my car in the parking garage this morning, whole side scratched",
                "我的车昨天晚上停在地下停车场，今天早上发现车窗被砸了",
            ):
                placed = prepare(
                    db_session,
                    settings,
                    ReportInput(text=text, channel=Channel.api, received_at=AT),
                    node.id,
                )
                assert placed.extraction.place_ref is not None
                assert placed.extraction.place_ref.kind == "parking"
                assert placed.extraction.place_ref.landmark is None
                assert (placed.lat, placed.lon) == point
                assert placed.geocode_confidence == kind_confidence(count) < 0.6
                assert placed.jurisdiction.id == node.id
    engine.dispose()


def test_a_kind_the_city_lacks_stays_text(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    with unit_of_work(make_session_factory(engine)) as db_session:
        node = jurisdictions.get_by_code(db_session, "station-a")
        assert db_session.scalar(select(Place).where(Place.kind == "karaoke_box")) is None
        placed = prepare(
            db_session,
            settings,
            ReportInput(
                text="昨晚KTV包厢里有人打架，酒瓶都砸了", channel=Channel.chat, received_at=AT
            ),
            node.id,
        )
        assert placed.extraction.place == "KTV包厢"
        assert placed.extraction.place_ref is not None
        assert placed.extraction.place_ref.osm_tags == ("amenity=karaoke_box",)
        assert (placed.lat, placed.lon, placed.geocode_confidence) == (None, None, 0.0)
        # a generic place with no area (the bureau has no boundary) gets no point either
        bureau = jurisdictions.get_by_code(db_session, "demo-sub")
        far = prepare(
            db_session,
            settings,
            ReportInput(
                text="my bike was taken from the parking lot", channel=Channel.api, received_at=AT
            ),
            bureau.id,
        )
        assert far.extraction.place_ref is not None
        assert far.extraction.place_ref.kind == "parking"
        assert far.lat is None
    engine.dispose()

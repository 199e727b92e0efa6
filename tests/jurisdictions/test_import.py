"""Importing the jurisdiction tree from CSV and GeoJSON: all or nothing, errors name the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.errors import InvalidInput
from pingan.jurisdictions import service
from pingan.jurisdictions.models import Jurisdiction, Level


def _factory(settings: Settings):  # type: ignore[no-untyped-def]
    return make_session_factory(make_engine(settings.effective_database_url))


def _count(factory) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(factory) as session:
        return session.scalar(select(func.count(Jurisdiction.id))) or 0


def test_csv_import_builds_the_tree(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "tree.csv"
    path.write_text(
        "code,parent_code,level,name_zh,name_en\n"
        "hz,,bureau,杭州市公安局,Hangzhou PSB\n"
        "hz-sc,hz,sub_bureau,上城区分局,Shangcheng Sub-bureau\n"
        "hz-sc-hb,hz-sc,station,湖滨派出所,Hubin Station\n"
        "hz-sc-hb-1,hz-sc-hb,grid,东坡路社区,Dongpo Road Community\n",
        encoding="utf-8",
    )
    factory = _factory(settings)
    with unit_of_work(factory) as session:
        created = service.import_file(session, path)
        assert [n.level for n in created] == [
            Level.bureau,
            Level.sub_bureau,
            Level.station,
            Level.grid,
        ]
        grid, station = created[3], created[2]
        assert service.is_within(grid.path, station.path)
        assert not service.is_within(station.path, grid.path)
        assert grid.name_en == "Dongpo Road Community"


def test_bad_csv_line_is_named_and_nothing_is_stored(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "tree.csv"
    path.write_text(
        "code,parent_code,level,name_zh,name_en\n"
        "x1,,bureau,某局,A bureau\n"
        "x2,x1,station,某所,A station\n"
        "x3,x2,sub_bureau,倒挂分局,Upside down\n",
        encoding="utf-8",
    )
    factory = _factory(settings)
    before = _count(factory)
    with pytest.raises(InvalidInput, match="line 4") as caught, unit_of_work(factory) as session:
        service.import_file(session, path)
    assert "cannot sit under" in caught.value.message
    assert _count(factory) == before


def test_missing_column_is_named(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "tree.csv"
    path.write_text("code,level\nx1,bureau\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="name_zh"), unit_of_work(_factory(settings)) as session:
        service.import_file(session, path)


def test_geojson_import_with_boundaries_locates_points(settings: Settings, tmp_path: Path) -> None:
    def square(x0: float, y0: float, size: float) -> dict:
        ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
        return {"type": "Polygon", "coordinates": [ring]}

    features = [
        {
            "type": "Feature",
            "geometry": square(120.0, 30.0, 1.0),
            "properties": {"code": "g1", "level": "bureau", "name_zh": "测试局"},
        },
        {
            "type": "Feature",
            "geometry": square(120.0, 30.0, 0.5),
            "properties": {
                "code": "g1-s",
                "parent_code": "g1",
                "level": "station",
                "name_zh": "西南所",
            },
        },
    ]
    path = tmp_path / "tree.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    with unit_of_work(_factory(settings)) as session:
        service.import_file(session, path)
        assert service.jurisdiction_for_point(session, 30.2, 120.2).code == "g1-s"
        assert service.jurisdiction_for_point(session, 30.8, 120.8).code == "g1"
        assert service.jurisdiction_for_point(session, 10.0, 10.0) is None


def test_invalid_boundary_is_refused(settings: Settings, tmp_path: Path) -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    path = tmp_path / "bad.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": bowtie,
                        "properties": {"code": "b1", "level": "bureau", "name_zh": "坏边界"},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    with (
        pytest.raises(InvalidInput, match="feature 1"),
        unit_of_work(_factory(settings)) as session,
    ):
        service.import_file(session, path)

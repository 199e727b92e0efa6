"""Plan making in two steps: a frozen draft that stores nothing, then one step that stores it;
and the units' position reports as the observed visibility reads them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from patrol_history import FIRST_DAY, add_history
from sqlalchemy import func, select

from pingan.audit.models import AuditEvent
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.patrol import planning, reads
from pingan.patrol.models import Plan, PlanStatus
from pingan.patrol.schemas import PlanCreate
from pingan.units import service as units
from support.app import seeded_client, token_for


def test_draft_stores_nothing_and_store_plan_writes_the_draft(settings: Settings) -> None:
    add_history(settings, "helsinki", "station-a", 40, seed=5)
    request = PlanCreate(
        city="helsinki",
        station_code="station-a",
        groups=2,
        hotspots_per_group=1,
        history_from=FIRST_DAY,
        time_limit_s=5.0,
        activate=True,
    )
    factory = make_session_factory(make_engine(settings.database_url))
    stages: list[tuple[str, float]] = []
    with unit_of_work(factory) as db_session:
        draft = planning.draft_plan(
            db_session, settings, None, request, progress=lambda s, f: stages.append((s, f))
        )
        assert db_session.scalar(select(func.count()).select_from(Plan)) == 0
        with pytest.raises(dataclasses.FrozenInstanceError):
            draft.name = "changed"  # type: ignore[misc]
        assert stages[-1] == ("beats", 0.5)
        assert [p.group_no for p in draft.posts] == [1, 2]
        assert [r.group_no for r in draft.routes] == [1, 2]
        assert sorted(b.beat_no for b in draft.beats) == [1, 2]
        assert draft.name == "helsinki 20:00-02:00 weekday"

        plan = planning.store_plan(db_session, draft, None, actor="test")
        detail = reads.plan_detail(db_session, plan)
        audited = db_session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "plan", AuditEvent.object_id == str(plan.id)
            )
        ).all()
    assert detail["status"] == PlanStatus.active
    assert detail["created_by"] == "test"
    assert detail["coverage"] == draft.coverage
    assert detail["notes"] == list(draft.notes)
    assert detail["posts"] == [
        {"group": p.group_no, "node": p.node, "lat": p.lat, "lon": p.lon, "fixed": p.fixed}
        for p in draft.posts
    ]
    assert [r["stops"] for r in detail["routes"]] == [list(r.stops) for r in draft.routes]
    assert sorted((b["beat"], b["n_nodes"]) for b in detail["beats"]) == sorted(
        (b.beat_no, b.n_nodes) for b in draft.beats
    )
    assert "plan.create" in audited


def test_positions_in_city_include_both_ends_and_only_that_city(settings: Settings) -> None:
    client = seeded_client(settings)
    chief = token_for(client, settings, "chief_a")
    unit = client.post(
        "/api/v1/units",
        headers=chief,
        json={
            "callsign": "POS-1",
            "kind": "foot_patrol",
            "station_code": "station-a",
            "city": "helsinki",
        },
    )
    assert unit.status_code == 201, unit.text
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    sent = client.post(
        "/api/v1/units/positions",
        headers=token_for(client, settings, "dispatcher_a"),
        json={
            "positions": [
                {
                    "unit_id": unit.json()["id"],
                    "lat": 60.1690,
                    "lon": 24.9490 + i * 0.0001,
                    "at": (start + timedelta(minutes=i)).isoformat(),
                }
                for i in range(5)
            ]
        },
    )
    assert sent.status_code == 200, sent.text
    factory = make_session_factory(make_engine(settings.database_url))
    with unit_of_work(factory) as db_session:
        inclusive = units.positions_in_city(
            db_session, "helsinki", start + timedelta(minutes=1), start + timedelta(minutes=3)
        )
        elsewhere = units.positions_in_city(
            db_session, "coquimbo", start, start + timedelta(minutes=4)
        )
    assert sorted(f.at for f in inclusive) == [start + timedelta(minutes=i) for i in (1, 2, 3)]
    assert {f.unit_id for f in inclusive} == {unit.json()["id"]}
    assert sorted(f.lon for f in inclusive) == pytest.approx([24.9491, 24.9492, 24.9493])
    assert elsewhere == []

"""The demo's volunteers: two simulated teams of 40 of station A, a month of shifts with
check-ins and verified points, clues; volunteer_a tied to a record; a second run adds
nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pingan.community.models import CheckIn, Clue, Shift, Volunteer, VolunteerTeam
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.demo import seed_community, seed_plan
from support.app import seeded_client, token_for


def test_demo_volunteers_are_simulated_and_made_once(settings: Settings) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the demo step is storage-neutral; the API tests cover PostgreSQL")
    factory = make_session_factory(make_engine(settings.database_url))
    with unit_of_work(factory) as db_session:
        seed_plan(db_session, settings, lambda *_: None)
    for _ in range(2):
        with unit_of_work(factory) as db_session:
            seed_community(db_session, settings, lambda *_: None)
    with unit_of_work(factory) as db_session:
        teams = db_session.scalars(select(VolunteerTeam)).all()
        assert sorted(t.kind.value for t in teams) == ["firefly", "red_armband"]
        assert all(t.simulated for t in teams)
        assert db_session.scalar(select(func.count()).select_from(Volunteer)) == 80
        for model in (Volunteer, Shift, CheckIn, Clue):
            assert db_session.scalar(select(func.count()).where(model.simulated.is_(False))) == 0
        # a month for each team, and tonight's shift of each
        assert db_session.scalar(select(func.count()).select_from(Shift)) == 62
        assert db_session.scalar(select(func.count()).select_from(CheckIn)) > 300
        assert db_session.scalar(select(func.count()).select_from(Clue)) == 24
    client = seeded_client(settings)
    volunteer = token_for(client, settings, "volunteer_a")
    me = client.get("/api/v1/community/me", headers=volunteer).json()
    assert me["simulated"] is True
    assert me["leads_team_id"] is not None
    assert client.get("/api/v1/community/me/points", headers=volunteer).json()["total"] > 0

"""The rapid-response demo steps on the Helsinki template city: units, two simulated years
of history with simulated assignments, live incidents; all marked simulated; run twice; an
older one-year history is extended to two years."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pingan import demo
from pingan.city.models import City, Place
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work, utcnow
from pingan.demo import history
from pingan.dispatch import recommend
from pingan.dispatch.models import Assignment, AssignmentStatus
from pingan.incidents import simulated
from pingan.incidents.models import Incident, Status
from pingan.jurisdictions.models import Jurisdiction
from pingan.units.models import Unit, UnitKind
from support.app import seeded_client, token_for

RATE = {"helsinki": 800.0}


def _run_steps(factory, settings: Settings) -> tuple[int, dict, int]:  # type: ignore[no-untyped-def]
    """Run the three demo steps, each in its own transaction, as ``pingan demo`` does."""
    with unit_of_work(factory) as db_session:
        made_units = demo.seed_units(db_session, settings, lambda *_: None)
    with unit_of_work(factory) as db_session:
        written = demo.seed_history(db_session, settings, lambda *_: None, incidents_per_year=RATE)
    with unit_of_work(factory) as db_session:
        live = demo.seed_live_incidents(db_session, settings, lambda *_: None)
    return made_units, written, live


def test_demo_steps_write_marked_history_units_and_live_work_once(settings: Settings) -> None:
    engine = make_engine(settings.effective_database_url)
    factory = make_session_factory(engine)
    started = utcnow()
    made_units, written, live = _run_steps(factory, settings)

    # Two stations × (3 cars, 2 e-bike, 2 foot, 4 key-unit posts, 2 volunteer teams,
    # 1 special police); Coquimbo is not in the template, so it is skipped.
    assert made_units == 28
    assert set(written) == {"helsinki"}
    n_incidents, n_assignments = written["helsinki"]
    # Poisson mean 800 a year over two years, less the last 6 hours: well inside 1350..1850.
    assert 1350 <= n_incidents <= 1850
    assert 0.5 * n_incidents <= n_assignments <= 0.95 * n_incidents
    assert live == 6

    with unit_of_work(factory) as db_session:
        city = db_session.scalar(select(City).where(City.name == "helsinki"))
        mid = (city.min_lon + city.max_lon) / 2
        rows = db_session.execute(
            select(Incident, Jurisdiction.code)
            .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
            .where(Incident.city == "helsinki")
        ).all()
        assert len(rows) == n_incidents + live
        # every incident made by the demo is simulated and says so
        assert all(i.simulated for i, _ in rows)
        assert all("模拟" in i.description for i, _ in rows)
        history = [(i, code) for i, code in rows if i.public_token.startswith("sim-")]
        assert len(history) == n_incidents
        for incident, code in history:
            assert code == ("station-a" if incident.lon >= mid else "station-b")
            assert incident.status in (Status.closed, Status.resolved)
            assert incident.received_at <= started - timedelta(hours=5, minutes=59)
            assert incident.received_at >= started - timedelta(days=731)
        # both years hold history, so 同比 (same period last year) has figures
        first_year = [i for i, _ in history if i.received_at < started - timedelta(days=365)]
        assert 0.4 * n_incidents <= len(first_year) <= 0.6 * n_incidents
        open_ones = [i for i, _ in rows if not i.public_token.startswith("sim-")]
        assert sorted(i.status.value for i in open_ones) == ["confirmed"] * 2 + ["received"] * 4

        # assignments: on simulated incidents only, response = arrival − received
        pairs = db_session.execute(
            select(Assignment, Incident).join(Incident, Incident.id == Assignment.incident_id)
        ).all()
        assert len(pairs) == n_assignments
        for assignment, incident in pairs[:50]:
            assert incident.simulated
            assert assignment.status is AssignmentStatus.cleared
            assert assignment.response_s == pytest.approx(
                (assignment.arrived_at - incident.received_at).total_seconds(), abs=1e-3
            )
            assert assignment.assigned_at <= assignment.arrived_at <= assignment.cleared_at

        # units: fresh positions, key-unit posts stand at bars, pubs or nightclubs
        units = db_session.scalars(select(Unit).where(Unit.city == "helsinki")).all()
        assert len(units) == 28
        assert all(started - u.last_seen_at < timedelta(minutes=5) for u in units)
        venues = {
            (p.lat, p.lon)
            for p in db_session.scalars(
                select(Place).where(Place.kind.in_(("bar", "pub", "nightclub")))
            )
        }
        posts = [u for u in units if u.kind is UnitKind.key_unit_post]
        assert len(posts) == 8
        assert all((u.post_lat, u.post_lon) in venues for u in posts)
        first_seen = {u.callsign: u.last_seen_at for u in units}

    # a second run adds nothing and only refreshes positions
    made_again, written_again, live_again = _run_steps(factory, settings)
    assert (made_again, written_again, live_again) == (0, {}, 0)
    with unit_of_work(factory) as db_session:
        assert simulated.count_simulated_history(db_session, "helsinki") == n_incidents
        assert db_session.scalar(select(func.count(Assignment.id))) == n_assignments
        assert db_session.scalar(select(func.count(Unit.id))) == 28
        again = dict(db_session.execute(select(Unit.callsign, Unit.last_seen_at)).all())
        assert all(again[c] >= first_seen[c] for c in first_seen)
    engine.dispose()


def test_chief_sees_simulated_figures_and_dispatcher_a_live_recommendation(
    settings: Settings,
) -> None:
    factory = make_session_factory(make_engine(settings.effective_database_url))
    _run_steps(factory, settings)
    client = seeded_client(settings)
    chief = token_for(client, settings, "chief_a")
    response = client.get("/api/v1/dispatch/figures?group_by=station", headers=chief)
    assert response.status_code == 200, response.text
    body = response.json()
    # chief A sees only station A's simulated incidents, all of them marked simulated
    assert [g["group"] for g in body["groups"]] == ["station-a"]
    assert body["overall"]["count"] == body["simulated_incidents"] > 0
    assert body["overall"]["share_within"]["300"] > 0.5

    with unit_of_work(factory) as db_session:
        live_id = db_session.scalar(
            select(Incident.id)
            .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
            .where(Jurisdiction.code == "station-a", Incident.status == Status.received)
            .order_by(Incident.id)
            .limit(1)
        )
        body = recommend.recommend(db_session, settings, demo.operator(db_session), live_id)
    desk = token_for(client, settings, "dispatcher_a")
    response = client.get(f"/api/v1/incidents/{live_id}/recommendation", headers=desk)
    assert response.status_code == 200, response.text
    ranked = response.json()["units"]
    assert [u["callsign"] for u in ranked] == [u["callsign"] for u in body["units"]]
    assert len(ranked) == 28
    times = [u["travel_time_s"] for u in ranked if u["travel_time_s"] is not None]
    assert times == sorted(times)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_one_year_history_is_extended_to_two_years(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory = make_session_factory(make_engine(settings.effective_database_url))
    started = utcnow()
    with unit_of_work(factory) as db_session:
        demo.seed_units(db_session, settings, lambda *_: None)
    monkeypatch.setattr(history, "HISTORY_DAYS", 365)  # what an older demo wrote
    with unit_of_work(factory) as db_session:
        first = demo.seed_history(db_session, settings, lambda *_: None, incidents_per_year=RATE)
    with unit_of_work(factory) as db_session:
        one_year_start = simulated.simulated_history_start(db_session, "helsinki")
        last_id = db_session.scalar(select(func.max(Incident.id)))
    assert one_year_start is not None
    assert one_year_start >= started - timedelta(days=366)
    monkeypatch.setattr(history, "HISTORY_DAYS", 730)
    with unit_of_work(factory) as db_session:
        added = demo.seed_history(db_session, settings, lambda *_: None, incidents_per_year=RATE)
    # the earlier year only: about 800 incidents, all before the old history's start
    assert 650 <= added["helsinki"][0] <= 950
    with unit_of_work(factory) as db_session:
        total = simulated.count_simulated_history(db_session, "helsinki")
        assert total == first["helsinki"][0] + added["helsinki"][0]
        start = simulated.simulated_history_start(db_session, "helsinki")
        assert start is not None
        assert start <= started - timedelta(days=727)
        newer = db_session.scalar(
            select(func.count(Incident.id)).where(
                Incident.public_token.startswith("sim-"),
                Incident.occurred_start >= one_year_start,
                Incident.id > last_id,
            )
        )
        assert newer == 0
    with unit_of_work(factory) as db_session:  # and then it is complete
        assert demo.seed_history(db_session, settings, lambda *_: None) == {}

"""Shifts on the active plan, QR check-ins refused with their reason (nothing stored), the
joint patrol as a tier-1 unit in dispatch, hours with late and missing check-outs, and the
observed visibility counting joint patrols' check-ins."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from community_helpers import NEAR_A, POST_A, POST_B, set_up
from sqlalchemy import func, select

from pingan.auth import service as auth
from pingan.auth.models import User
from pingan.community import checkins
from pingan.community.models import CheckIn
from pingan.community.schemas import CheckInRequest
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.patrol.visibility import observed_visibility
from support.app import seeded_client, token_for

API = "/api/v1/community"


def _iso(at: datetime) -> str:
    return at.isoformat()


def _stored(settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        value = conn.execute(select(func.count()).select_from(CheckIn)).scalar_one()
    engine.dispose()
    return int(value)


@pytest.fixture
def duty(settings: Settings):  # type: ignore[no-untyped-def]
    setup = set_up(settings)
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    now = datetime.now(UTC)
    shift = client.post(
        f"{API}/shifts",
        json={
            "plan_id": setup.plan_a,
            "point_kind": "post",
            "point_id": setup.post_a,
            "starts_at": _iso(now - timedelta(minutes=5)),
            "ends_at": _iso(now + timedelta(hours=3)),
            "min_people": 2,
            "max_people": 3,
            "volunteer_ids": [setup.volunteer_a],
        },
        headers=officer,
    )
    assert shift.status_code == 201, shift.text
    codes = client.get(f"{API}/plans/{setup.plan_a}/codes", headers=officer)
    assert codes.status_code == 200, codes.text
    code = next(c for c in codes.json() if c["point"] == f"post-{setup.post_a}")
    return client, setup, shift.json(), code


def test_shift_short_of_people_says_so(duty) -> None:  # type: ignore[no-untyped-def]
    client, _setup, shift, _code = duty
    assert (shift["signed_up"], shift["short_by"], shift["group_no"]) == (1, 1, 1)
    officer = token_for(client, client.app.state.settings, "officer_a")
    short = client.get(f"{API}/shifts?short_only=true", headers=officer).json()
    assert [s["id"] for s in short] == [shift["id"]]


def test_check_in_makes_a_joint_patrol_recommended_in_tier_1(duty, settings) -> None:  # type: ignore[no-untyped-def]
    client, _setup, shift, code = duty
    volunteer = token_for(client, settings, "volunteer_a")
    assert code["url"].startswith("/volunteer/checkin?code=")
    done = client.post(
        f"{API}/checkins",
        json={"code": code["code"], "lat": POST_A[0], "lon": POST_A[1] + 0.0002},
        headers=volunteer,
    )
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["shift_id"] == shift["id"]
    assert body["distance_m"] == pytest.approx(11.1, abs=0.1)
    desk = token_for(client, settings, "dispatcher_a")
    unit = client.get(f"/api/v1/units/{body['unit_id']}", headers=desk).json()
    assert (unit["kind"], unit["mode"], unit["status"], unit["stale"]) == (
        "volunteer_team",
        "foot",
        "available",
        False,
    )
    assert unit["members"] == ["G1", "王**"]
    incident = client.post(
        "/api/v1/reports",
        headers=desk,
        json={"description": "路口有人打架", "type": "assault", "lat": NEAR_A[0], "lon": NEAR_A[1]},
    )
    assert incident.status_code in (200, 201), incident.text
    ranked = client.get(
        f"/api/v1/incidents/{incident.json()['id']}/recommendation", headers=desk
    ).json()
    assert body["unit_id"] in ranked["by_tier"]["60"], ranked
    # the chief's dashboard counts the patrol on duty
    figures = client.get(f"{API}/figures", headers=token_for(client, settings, "chief_a")).json()
    assert [p["callsign"] for p in figures["joint_patrols_on_duty"]] == [body["unit_callsign"]]
    assert figures["volunteers_active"] == 1
    # checking out as the last member stands the patrol down
    out = client.post(
        f"{API}/checkins",
        json={"code": code["code"], "kind": "out", "lat": POST_A[0], "lon": POST_A[1]},
        headers=volunteer,
    )
    assert out.status_code == 201, out.text
    assert client.get(f"/api/v1/units/{body['unit_id']}", headers=desk).json()["status"] == (
        "off_duty"
    )


def test_refusals_name_the_reason_and_store_nothing(duty, settings) -> None:  # type: ignore[no-untyped-def]
    client, setup, _shift, code = duty
    volunteer = token_for(client, settings, "volunteer_a")

    def attempt(token: str, lat: float, lon: float):  # type: ignore[no-untyped-def]
        return client.post(
            f"{API}/checkins", json={"code": token, "lat": lat, "lon": lon}, headers=volunteer
        )

    far = attempt(code["code"], POST_A[0] + 0.01, POST_A[1])
    assert far.status_code == 422
    assert "1112 m from the point" in far.json()["detail"]
    payload, signature = code["code"].split(".")
    forged = attempt(f"{payload}.{signature[:-2]}AA", *POST_A)
    assert forged.status_code == 422
    assert "not genuine" in forged.json()["detail"]
    past = datetime.now(UTC) - timedelta(days=1)
    expired = checkins.sign_code(settings, "station-a", setup.plan_a, f"post-{setup.post_a}", past)
    late = attempt(expired, *POST_A)
    assert late.status_code == 422
    assert "expired" in late.json()["detail"]
    chief_b = token_for(client, settings, "chief_b")
    foreign = client.get(f"{API}/plans/{setup.plan_b}/codes", headers=chief_b).json()
    other = attempt(foreign[0]["code"], *POST_B)
    assert other.status_code == 422
    assert "belongs to station-b" in other.json()["detail"]
    officer = token_for(client, settings, "officer_a")
    paused = client.post(
        f"{API}/volunteers/{setup.volunteer_a}/status", json={"status": "paused"}, headers=officer
    )
    assert paused.status_code == 200
    refused = attempt(code["code"], *POST_A)
    assert refused.status_code == 409
    assert "paused" in refused.json()["detail"]
    assert _stored(settings) == 0


def _as_volunteer(db_session):  # type: ignore[no-untyped-def]
    user = db_session.scalar(select(User).where(User.username == "volunteer_a"))
    return auth.principal_for(db_session, user, client_addr="test")


def test_hours_show_late_check_ins_and_missing_check_outs(duty, settings) -> None:  # type: ignore[no-untyped-def]
    client, setup, _shift, code = duty
    officer = token_for(client, settings, "officer_a")
    now = datetime.now(UTC).replace(microsecond=0)
    windows = [(now - timedelta(hours=30), now - timedelta(hours=27))]
    windows.append((now - timedelta(hours=6), now - timedelta(hours=3)))
    for starts, ends in windows:
        made = client.post(
            f"{API}/shifts",
            json={
                "plan_id": setup.plan_a,
                "point_kind": "post",
                "point_id": setup.post_a,
                "starts_at": _iso(starts),
                "ends_at": _iso(ends),
                "volunteer_ids": [setup.volunteer_a],
            },
            headers=officer,
        )
        assert made.status_code == 201, made.text
    engine = make_engine(settings.database_url)
    with unit_of_work(make_session_factory(engine)) as db_session:
        me = _as_volunteer(db_session)
        first, second = windows
        for kind, at in (("in", first[0] + timedelta(minutes=1)), ("out", first[1])):
            checkins.check(
                db_session,
                settings,
                me,
                CheckInRequest(code=code["code"], kind=kind, lat=POST_A[0], lon=POST_A[1]),
                now=at,
            )
        forgot = checkins.check(
            db_session,
            settings,
            me,
            CheckInRequest(code=code["code"], lat=POST_A[0], lon=POST_A[1]),
            now=second[0] + timedelta(minutes=20),
        )
    engine.dispose()
    desk = token_for(client, settings, "dispatcher_a")
    unit_url = f"/api/v1/units/{forgot['unit_id']}"
    assert client.get(unit_url, headers=desk).json()["status"] == "available"
    # the next check-in anywhere stands down a patrol whose shift is over
    volunteer = token_for(client, settings, "volunteer_a")
    now_in = client.post(
        f"{API}/checkins",
        json={"code": code["code"], "lat": POST_A[0], "lon": POST_A[1]},
        headers=volunteer,
    )
    assert now_in.status_code == 201, now_in.text
    assert client.get(unit_url, headers=desk).json()["status"] == "off_duty"
    report = client.get(
        f"{API}/hours",
        params={"since": _iso(now - timedelta(days=2)), "until": _iso(now - timedelta(hours=2))},
        headers=officer,
    ).json()
    rows = [(r["hours"], r["late"], r["missing_check_out"]) for r in report["rows"]]
    assert rows == [(2.98, False, False), (0.0, True, True)]
    assert report["by_volunteer"][0]["hours"] == 2.98
    assert report["by_volunteer"][0]["late"] == 1


def test_visibility_counts_joint_patrols_check_ins(duty, settings) -> None:  # type: ignore[no-untyped-def]
    client, setup, _shift, _code = duty
    officer = token_for(client, settings, "officer_a")
    zone = ZoneInfo(settings.time_zone)
    day = date.today() - timedelta(days=1)
    evening = datetime(day.year, day.month, day.day, 21, 0, tzinfo=zone)
    made = client.post(
        f"{API}/shifts",
        json={
            "plan_id": setup.plan_a,
            "point_kind": "stop",
            "point_id": setup.route_a,
            "starts_at": _iso(evening),
            "ends_at": _iso(evening + timedelta(hours=3)),
            "min_people": 1,
            "volunteer_ids": [setup.volunteer_a],
        },
        headers=officer,
    )
    assert made.status_code == 201, made.text
    codes = client.get(f"{API}/plans/{setup.plan_a}/codes", headers=officer).json()
    stop = next(c for c in codes if c["point"] == f"stop-{setup.route_a}-0")
    engine = make_engine(settings.database_url)
    with unit_of_work(make_session_factory(engine)) as db_session:
        before = observed_visibility(db_session, settings, None, setup.plan_a, day, day)
        checkins.check(
            db_session,
            settings,
            _as_volunteer(db_session),
            CheckInRequest(code=stop["code"], lat=stop["lat"], lon=stop["lon"]),
            now=evening + timedelta(minutes=5),
        )
        after = observed_visibility(db_session, settings, None, setup.plan_a, day, day)
    engine.dispose()
    assert before["positions"] == 0
    assert after["positions"] == 1
    assert after["per_hotspot"][0] > 0
    assert after["per_hotspot"][1] == 0

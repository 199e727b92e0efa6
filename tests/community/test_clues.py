"""Clues: handed in with text or photo, pre-filled by the text core, triaged by an officer;
the submitter sees the outcome and gains the configured points; another station sees
nothing; shift points only on an officer's verification; the opted-in leaderboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from community_helpers import POST_A, set_up
from sqlalchemy import select

from pingan.auth import service as auth
from pingan.auth.models import User
from pingan.community import checkins
from pingan.community.schemas import CheckInRequest
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from support.app import seeded_client, token_for

API = "/api/v1/community"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def desk(settings: Settings):  # type: ignore[no-untyped-def]
    setup = set_up(settings)
    client = seeded_client(settings)
    return client, setup


def _incident(client, settings) -> int:  # type: ignore[no-untyped-def]
    made = client.post(
        "/api/v1/reports",
        headers=token_for(client, settings, "officer_a"),
        json={
            "description": "东街电瓶车被盗",
            "type": "theft.ebike",
            "lat": POST_A[0],
            "lon": POST_A[1],
        },
    )
    assert made.status_code in (200, 201), made.text
    return int(made.json()["id"])


def test_clue_linked_by_officer_a_shows_to_volunteer_a_with_points(desk, settings) -> None:  # type: ignore[no-untyped-def]
    client, _setup = desk
    volunteer = token_for(client, settings, "volunteer_a")
    sent = client.post(
        f"{API}/clues",
        data={
            "text": "锦绣花园3栋楼下的电瓶车昨天夜里被人偷了，绿色的雅迪，"
            "我看见小偷往南门跑了，电话13812345678"
        },
        headers=volunteer,
    )
    assert sent.status_code == 201, sent.text
    clue = sent.json()
    assert clue["station_code"] == "station-a"
    assert clue["outcome"] == "under_review"
    assert clue["place_text"] == "锦绣花园3栋"  # pre-filled by the text core
    assert clue["occurred_at"] is not None
    assert clue["extracted"]["items"][0]["brand"] == "雅迪"
    incident_id = _incident(client, settings)
    officer = token_for(client, settings, "officer_a")
    linked = client.post(
        f"{API}/clues/{clue['id']}/triage",
        json={"status": "linked", "incident_id": incident_id, "property_returned": True},
        headers=officer,
    )
    assert linked.status_code == 200, linked.text
    assert linked.json()["linked_incident_id"] == incident_id
    mine = client.get(f"{API}/me/clues", headers=volunteer).json()
    assert [(c["id"], c["outcome"]) for c in mine] == [(clue["id"], "linked_to_case")]
    assert mine[0]["linked_incident_id"] is None  # the case itself is not the submitter's
    # clue 5 + useful 50 + case 100 + property returned 50 (the default weights)
    assert mine[0]["points"] == 205
    assert client.get(f"{API}/me/points", headers=volunteer).json()["total"] == 205
    # station B's volunteer and chief cannot see it
    other = token_for(client, settings, "volunteer_b")
    assert client.get(f"{API}/clues/{clue['id']}", headers=other).status_code == 404
    assert client.get(f"{API}/me/clues", headers=other).json() == []
    chief_b = token_for(client, settings, "chief_b")
    assert client.get(f"{API}/clues/{clue['id']}", headers=chief_b).status_code == 404
    assert client.get(f"{API}/clues", headers=chief_b).json() == []
    # station A's staff see the phone number only with personal-data rights
    desk_view = client.get(f"{API}/clues", headers=token_for(client, settings, "dispatcher_a"))
    assert "13812345678" in desk_view.text
    # triage happens once
    again = client.post(
        f"{API}/clues/{clue['id']}/triage", json={"status": "useful"}, headers=officer
    )
    assert again.status_code == 409


def test_points_weights_are_configurable(settings: Settings) -> None:
    settings = settings.model_copy(update={"points_clue": 0, "points_clue_useful": 7})
    set_up(settings)
    client = seeded_client(settings)
    volunteer = token_for(client, settings, "volunteer_a")
    clue = client.post(f"{API}/clues", data={"text": "公园门口有人兜售假证"}, headers=volunteer)
    officer = token_for(client, settings, "officer_a")
    useful = client.post(
        f"{API}/clues/{clue.json()['id']}/triage", json={"status": "useful"}, headers=officer
    )
    assert useful.status_code == 200, useful.text
    assert client.get(f"{API}/me/points", headers=volunteer).json()["total"] == 7


def test_bad_clues_and_triage_are_refused(desk, settings) -> None:  # type: ignore[no-untyped-def]
    client, _setup = desk
    volunteer = token_for(client, settings, "volunteer_a")
    empty = client.post(f"{API}/clues", data={"place_text": "东街"}, headers=volunteer)
    assert empty.status_code == 422
    assert "text or a photo" in empty.json()["detail"]
    not_image = client.post(
        f"{API}/clues",
        files={"photos": ("x.png", b"<svg onload=alert(1)>", "image/png")},
        headers=volunteer,
    )
    assert not_image.status_code == 422
    photo_only = client.post(
        f"{API}/clues", files={"photos": ("p.png", PNG, "image/png")}, headers=volunteer
    )
    assert photo_only.status_code == 201, photo_only.text
    clue_id = photo_only.json()["id"]
    assert photo_only.json()["photos"] == 1
    assert client.get(f"{API}/clues/{clue_id}/photos/0", headers=volunteer).content == PNG
    officer = token_for(client, settings, "officer_a")
    no_reason = client.post(
        f"{API}/clues/{clue_id}/triage", json={"status": "rejected"}, headers=officer
    )
    assert no_reason.status_code == 422
    rejected = client.post(
        f"{API}/clues/{clue_id}/triage",
        json={"status": "rejected", "reason": "照片看不清"},
        headers=officer,
    )
    assert rejected.status_code == 200
    mine = client.get(f"{API}/me/clues", headers=volunteer).json()
    assert (mine[0]["outcome"], mine[0]["reason"], mine[0]["points"]) == (
        "rejected",
        "照片看不清",
        0,
    )
    # a volunteer cannot triage
    assert (
        client.post(
            f"{API}/clues/{clue_id}/triage", json={"status": "useful"}, headers=volunteer
        ).status_code
        == 403
    )


def test_shift_points_only_after_the_officer_verifies(desk, settings) -> None:  # type: ignore[no-untyped-def]
    client, setup = desk
    officer = token_for(client, settings, "officer_a")
    now = datetime.now(UTC).replace(microsecond=0)
    starts, ends = now - timedelta(hours=5), now - timedelta(hours=2)
    shift = client.post(
        f"{API}/shifts",
        json={
            "plan_id": setup.plan_a,
            "point_kind": "post",
            "point_id": setup.post_a,
            "starts_at": starts.isoformat(),
            "ends_at": ends.isoformat(),
            "volunteer_ids": [setup.volunteer_a],
            "team_id": None,
        },
        headers=officer,
    ).json()
    code = next(
        c
        for c in client.get(f"{API}/plans/{setup.plan_a}/codes", headers=officer).json()
        if c["point"] == f"post-{setup.post_a}"
    )
    engine = make_engine(settings.database_url)
    with unit_of_work(make_session_factory(engine)) as db_session:
        user = db_session.scalar(select(User).where(User.username == "volunteer_a"))
        me = auth.principal_for(db_session, user, client_addr="test")
        for kind, at in (("in", starts), ("out", ends)):
            checkins.check(
                db_session,
                settings,
                me,
                CheckInRequest(code=code["code"], kind=kind, lat=POST_A[0], lon=POST_A[1]),
                now=at,
            )
    engine.dispose()
    volunteer = token_for(client, settings, "volunteer_a")
    assert client.get(f"{API}/me/points", headers=volunteer).json()["total"] == 0
    verified = client.post(f"{API}/shifts/{shift['id']}/verify", headers=officer)
    assert verified.status_code == 200, verified.text
    assert verified.json()["credited"] == [setup.volunteer_a]
    assert client.get(f"{API}/me/points", headers=volunteer).json()["total"] == 50
    # verifying twice credits nothing more
    assert (
        client.post(f"{API}/shifts/{shift['id']}/verify", headers=officer).json()["credited"] == []
    )


def test_leaderboard_lists_only_teams_that_opted_in(desk, settings) -> None:  # type: ignore[no-untyped-def]
    client, setup = desk
    officer = token_for(client, settings, "officer_a")
    shown = client.post(
        f"{API}/teams",
        json={
            "station_code": "station-a",
            "name": "萤火虫一队",
            "kind": "firefly",
            "lead_volunteer_id": setup.volunteer_a,
            "leaderboard_opt_in": True,
        },
        headers=officer,
    )
    assert shown.status_code == 201, shown.text
    hidden = client.post(
        f"{API}/teams",
        json={"station_code": "station-a", "name": "不上榜", "kind": "named"},
        headers=officer,
    )
    assert hidden.status_code == 201
    board = client.get(f"{API}/leaderboard", headers=token_for(client, settings, "volunteer_a"))
    assert [row["name"] for row in board.json()] == ["萤火虫一队"]
    assert (
        client.get(f"{API}/leaderboard", headers=token_for(client, settings, "volunteer_b")).json()
        == []
    )

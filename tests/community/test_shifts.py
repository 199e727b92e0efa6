"""Shift sign-up checks the head-count and the qualifications (valid on the shift's day);
qualifications expiring soon are on the reminder list; shifts go only on the active plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from community_helpers import set_up

from pingan.config import Settings
from support.app import seeded_client, token_for

API = "/api/v1/community"


@pytest.fixture
def planned(settings: Settings):  # type: ignore[no-untyped-def]
    setup = set_up(settings)
    client = seeded_client(settings)
    return client, setup, token_for(client, settings, "officer_a")


def _shift(client, officer, setup, **extra):  # type: ignore[no-untyped-def]
    starts = datetime.now(UTC) + timedelta(days=2)
    body = {
        "plan_id": setup.plan_a,
        "point_kind": "stop",
        "point_id": setup.route_a,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(),
        **extra,
    }
    return client.post(f"{API}/shifts", json=body, headers=officer)


def test_sign_up_needs_a_valid_qualification_and_a_free_place(planned, settings) -> None:  # type: ignore[no-untyped-def]
    client, setup, officer = planned
    shift = _shift(client, officer, setup, required=["first_aid"], min_people=1, max_people=1)
    assert shift.status_code == 201, shift.text
    assert (shift.json()["point_kind"], shift.json()["short_by"]) == ("stop", 1)
    volunteer = token_for(client, settings, "volunteer_a")
    url = f"{API}/shifts/{shift.json()['id']}/signups"
    lacking = client.post(url, json={}, headers=volunteer)
    assert lacking.status_code == 409
    assert "lacks a valid qualification: first_aid" in lacking.json()["detail"]
    # expired the day before the shift: still lacking
    day_before = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    qualification = f"{API}/volunteers/{setup.volunteer_a}/qualifications"
    client.put(qualification, json={"kind": "first_aid", "expires_on": day_before}, headers=officer)
    assert client.post(url, json={}, headers=volunteer).status_code == 409
    later = (date.today() + timedelta(days=365)).isoformat()
    client.put(qualification, json={"kind": "first_aid", "expires_on": later}, headers=officer)
    signed = client.post(url, json={}, headers=volunteer)
    assert signed.status_code == 201, signed.text
    assert (signed.json()["signed_up"], signed.json()["short_by"]) == (1, 0)
    again = client.post(url, json={}, headers=volunteer)
    assert again.status_code == 409
    # the shift is full for anyone else
    other = client.post(
        f"{API}/volunteers",
        json={"station_code": "station-a", "name": "赵六", "phone": "13700003333"},
        headers=officer,
    ).json()
    client.put(
        f"{API}/volunteers/{other['id']}/qualifications",
        json={"kind": "first_aid", "expires_on": later},
        headers=officer,
    )
    full = client.post(url, json={"volunteer_id": other["id"]}, headers=officer)
    assert full.status_code == 409
    assert "is full" in full.json()["detail"]


def test_paused_volunteers_cannot_sign_up_and_other_stations_see_nothing(planned, settings) -> None:  # type: ignore[no-untyped-def]
    client, setup, officer = planned
    shift = _shift(client, officer, setup).json()
    client.post(
        f"{API}/volunteers/{setup.volunteer_a}/status", json={"status": "paused"}, headers=officer
    )
    refused = client.post(
        f"{API}/shifts/{shift['id']}/signups",
        json={},
        headers=token_for(client, settings, "volunteer_a"),
    )
    assert refused.status_code == 409
    assert "paused" in refused.json()["detail"]
    other = client.post(
        f"{API}/shifts/{shift['id']}/signups",
        json={},
        headers=token_for(client, settings, "volunteer_b"),
    )
    assert other.status_code == 404
    assert client.get(f"{API}/shifts", headers=token_for(client, settings, "chief_b")).json() == []


def test_shifts_only_on_the_active_plan_and_in_order(planned, settings) -> None:  # type: ignore[no-untyped-def]
    client, setup, officer = planned
    backwards = _shift(
        client, officer, setup, ends_at=(datetime.now(UTC) - timedelta(days=1)).isoformat()
    )
    assert backwards.status_code == 422
    assert "ends before it starts" in backwards.json()["detail"]
    too_many = _shift(client, officer, setup, min_people=5, max_people=2)
    assert too_many.status_code == 422
    foreign = _shift(client, officer, setup, plan_id=setup.plan_b, point_id=setup.post_b)
    assert foreign.status_code == 404


def test_expiring_qualifications_are_reminded(planned, settings) -> None:  # type: ignore[no-untyped-def]
    client, setup, officer = planned
    url = f"{API}/volunteers/{setup.volunteer_a}/qualifications"
    soon = (date.today() + timedelta(days=10)).isoformat()
    client.put(url, json={"kind": "first_aid", "expires_on": soon}, headers=officer)
    far = (date.today() + timedelta(days=200)).isoformat()
    client.put(url, json={"kind": "driving", "expires_on": far}, headers=officer)
    reminders = client.get(f"{API}/qualifications/expiring", headers=officer).json()
    assert [(r["volunteer_id"], r["kind"], r["expired"]) for r in reminders] == [
        (setup.volunteer_a, "first_aid", False)
    ]
    record = client.get(f"{API}/volunteers/{setup.volunteer_a}", headers=officer).json()
    flags = {q["kind"]: q["expiring_soon"] for q in record["qualifications"]}
    assert flags == {"driving": False, "first_aid": True}

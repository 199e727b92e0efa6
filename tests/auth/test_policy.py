"""Authorisation tests generated from the policy table.

Every role is placed on station A; every rule is checked on a record of station A
(own) and of station B (foreign), first through the one check
(:meth:`Principal.can`), then through the HTTP API for the routes listed in
``PROBES`` with real demo accounts.
"""

from __future__ import annotations

import pytest

from pingan.config import Settings
from pingan.demo.accounts import DEMO_ACCOUNTS
from pingan.policy import POLICY, Role, Rule, Scope, find_rule
from pingan.principal import Grant, Principal
from support.app import seeded_client, token_for

STATION_A = "/1/2/3/"
STATION_B = "/1/2/4/"
GRID_A1 = "/1/2/3/5/"

CASES = [(rule, role, foreign) for rule in POLICY for role in Role for foreign in (False, True)]


def _id(case: tuple[Rule, Role, bool]) -> str:
    rule, role, foreign = case
    return f"{rule.resource}.{rule.action}-{role.value}-{'foreign' if foreign else 'own'}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_policy_matrix(case: tuple[Rule, Role, bool]) -> None:
    rule, role, foreign = case
    principal = Principal(user_id=7, username="u", grants=(Grant(role, 3, STATION_A),))
    record_path = STATION_B + "9/" if foreign else GRID_A1
    owner = 7
    allowed = principal.can(rule.resource, rule.action, record_path, owner_id=owner)
    assert allowed == (role in rule.roles and not foreign)
    if rule.scope is Scope.own and role in rule.roles and not foreign:
        # someone else's record in the same station stays out of reach
        assert not principal.can(rule.resource, rule.action, record_path, owner_id=8)


def test_unknown_resource_or_action_is_denied() -> None:
    principal = Principal(
        user_id=1, username="root", grants=tuple(Grant(r, 1, "/1/") for r in Role)
    )
    assert not principal.can("incident", "obliterate", "/1/2/")
    assert not principal.can("spaceship", "read", "/1/2/")


# (resource, action) → (method, URL on station A, URL on station B, JSON body). URLs name
# records made by ``records`` below: {unit_a}, {unit_b}, {incident_a}, {incident_b}
# (and {plan_a}, {plan_b} by ``plan_records``).
PROBES: dict[tuple[str, str], tuple[str, str, str, dict | None]] = {
    ("jurisdiction", "read"): (
        "GET",
        "/api/v1/jurisdictions/station-a",
        "/api/v1/jurisdictions/station-b",
        None,
    ),
    ("unit", "read"): ("GET", "/api/v1/units/{unit_a}", "/api/v1/units/{unit_b}", None),
    ("unit", "write"): (
        "POST",
        "/api/v1/units/{unit_a}/status",
        "/api/v1/units/{unit_b}/status",
        {"status": "unavailable"},
    ),
    ("unit", "position"): (
        "POST",
        "/api/v1/units/{unit_a}/position",
        "/api/v1/units/{unit_b}/position",
        {"lat": 60.1675, "lon": 24.9420},
    ),
    ("incident", "read"): (
        "GET",
        "/api/v1/incidents/{incident_a}",
        "/api/v1/incidents/{incident_b}",
        None,
    ),
    ("incident", "write"): (
        "POST",
        "/api/v1/incidents/{incident_a}/transition",
        "/api/v1/incidents/{incident_b}/transition",
        {"status": "confirmed"},
    ),
    ("canvass", "read"): (
        "GET",
        "/api/v1/analytics/incidents/{incident_a}/canvass",
        "/api/v1/analytics/incidents/{incident_b}/canvass",
        None,
    ),
    ("warning", "read"): (
        "GET",
        "/api/v1/antifraud/warnings/{warning_a}",
        "/api/v1/antifraud/warnings/{warning_b}",
        None,
    ),
    ("warning", "write"): (
        "POST",
        "/api/v1/antifraud/warnings/{warning_a}/assign",
        "/api/v1/antifraud/warnings/{warning_b}/assign",
        None,
    ),
    ("plan", "read"): ("GET", "/api/v1/plans/{plan_a}", "/api/v1/plans/{plan_b}", None),
    ("plan", "write"): (
        "POST",
        "/api/v1/plans/{plan_a}/activate",
        "/api/v1/plans/{plan_b}/activate",
        None,
    ),
}
ACCOUNTS = {
    Role.station_chief: "chief_a",
    Role.dispatcher: "dispatcher_a",
    Role.officer: "officer_a",
    Role.fire_officer: "fire_a",
    Role.antifraud_officer: "antifraud_a",
}
HTTP_CASES = [(key, role) for key in PROBES for role in ACCOUNTS]


def records(client, settings: Settings) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """One record of each probed kind on station A and on station B, made by the admin."""
    admin = token_for(client, settings, "admin")
    made: dict[str, object] = {}
    for station, suffix in (("station-a", "a"), ("station-b", "b")):
        unit = client.post(
            "/api/v1/units",
            headers=admin,
            json={
                "callsign": f"T-{suffix}",
                "kind": "patrol_car",
                "station_code": station,
                "city": "helsinki",
                "post_lat": 60.1675,
                "post_lon": 24.9420,
            },
        )
        assert unit.status_code == 201, unit.text
        made[f"unit_{suffix}"] = unit.json()["id"]
        message = client.post(
            "/api/v1/chat/messages",
            headers=admin,
            json={
                "sent_at": "2026-07-03T21:14:00+08:00",
                "text": "我的电动车在小区楼下被偷了",
                "jurisdiction_code": station,
            },
        )
        assert message.status_code == 201, message.text
        made[f"incident_{suffix}"] = message.json()["incident_id"]
    return made


def warning_records(client, settings: Settings) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """A red warning on station A's desk and one on station B's, made by the admin."""
    admin = token_for(client, settings, "admin")
    made: dict[str, object] = {}
    for station, suffix in (("station-a", "a"), ("station-b", "b")):
        warning = client.post(
            "/api/v1/antifraud/warnings",
            headers=admin,
            json={
                "tier": "red",
                "jurisdiction_code": station,
                "target_name": "李秀英",
                "target_phone": "13812345678",
                "situation": "自称公安局的人让她把存款转到安全账户",
            },
        )
        assert warning.status_code == 201, warning.text
        made[f"warning_{suffix}"] = warning.json()["id"]
    return made


def plan_records(settings: Settings) -> dict[str, object]:
    """An (empty) stored plan on station A and on station B: solving one is not needed to
    probe who may read or activate it."""
    from pingan.db import make_engine, make_session_factory, unit_of_work
    from pingan.jurisdictions import service as jurisdictions
    from pingan.patrol.models import Plan

    made: dict[str, object] = {}
    engine = make_engine(settings.database_url)
    with unit_of_work(make_session_factory(engine)) as db_session:
        for station, suffix in (("station-a", "a"), ("station-b", "b")):
            plan = Plan(
                jurisdiction_id=jurisdictions.get_by_code(db_session, station).id,
                city="helsinki",
                groups=1,
            )
            db_session.add(plan)
            db_session.flush()
            made[f"plan_{suffix}"] = plan.id
    engine.dispose()
    return made


@pytest.mark.parametrize(
    ("key", "role"), HTTP_CASES, ids=[f"{k[0]}.{k[1]}-{r.value}" for k, r in HTTP_CASES]
)
def test_policy_over_http_own_and_foreign_station(key, role, settings: Settings) -> None:
    client = seeded_client(settings)
    made = records(client, settings)
    if key[0] == "plan":
        made.update(plan_records(settings))
    if key[0] == "warning":
        made.update(warning_records(client, settings))
    headers = token_for(client, settings, ACCOUNTS[role])
    method, own_url, foreign_url, body = PROBES[key]
    rule = next(r for r in POLICY if (r.resource, r.action) == key)
    own = client.request(method, own_url.format(**made), headers=headers, json=body)
    foreign = client.request(method, foreign_url.format(**made), headers=headers, json=body)
    if role in rule.roles:
        assert own.status_code == 200, own.text
        assert foreign.status_code == 404  # another station's record looks missing
    else:
        assert own.status_code == 403
        assert foreign.status_code == 403


def test_station_a_chief_gets_404_for_station_b_record(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "chief_a")
    assert client.get("/api/v1/jurisdictions/station-b", headers=headers).status_code == 404
    assert client.get("/api/v1/jurisdictions/no-such-place", headers=headers).status_code == 404
    listed = {j["code"] for j in client.get("/api/v1/jurisdictions", headers=headers).json()}
    assert listed == {"station-a", "grid-a1", "grid-a2"}


EVERY_ACCOUNT = {username: role for username, role, _where, _name in DEMO_ACCOUNTS}
EVERY_PLACE = {username: where for username, _role, where, _name in DEMO_ACCOUNTS}
WARNING_READERS = [u for u, r in EVERY_ACCOUNT.items() if r in find_rule("warning", "read").roles]


@pytest.mark.parametrize("username", sorted(EVERY_ACCOUNT))
def test_desk_wide_antifraud_routes_answer_each_role_as_the_policy_says(
    username: str, settings: Settings
) -> None:
    """The routes of the anti-fraud desk that no one record scopes: screening (any staff),
    the figures, the XLSX and the demand (warning readers); everyone else gets 403."""
    client = seeded_client(settings)
    headers = token_for(client, settings, username)
    role = EVERY_ACCOUNT[username]
    screen = client.post(
        "/api/v1/antifraud/screen",
        headers=headers,
        json={"text": "有人冒充客服说要给我退款，让我下载会议软件共享屏幕"},
    )
    assert screen.status_code == (200 if role in find_rule("antifraud", "screen").roles else 403)
    reads = role in find_rule("warning", "read").roles
    for url in ("figures", "figures.xlsx", "demand"):
        answer = client.get(f"/api/v1/antifraud/{url}", headers=headers)
        assert answer.status_code == (200 if reads else 403), (url, answer.text)


@pytest.mark.parametrize("username", WARNING_READERS)
def test_warning_person_whole_only_for_personal_data_roles(
    username: str, settings: Settings
) -> None:
    """``warning.personal_data``: the person's name and phone whole, else masked."""
    client = seeded_client(settings)
    made = warning_records(client, settings)
    headers = token_for(client, settings, username)
    own = made["warning_b"] if EVERY_PLACE[username] == "station-b" else made["warning_a"]
    seen = client.get(f"/api/v1/antifraud/warnings/{own}", headers=headers)
    assert seen.status_code == 200, seen.text
    body = seen.json()
    whole = EVERY_ACCOUNT[username] in find_rule("warning", "personal_data").roles
    assert (body["target_phone"] == "13812345678") is whole
    assert (body["target_name"] == "李秀英") is whole
    if not whole:
        assert "1234" not in body["target_phone"]

"""The audit chain: every login and write leaves a row; editing a row breaks the chain."""

from __future__ import annotations

from sqlalchemy import text

from pingan.audit import keys
from pingan.audit import service as audit
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory
from support.app import seeded_client, token_for


def _auditor(session, code: str = "demo-bureau"):  # type: ignore[no-untyped-def]
    from pingan.jurisdictions import service as jurisdictions
    from pingan.policy import Role
    from pingan.principal import Grant, Principal

    node = jurisdictions.get_by_code(session, code)
    return Principal(user_id=0, username="t", grants=(Grant(Role.auditor, node.id, node.path),))


def _session(settings: Settings):
    engine = keys.keyed(make_engine(settings.effective_database_url), keys.load_key(settings))
    return make_session_factory(engine)()


def test_chain_verifies_then_fails_after_direct_edit(settings: Settings) -> None:
    client = seeded_client(settings)
    token_for(client, settings, "chief_a")
    client.post("/api/v1/auth/token", json={"username": "chief_a", "password": "wrong-password!"})
    session = _session(settings)
    report = audit.verify_chain(session, keys.load_key(settings))
    assert report.ok, report.reason
    assert report.rows >= 13  # 11 demo accounts created, one good and one bad login
    outcomes = [
        e.outcome for e in audit.list_events(session, _auditor(session), action="auth.login")
    ]
    assert outcomes[:2] == ["bad_password", "ok"]
    session.close()

    engine = make_engine(settings.effective_database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET outcome = 'ok' WHERE outcome = 'bad_password'"))
    engine.dispose()
    session = _session(settings)
    broken = audit.verify_chain(session, keys.load_key(settings))
    session.close()
    assert not broken.ok
    assert "altered" in broken.reason


def test_deleting_rows_is_detected(settings: Settings) -> None:
    client = seeded_client(settings)
    token_for(client, settings, "chief_a")
    engine = make_engine(settings.effective_database_url)
    with engine.begin() as conn:
        last = conn.execute(text("SELECT max(seq) FROM audit_event")).scalar_one()
        conn.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": last})
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 3"))
    engine.dispose()
    session = _session(settings)
    report = audit.verify_chain(session, keys.load_key(settings))
    session.close()
    assert not report.ok
    assert "missing" in report.reason


def test_only_the_auditor_reads_the_log(settings: Settings) -> None:
    client = seeded_client(settings)
    for username in ("admin", "chief_a", "analyst", "citizen"):
        response = client.get("/api/v1/audit", headers=token_for(client, settings, username))
        assert response.status_code == 403, username
    response = client.get("/api/v1/audit", headers=token_for(client, settings, "auditor"))
    assert response.status_code == 200
    rows = response.json()
    assert {"at", "actor", "role", "action", "object_type", "outcome", "client_addr"} <= set(
        rows[0]
    )
    verify = client.get("/api/v1/audit/verify", headers=token_for(client, settings, "auditor"))
    assert verify.json()["ok"] is True


def test_an_auditor_reads_only_their_subtree(settings: Settings) -> None:
    from pingan.jurisdictions import service as jurisdictions

    client = seeded_client(settings)
    token_for(client, settings, "chief_a")
    session = _session(settings)
    station_a = jurisdictions.get_by_code(session, "station-a")
    station_b = jurisdictions.get_by_code(session, "station-b")
    audit.record(
        session,
        action="unit.create",
        object_type="unit",
        object_id=1,
        actor="t",
        jurisdiction_id=station_a.id,
    )
    audit.record(
        session,
        action="unit.create",
        object_type="unit",
        object_id=2,
        actor="t",
        jurisdiction_id=station_b.id,
    )
    session.commit()
    everything = audit.list_events(session, _auditor(session))
    assert {e.object_id for e in everything if e.action == "unit.create"} == {"1", "2"}
    assert any(e.jurisdiction_id is None for e in everything)  # logins, for a whole-tree auditor
    local = audit.list_events(session, _auditor(session, "station-a"))
    assert [e.object_id for e in local] == ["1"]
    session.close()

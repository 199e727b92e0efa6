"""The keyed chain (issue 11.6): someone with the database but not the key cannot rewrite
the chain so that it verifies, and anchors catch rows deleted from the tail.

The attacker of these tests edits rows directly in the database and recomputes the chain
with pingan's own digest function, without the key (they do not have it).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from pingan.audit import keys
from pingan.audit import service as audit
from pingan.audit.anchors import Anchor
from pingan.audit.keys import AuditKey
from pingan.audit.models import AuditEvent, AuditHead
from pingan.config import Settings
from support.chain_forgery import (
    delete_tail,
    edit_and_rechain,
    keyed_session,
    plain_session,
    rechain,
    write_rows,
)


def _verify(settings: Settings, anchors: list[Anchor] | None = None) -> audit.ChainReport:
    session = keyed_session(settings)
    try:
        return audit.verify_chain(session, keys.load_key(settings), anchors or [])
    finally:
        session.close()


def test_untouched_chain_is_intact_and_keyed(settings: Settings) -> None:
    write_rows(settings, 120)
    report = _verify(settings)
    assert report.ok, report.reason
    assert report.rows >= 120
    assert report.unkeyed_rows == 0
    session = plain_session(settings)
    key_ids = set(session.scalars(select(AuditEvent.key_id)))
    session.close()
    assert key_ids == {keys.load_key(settings).key_id}


def test_row_100_edited_and_chain_recomputed_without_the_key_is_detected(
    settings: Settings,
) -> None:
    write_rows(settings, 120)
    edit_and_rechain(settings, 100, outcome="denied")
    report = _verify(settings)
    assert not report.ok
    assert report.first_bad_seq == 100
    assert report.reason == "row 100 was altered"


def test_whole_chain_passed_off_as_unkeyed_is_detected(settings: Settings) -> None:
    write_rows(settings, 120)
    edit_and_rechain(settings, 100, unkey=True, actor="someone else")
    report = _verify(settings)
    assert not report.ok
    assert report.first_bad_seq == 1
    assert "not keyed and no anchor covers it" in report.reason


def test_chain_recomputed_with_another_key_is_detected(settings: Settings) -> None:
    write_rows(settings, 20)
    other = AuditKey(b"an-attackers-own-key-0123456789abcdef")
    session = plain_session(settings)
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    prev = audit.GENESIS
    for event in events:
        event.key_id = other.key_id
        event.prev_hash = prev
        event.hash = prev = audit._digest(prev, audit._fields(event), other)
    session.get(AuditHead, 1).hash = prev
    session.commit()
    session.close()
    report = _verify(settings)
    assert not report.ok
    assert report.first_bad_seq == 1
    assert "not the configured key" in report.reason


def test_rows_deleted_after_an_anchor_are_detected(settings: Settings) -> None:
    write_rows(settings, 30)
    session = keyed_session(settings)
    report, anchor = audit.anchor_chain(session, keys.load_key(settings))
    session.close()
    assert report.ok
    assert anchor is not None
    assert anchor.rows == report.rows
    assert anchor.key_id == keys.load_key(settings).key_id
    delete_tail(settings, keep=anchor.rows - 5)
    assert _verify(settings).ok  # the chain alone cannot tell: its head was moved too
    broken = _verify(settings, [anchor])
    assert not broken.ok
    assert broken.reason.startswith(f"rows after {anchor.rows - 5} were removed")
    assert f"counted {anchor.rows}" in broken.reason


def test_an_anchor_the_chain_no_longer_matches_is_detected(settings: Settings) -> None:
    write_rows(settings, 10)
    session = keyed_session(settings)
    _report, anchor = audit.anchor_chain(session, keys.load_key(settings))
    session.close()
    assert anchor is not None
    forged = Anchor(rows=anchor.rows, digest="f" * 64, at="2026-01-01T00:00:00Z")
    report = _verify(settings, [forged])
    assert not report.ok
    assert report.first_bad_seq == anchor.rows
    assert "differs from the anchor taken 2026-01-01T00:00:00Z" in report.reason


def test_unkeyed_rows_from_before_keying_verify_only_under_an_anchor(settings: Settings) -> None:
    """Rows from before migration 0008 are unkeyed; once anchored (--accept-unkeyed) they
    verify, keyed rows follow, and a later rewrite of an old row is caught by the anchor."""
    session = plain_session(settings)
    rechain(session, from_seq=1, unkey=True)  # what 0008 leaves: plain SHA-256, no key_id
    session.close()
    assert "not keyed" in _verify(settings).reason
    session = keyed_session(settings)
    refused, none = audit.anchor_chain(session, keys.load_key(settings))
    assert not refused.ok
    assert none is None
    report, anchor = audit.anchor_chain(session, keys.load_key(settings), accept_unkeyed=True)
    session.close()
    assert anchor is not None
    assert report.unkeyed_rows == anchor.rows
    write_rows(settings, 5)
    after = _verify(settings, [anchor])
    assert after.ok, after.reason
    assert after.rows == anchor.rows + 5
    assert after.unkeyed_rows == anchor.rows

    edit_and_rechain(settings, 2, outcome="denied")  # rows after it keep their key id
    broken = _verify(settings, [anchor])
    assert not broken.ok
    assert broken.first_bad_seq == anchor.rows
    assert "differs from the anchor" in broken.reason


def test_a_row_written_without_the_key_breaks_the_chain(settings: Settings) -> None:
    """An engine built without :func:`keys.keyed` writes unkeyed rows; verify says so."""
    write_rows(settings, 3)
    session = plain_session(settings)
    event = audit.record(session, action="unit.create", object_type="unit", actor="script")
    session.commit()
    session.close()
    assert event.key_id == ""
    report = _verify(settings)
    assert not report.ok
    assert report.first_bad_seq == event.seq
    assert "follows keyed rows" in report.reason
    session = keyed_session(settings)
    refused, anchor = audit.anchor_chain(session, keys.load_key(settings), accept_unkeyed=True)
    session.close()
    assert anchor is None  # --accept-unkeyed vouches only for rows from before keying
    assert refused.first_bad_seq == event.seq


def test_rows_from_before_0008_are_kept_and_verify_under_one_anchor(tmp_path: Path) -> None:
    """A database with rows chained by pre-0008 pingan (plain SHA-256 of the previous hash
    and the canonical JSON, no key) upgrades unchanged; they verify once anchored."""
    import hashlib
    import json
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from pingan.db import UTCDateTime, make_engine
    from pingan.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0007")
    events = sa.table(
        "audit_event",
        *(sa.column(name) for name in audit.HASHED_FIELDS if name != "at"),
        sa.column("at", UTCDateTime()),
        sa.column("prev_hash"),
        sa.column("hash"),
    )
    prev, rows = audit.GENESIS, []
    for seq in (1, 2, 3):
        at = datetime(2026, 11, 30, 8, seq, tzinfo=UTC)
        fields = {
            "seq": seq,
            "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor_id": None,
            "actor": "cli",
            "role": "none",
            "jurisdiction_id": None,
            "action": "user.create",
            "object_type": "user",
            "object_id": str(seq),
            "outcome": "ok",
            "client_addr": "",
        }
        payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256((prev + payload).encode()).hexdigest()
        rows.append(fields | {"at": at, "prev_hash": prev, "hash": digest})
        prev = digest
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.insert(events), rows)
        conn.execute(
            sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 3, :h)"), {"h": prev}
        )
    engine.dispose()
    upgrade(url)

    settings = Settings(database_url=url, data_dir=tmp_path / "var", audit_key="q" * 40)
    key = keys.load_key(settings)
    session = keyed_session(settings)
    before = audit.verify_chain(session, key)
    assert not before.ok
    assert before.first_bad_seq == 1
    assert before.unkeyed_rows == 3
    report, anchor = audit.anchor_chain(session, key, accept_unkeyed=True)
    assert report.ok
    assert anchor == Anchor(rows=3, digest=prev, at=anchor.at, key_id=key.key_id)
    audit.record(session, action="user.create", object_type="user", object_id=4, actor="cli")
    session.commit()
    after = audit.verify_chain(session, key, [anchor])
    session.close()
    assert after.ok, after.reason
    assert after.rows == 4
    assert after.unkeyed_rows == 3


def test_rotated_keys_verify_in_order_and_a_leaked_retired_key_forges_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    write_rows(settings, 5)  # under the first key
    old_key_file = tmp_path / "keys" / "audit-2026.key"
    old_key_file.parent.mkdir()
    old_key_file.write_text(settings.audit_key)
    rotated = settings.model_copy(
        update={"audit_key": "n" * 40, "audit_retired_key_files": (old_key_file,)}
    )
    write_rows(rotated, 5)  # under the new key
    new_key, retired = keys.load_key(rotated), keys.retired_keys(rotated)
    assert retired == (keys.load_key(settings),)
    session = keyed_session(rotated)
    report = audit.verify_chain(session, new_key, retired=retired)
    assert report.ok, report.reason
    unknown = audit.verify_chain(session, new_key)  # the retired key not configured
    assert not unknown.ok
    assert "nor a retired one" in unknown.reason
    session.close()

    write_rows(settings, 1)  # someone holding the retired key appends a row
    session = keyed_session(rotated)
    forged = audit.verify_chain(session, new_key, retired=retired)
    session.close()
    assert not forged.ok
    assert forged.first_bad_seq == forged.rows
    assert "retired key" in forged.reason

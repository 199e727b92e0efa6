"""What an attacker with write access to the database, but not the audit key, can do to
the audit chain: edit rows and recompute every hash with pingan's own digest function."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from pingan.audit import keys
from pingan.audit import service as audit
from pingan.audit.models import AuditEvent, AuditHead
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory


def keyed_session(settings: Settings) -> Session:
    """A session of the deployment (its engine carries the audit key)."""
    engine = keys.keyed(make_engine(settings.effective_database_url), keys.load_key(settings))
    return make_session_factory(engine)()


def plain_session(settings: Settings) -> Session:
    """What the attacker has: the database, no key."""
    return make_session_factory(make_engine(settings.effective_database_url))()


def write_rows(settings: Settings, count: int) -> None:
    """Append ``count`` ordinary rows through the deployment's keyed engine."""
    session = keyed_session(settings)
    for number in range(count):
        audit.record(
            session, action="incident.update", object_type="incident", object_id=number, actor="t"
        )
    session.commit()
    session.close()


def rechain(session: Session, *, from_seq: int, unkey: bool) -> None:
    """Recompute every hash from ``from_seq`` on with pingan's digest function and no key
    (``unkey``: also clear ``key_id``, passing the rows off as unkeyed ones), move the head
    and commit."""
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    prev = events[from_seq - 2].hash if from_seq > 1 else audit.GENESIS
    for event in events[from_seq - 1 :]:
        if unkey:
            event.key_id = ""
        event.prev_hash = prev
        event.hash = prev = audit._digest(prev, audit._fields(event), None)
    head = session.get(AuditHead, 1)
    head.seq, head.hash = events[-1].seq, prev
    session.commit()


def edit_and_rechain(settings: Settings, seq: int, *, unkey: bool = False, **values: str) -> None:
    """Set ``values`` on row ``seq`` and recompute the chain from there without the key."""
    session = plain_session(settings)
    row = session.scalar(select(AuditEvent).where(AuditEvent.seq == seq))
    for name, value in values.items():
        setattr(row, name, value)
    rechain(session, from_seq=1 if unkey else seq, unkey=unkey)
    session.close()


def delete_tail(settings: Settings, keep: int) -> None:
    """Delete every row after ``keep`` and point the head at row ``keep``, so that the chain
    alone looks whole."""
    engine = make_engine(settings.effective_database_url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq > :n"), {"n": keep})
        last = conn.execute(text("SELECT seq, hash FROM audit_event WHERE seq = :n"), {"n": keep})
        row = last.one()
        conn.execute(
            text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"),
            {"s": row.seq, "h": row.hash},
        )
    engine.dispose()

"""Writing and verifying the audit chain.

Each row's hash is SHA-256 over the previous row's hash and the row's own fields
in a canonical JSON form. Editing any field, deleting or reordering rows, or
truncating the tail breaks the chain, and :func:`verify_chain` says where.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pingan.audit.models import AuditEvent, AuditHead
from pingan.auth.principal import Principal
from pingan.db import utcnow

GENESIS = "0" * 64


def _digest(prev_hash: str, fields: dict[str, object]) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _fields(event: AuditEvent) -> dict[str, object]:
    at = event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "seq": event.seq,
        "at": at,
        "actor_id": event.actor_id,
        "actor": event.actor,
        "role": event.role,
        "jurisdiction_id": event.jurisdiction_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "outcome": event.outcome,
        "client_addr": event.client_addr,
    }


def record(
    db_session: Session,
    *,
    action: str,
    object_type: str,
    object_id: object = "",
    outcome: str = "ok",
    principal: Principal | None = None,
    actor: str | None = None,
    role: str | None = None,
    jurisdiction_id: int | None = None,
    client_addr: str | None = None,
) -> AuditEvent:
    """Append one row to the chain (in the caller's transaction)."""
    head = db_session.scalar(select(AuditHead).where(AuditHead.id == 1).with_for_update())
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        db_session.add(head)
        db_session.flush()
    at = utcnow()
    event = AuditEvent(
        seq=head.seq + 1,
        at=at,
        actor_id=principal.user_id if principal else None,
        actor=(principal.username if principal else actor) or "anonymous",
        role=role or (principal.primary_role() if principal else "none"),
        jurisdiction_id=jurisdiction_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        outcome=outcome,
        client_addr=(client_addr or (principal.client_addr if principal else None) or "")[:64],
        prev_hash=head.hash,
    )
    event.hash = _digest(event.prev_hash, _fields(event))
    db_session.add(event)
    head.seq = event.seq
    head.hash = event.hash
    db_session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    rows: int
    ok: bool
    first_bad_seq: int | None
    reason: str


def verify_chain(db_session: Session) -> ChainReport:
    """Walk the chain in order and report the first broken link, if any."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for event in db_session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(2000):
        count += 1
        if event.seq != expected_seq:
            return ChainReport(count, False, expected_seq, f"row {expected_seq} is missing")
        if event.prev_hash != prev:
            return ChainReport(
                count, False, event.seq, f"row {event.seq} does not follow its predecessor"
            )
        if _digest(prev, _fields(event)) != event.hash:
            return ChainReport(count, False, event.seq, f"row {event.seq} was altered")
        prev = event.hash
        expected_seq += 1
    head = db_session.get(AuditHead, 1)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev):
        return ChainReport(
            count, False, expected_seq, f"rows after {expected_seq - 1} were removed"
        )
    return ChainReport(count, True, None, f"{count} rows, chain intact")


def list_events(
    db_session: Session,
    *,
    limit: int = 100,
    before_seq: int | None = None,
    action: str | None = None,
) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
    if before_seq is not None:
        query = query.where(AuditEvent.seq < before_seq)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db_session.scalars(query))


def count(db_session: Session) -> int:
    return db_session.scalar(select(func.count(AuditEvent.id))) or 0

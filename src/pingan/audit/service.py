"""Writing and verifying the audit chain.

Each row's hash is HMAC-SHA256, under a key kept outside the database
(:mod:`pingan.audit.keys`), over the previous row's hash and the row's own fields in a
canonical JSON form (including ``key_id``, which names the key). Editing any field,
deleting or reordering rows, or truncating the tail breaks the chain, and
:func:`verify_chain` says where; without the key nobody can recompute a chain that
verifies. Anchors (:mod:`pingan.audit.anchors`) pin the head outside the database, so
that rows deleted from the tail, head row and all, are detected as well.

Rows written before migration 0008 are unkeyed: plain SHA-256, ``key_id`` empty. They
stay as they were (re-chaining them would erase the evidence that they are intact) and
verify only when an anchor covers them: check them once after the upgrade and take
that anchor with ``pingan audit anchor --accept-unkeyed``. From then on every row must
be keyed; an unkeyed row that no anchor covers, whoever wrote it, breaks the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any, cast

from sqlalchemy import Connection, Table, false, func, insert, select, true, update
from sqlalchemy.orm import Session

from pingan.audit.anchors import Anchor
from pingan.audit.keys import AuditKey, key_of
from pingan.audit.models import AuditEvent, AuditHead
from pingan.db import utcnow
from pingan.principal import Principal

GENESIS = "0" * 64
_log = logging.getLogger(__name__)


def _digest(prev_hash: str, fields: dict[str, object], key: AuditKey | None) -> str:
    """HMAC-SHA256 under ``key`` of the previous hash and the canonical fields; plain
    SHA-256 for unkeyed rows (those from before keying)."""
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    message = (prev_hash + payload).encode("utf-8")
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key.secret, message, hashlib.sha256).hexdigest()


#: The fields each row's hash covers, in addition to the previous row's hash.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor",
    "role",
    "jurisdiction_id",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "client_addr",
)


def _canonical(values: dict[str, Any]) -> dict[str, object]:
    fields = {name: values[name] for name in HASHED_FIELDS}
    fields["at"] = values["at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if values.get("key_id"):  # unkeyed rows keep the fields they were hashed with
        fields["key_id"] = values["key_id"]
    return fields


def _fields(event: AuditEvent) -> dict[str, object]:
    return _canonical({name: getattr(event, name) for name in (*HASHED_FIELDS, "key_id")})


def _writer_key(connection: Connection) -> AuditKey | None:
    key = key_of(connection)
    if key is None:
        _log.warning(
            "audit row written without the chain key (engine not built with "
            "pingan.audit.keys.keyed): verify will report it"
        )
    return key


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
    # populate_existing: the head may have been moved by record_many (Core) in this session
    head = db_session.scalar(
        select(AuditHead)
        .where(AuditHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        db_session.add(head)
        db_session.flush()
    key = _writer_key(db_session.connection())
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
        key_id=key.key_id if key else "",
    )
    event.hash = _digest(event.prev_hash, _fields(event), key)
    db_session.add(event)
    head.seq = event.seq
    head.hash = event.hash
    db_session.flush()
    return event


@dataclass(frozen=True)
class AuditEntry:
    """One event for :func:`record_many`, with its actor already resolved."""

    action: str
    object_type: str
    object_id: str
    actor_id: int | None
    actor: str
    role: str
    jurisdiction_id: int | None
    client_addr: str
    outcome: str = "ok"

    @classmethod
    def of(
        cls,
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
    ) -> AuditEntry:
        """The entry :func:`record` would write for the same arguments."""
        addr = client_addr or (principal.client_addr if principal else None) or ""
        return cls(
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            actor_id=principal.user_id if principal else None,
            actor=(principal.username if principal else actor) or "anonymous",
            role=role or (principal.primary_role() if principal else "none"),
            jurisdiction_id=jurisdiction_id,
            client_addr=addr[:64],
            outcome=outcome,
        )


# built once: constructing a statement costs more than running it
_HEAD_TABLE = cast(Table, AuditHead.__table__)
_HEAD_FOR_UPDATE = (
    select(_HEAD_TABLE.c.seq, _HEAD_TABLE.c.hash).where(_HEAD_TABLE.c.id == 1).with_for_update()
)
_INSERT_EVENTS = insert(cast(Table, AuditEvent.__table__))
_MOVE_HEAD = update(_HEAD_TABLE).where(_HEAD_TABLE.c.id == 1)


def record_many(connection: Connection, entries: Sequence[AuditEntry]) -> list[int]:
    """Append several rows to the chain with Core statements; return their ``seq`` numbers.

    One ``SELECT … FOR UPDATE`` of the head, one multi-row ``INSERT`` and one ``UPDATE``
    of the head, whatever the number of entries: the batch is chained exactly as
    ``len(entries)`` calls of :func:`record` would chain it. Runs in the connection's
    transaction (a session's: ``db_session.connection()``; flush the session first).
    """
    if not entries:
        return []
    table = _HEAD_TABLE
    head = connection.execute(_HEAD_FOR_UPDATE).first()
    if head is None:
        connection.execute(insert(table), {"id": 1, "seq": 0, "hash": GENESIS})
        seq, prev = 0, GENESIS
    else:
        seq, prev = head.seq, head.hash
    key = _writer_key(connection)
    key_id = key.key_id if key else ""
    rows: list[dict[str, Any]] = []
    at = utcnow()
    for entry in entries:
        seq += 1
        row: dict[str, Any] = {
            "seq": seq,
            "at": at,
            "actor_id": entry.actor_id,
            "actor": entry.actor,
            "role": entry.role,
            "jurisdiction_id": entry.jurisdiction_id,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "outcome": entry.outcome,
            "client_addr": entry.client_addr,
            "prev_hash": prev,
            "key_id": key_id,
        }
        prev = row["hash"] = _digest(prev, _canonical(row), key)
        rows.append(row)
    connection.execute(_INSERT_EVENTS, rows)
    connection.execute(_MOVE_HEAD, {"seq": seq, "hash": prev})
    return [row["seq"] for row in rows]


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify_chain` found. ``head_digest`` is the last row's hash (what an
    anchor records); ``anchors`` the number of anchors checked."""

    rows: int
    ok: bool
    first_bad_seq: int | None
    reason: str
    head_digest: str = GENESIS
    anchors: int = 0
    unkeyed_rows: int = 0


def verify_chain(
    db_session: Session,
    key: AuditKey,
    anchors: Sequence[Anchor] = (),
    *,
    retired: Sequence[AuditKey] = (),
    accept_unkeyed: bool = False,
) -> ChainReport:
    """Walk the chain in order and report the first broken link, if any.

    Every row must carry the id of ``key`` or of a ``retired`` key (oldest first) and the
    HMAC under it, keys in the order they were used: no row of a retired key after a row
    of a later one, so a leaked retired key forges nothing past its retirement. The
    exception are unkeyed rows (from before keying) at or before an anchor whose digest
    matches. Every anchor must match: row
    ``anchor.rows`` exists and has ``anchor.digest``. ``accept_unkeyed`` lets the unkeyed
    rows that precede every keyed row pass without an anchor; only ``pingan audit anchor
    --accept-unkeyed`` uses it, once, to anchor the rows from before keying. An unkeyed
    row after a keyed one is never accepted without an anchor.
    """
    walk = _ChainWalk(
        key=key,
        ring={k.key_id: (rank, k) for rank, k in enumerate((*retired, key))},
        n_anchors=len(anchors),
    )
    for anchor in anchors:
        walk.by_rows.setdefault(anchor.rows, []).append(anchor)
    for event in db_session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(2000):
        problem = walk.step(event)
        if problem is not None:
            return walk.broken(*problem)
    problem = walk.finish(db_session.get(AuditHead, 1), accept_unkeyed=accept_unkeyed)
    if problem is not None:
        return walk.broken(*problem)
    return ChainReport(
        walk.count,
        True,
        None,
        f"{walk.count} rows, chain intact",
        walk.prev,
        walk.n_anchors,
        walk.unkeyed,
    )


@dataclass
class _ChainWalk:
    """Where a walk along the chain stands (see :func:`verify_chain`); each check returns
    the row and the reason of the first broken link, or None."""

    key: AuditKey
    ring: dict[str, tuple[int, AuditKey]]
    n_anchors: int
    by_rows: dict[int, list[Anchor]] = field(default_factory=dict)
    prev: str = GENESIS
    count: int = 0
    unkeyed: int = 0
    uncovered: int | None = None  # first unkeyed row no matching anchor covers yet
    late: int | None = None  # the same, for unkeyed rows after a keyed row
    keyed_seen: bool = False
    latest_rank: int = 0

    def broken(self, seq: int | None, reason: str) -> ChainReport:
        return ChainReport(self.count, False, seq, reason, self.prev, self.n_anchors, self.unkeyed)

    def step(self, event: AuditEvent) -> tuple[int, str] | None:
        """Check the next row: its place, its link, its key, its HMAC and the anchors."""
        self.count += 1
        if event.seq != self.count:
            return self.count, f"row {self.count} is missing"
        if event.prev_hash != self.prev:
            return event.seq, f"row {event.seq} does not follow its predecessor"
        row_key, problem = self._row_key(event)
        if problem is not None:
            return event.seq, problem
        if _digest(self.prev, _fields(event), row_key) != event.hash:
            return event.seq, f"row {event.seq} was altered"
        self.prev = event.hash
        for anchor in self.by_rows.get(event.seq, ()):
            if anchor.digest != event.hash:
                return (
                    event.seq,
                    f"row {event.seq} differs from the anchor taken {anchor.at or '(no time)'}",
                )
            self.uncovered = self.late = None
        return None

    def _row_key(self, event: AuditEvent) -> tuple[AuditKey | None, str | None]:
        """The key a row is chained with (None: unkeyed), or the reason its key is refused."""
        if not event.key_id:
            self.unkeyed += 1
            if self.uncovered is None:
                self.uncovered = event.seq
            if self.keyed_seen and self.late is None:
                self.late = event.seq
            return None, None
        if event.key_id not in self.ring:
            return None, (
                f"row {event.seq} names key {event.key_id!r}, not the configured key "
                f"{self.key.key_id!r} nor a retired one"
            )
        rank, row_key = self.ring[event.key_id]
        if rank < self.latest_rank:
            return None, (
                f"row {event.seq} names retired key {event.key_id!r} after rows of a later key"
            )
        self.latest_rank = rank
        self.keyed_seen = True
        return row_key, None

    def finish(self, head: AuditHead | None, *, accept_unkeyed: bool) -> tuple[int, str] | None:
        """Check the end of the chain: no row removed, every unkeyed row covered."""
        last = self.count
        longest = max(self.by_rows, default=0)
        if longest > last:
            taken = self.by_rows[longest][0].at or "(no time)"
            return (
                last + 1,
                f"rows after {last} were removed: the anchor taken {taken} counted {longest}",
            )
        if head is not None and (head.seq != last or head.hash != self.prev):
            return last + 1, f"rows after {last} were removed"
        if self.late is not None:
            return (
                self.late,
                f"row {self.late} is not keyed, follows keyed rows, and no anchor covers it",
            )
        if self.uncovered is not None and not accept_unkeyed:
            return (
                self.uncovered,
                f"row {self.uncovered} is not keyed and no anchor covers it (rows from before "
                "keying need one `pingan audit anchor --accept-unkeyed` after checking them)",
            )
        return None


def anchor_chain(
    db_session: Session,
    key: AuditKey,
    anchors: Sequence[Anchor] = (),
    *,
    retired: Sequence[AuditKey] = (),
    accept_unkeyed: bool = False,
) -> tuple[ChainReport, Anchor | None]:
    """Verify the chain and, when it is intact, the anchor to record for its head (none
    for a broken chain: an anchor must never vouch for rows that do not verify)."""
    report = verify_chain(db_session, key, anchors, retired=retired, accept_unkeyed=accept_unkeyed)
    if not report.ok:
        return report, None
    at = utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    return report, Anchor(rows=report.rows, digest=report.head_digest, at=at, key_id=key.key_id)


def list_events(
    db_session: Session,
    principal: Principal,
    *,
    limit: int = 100,
    before_seq: int | None = None,
    action: str | None = None,
) -> list[AuditEvent]:
    """The newest events the caller may read: those of jurisdictions in the subtrees where
    they hold the auditor role; events tied to no jurisdiction (logins, account changes)
    only for auditors of a whole tree (a root jurisdiction)."""
    from sqlalchemy import and_, or_

    from pingan.jurisdictions.models import Jurisdiction

    principal.require("audit", "read")
    whole_tree = any(
        grant.jurisdiction_path.count("/") == 2
        for grant, _scope in principal.matching_grants("audit", "read")
    )
    visible = principal.visible_clause("audit", "read", Jurisdiction.path)
    unplaced = and_(AuditEvent.jurisdiction_id.is_(None), true() if whole_tree else false())
    query = (
        select(AuditEvent)
        .outerjoin(Jurisdiction, Jurisdiction.id == AuditEvent.jurisdiction_id)
        .where(or_(visible, unplaced) if whole_tree else visible)
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
    )
    if before_seq is not None:
        query = query.where(AuditEvent.seq < before_seq)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db_session.scalars(query))


def count(db_session: Session) -> int:
    return db_session.scalar(select(func.count(AuditEvent.id))) or 0

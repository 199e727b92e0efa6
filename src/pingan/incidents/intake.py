"""Intake: a citizen's report filed through the API, idempotent per Idempotency-Key.

:func:`create_report` checks the key, prepares the report
(:func:`pingan.incidents.placement.prepare`) and hands its rows
(:func:`pingan.incidents.rows.pending_report`) to the one writer
(:func:`pingan.incidents.writer.write`); :func:`file_report` does the same for the
channels without a key (the anonymous web form, the CSV import, chat, the demo).
Functions ``flush()``; the request or the CLI command commits once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import InvalidInput
from pingan.incidents import rows, writer
from pingan.incidents.models import Channel, IdempotencyRecord
from pingan.incidents.placement import (
    Geocoder,
    Placed,
    ReportInput,
    default_jurisdiction,
    prepare,
)
from pingan.incidents.schemas import ReportCreate
from pingan.principal import Principal


def _body_sha256(body: ReportCreate) -> str:
    canonical = json.dumps(
        body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CreateResult:
    body: dict[str, Any]
    replayed: bool
    incident_id: int


def create_report(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    body: ReportCreate,
    *,
    idempotency_key: str | None,
    geocode: Geocoder | None = None,
    simulated: bool = False,
) -> CreateResult:
    """File a citizen's report; idempotent per (caller, ``Idempotency-Key``).

    The same key with the same body returns the first result; with another body it
    raises :class:`InvalidInput`. The request only reads; the write goes through
    :func:`pingan.incidents.writer.write` (group commit on SQLite),
    which checks the key again under the write lock, so two concurrent requests with
    one key store one incident. ``simulated`` marks a demo record (never set by a client).
    """
    principal.require("report", "create")
    caller = f"user:{principal.user_id}"
    digest = _body_sha256(body)
    claim: rows.IdempotencyClaim | None = None
    if idempotency_key is not None:
        if not idempotency_key.strip() or len(idempotency_key) > 200:
            raise InvalidInput(
                "Idempotency-Key must have 1 to 200 characters", field="Idempotency-Key"
            )
        previous = _idempotent_answer(db_session, caller, idempotency_key, digest)
        if previous is not None:
            return previous
        claim = rows.IdempotencyClaim(caller, idempotency_key, digest)
    data = ReportInput(
        text=body.description,
        channel=Channel.api,
        received_at=utcnow(),
        type=body.type,
        fraud_type=body.fraud_type,
        lat=body.lat,
        lon=body.lon,
        place_text=body.place_text,
        occurred_start=body.occurred_start,
        occurred_end=body.occurred_end,
        reporter_name=body.reporter_name,
        reporter_phone=body.reporter_phone,
        reporter_user_id=principal.user_id,
        items=body.items,
        simulated=simulated,
    )
    fallback = default_jurisdiction(principal, "report", "create")
    placed = prepare(db_session, settings, data, fallback, geocode=geocode)
    pending = rows.pending_report(placed, principal=principal, claim=claim)
    written = writer.write(db_session, [pending])[0]
    return CreateResult(written.answer, written.replayed, written.incident_id)


_FIND_KEY = select(
    IdempotencyRecord.body_sha256, IdempotencyRecord.incident_id, IdempotencyRecord.response
).where(IdempotencyRecord.caller == bindparam("caller"), IdempotencyRecord.key == bindparam("key"))


def _idempotent_answer(
    db_session: Session, caller: str, key: str, digest: str
) -> CreateResult | None:
    row = db_session.connection().execute(_FIND_KEY, {"caller": caller, "key": key}).first()
    if row is None:
        return None
    if row.body_sha256 != digest:
        raise InvalidInput(
            "this Idempotency-Key was already used with a different body",
            field="Idempotency-Key",
        )
    return CreateResult(json.loads(row.response), True, row.incident_id or 0)


def file_report(
    db_session: Session,
    placed: Placed,
    *,
    principal: Principal | None,
    actor: str | None = None,
    is_draft: bool = False,
) -> rows.Written:
    """Write a prepared report as a new incident (with its report, items and audit row)."""
    pending = rows.pending_report(placed, principal=principal, actor=actor, is_draft=is_draft)
    return writer.write(db_session, [pending])[0]

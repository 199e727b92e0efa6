"""Reading warnings: one at a time and the desk's queue, masked through the one masking
function (:func:`pingan.incidents.privacy.redact`); unmasked reads of personal data are
audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.antifraud.models import TIER_RANK, ContactAttempt, FraudWarning, WarningStatus
from pingan.audit import service as audit
from pingan.db import utcnow
from pingan.errors import NotFound
from pingan.incidents import privacy
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal


def warning_sight(principal: Principal, record_path: str) -> privacy.Sight:
    """What ``principal`` may see of a warning's person: the roles granted
    ``warning.personal_data`` see them whole, everybody else gets masks."""
    return privacy.Sight(personal=principal.can("warning", "personal_data", record_path))


def is_overdue(warning: FraudWarning, now: datetime) -> bool:
    """Open, nobody reached yet, and past the due time."""
    return (
        warning.status is not WarningStatus.closed
        and warning.first_contact_at is None
        and warning.due_at < now
    )


def _holds_personal(warning: FraudWarning) -> bool:
    field = privacy.Field
    return (
        privacy.holds_personal(warning.target_name, field.name)
        or privacy.holds_personal(warning.target_phone, field.phone)
        or privacy.holds_personal(warning.situation)
    )


def _contacts(db_session: Session, warning_id: int, sight: privacy.Sight) -> list[dict[str, Any]]:
    rows = db_session.scalars(
        select(ContactAttempt)
        .where(ContactAttempt.warning_id == warning_id)
        .order_by(ContactAttempt.at, ContactAttempt.id)
    )
    return [
        {
            "id": c.id,
            "at": c.at,
            "channel": c.channel,
            "reached": c.reached,
            "note": privacy.redact(c.note, sight),
        }
        for c in rows
    ]


def warning_json(
    db_session: Session,
    warning: FraudWarning,
    node: Jurisdiction,
    sight: privacy.Sight,
    now: datetime,
) -> dict[str, Any]:
    """A warning as a reader with ``sight`` may see it (see ``WarningRead``)."""
    field = privacy.Field
    return {
        "id": warning.id,
        "jurisdiction_code": node.code,
        "target_name": privacy.redact(warning.target_name, sight, field.name),
        "target_phone": privacy.redact(warning.target_phone, sight, field.phone),
        "situation": privacy.redact(warning.situation, sight),
        "fraud_type": warning.fraud_type,
        "tier": warning.tier,
        "source": warning.source,
        "status": warning.status,
        "created_at": warning.created_at,
        "due_at": warning.due_at,
        "overdue": is_overdue(warning, now),
        "assignee_id": warning.assignee_id,
        "first_contact_at": warning.first_contact_at,
        "closed_at": warning.closed_at,
        "outcome": warning.outcome,
        "amount_yuan": warning.amount_yuan,
        "incident_id": warning.incident_id,
        "source_incident_id": warning.source_incident_id,
        "visit_required": warning.visit_required,
        "contacts": _contacts(db_session, warning.id, sight),
    }


def read_for(
    db_session: Session, principal: Principal, warning: FraudWarning, node: Jurisdiction
) -> dict[str, Any]:
    """The warning as ``principal`` may see it; an unmasked read of personal data is audited."""
    sight = warning_sight(principal, node.path)
    if sight.sees_any and _holds_personal(warning):
        audit.record(
            db_session,
            action="personal_data.read",
            object_type="fraud_warning",
            object_id=warning.id,
            principal=principal,
            jurisdiction_id=warning.jurisdiction_id,
        )
    return warning_json(db_session, warning, node, sight, utcnow())


def load_checked(
    db_session: Session, principal: Principal, warning_id: int, action: str
) -> tuple[FraudWarning, Jurisdiction]:
    """The warning and its station, when ``principal`` may do ``action`` on it (else 404)."""
    found = db_session.execute(
        select(FraudWarning, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == FraudWarning.jurisdiction_id)
        .where(FraudWarning.id == warning_id)
    ).first()
    if found is None:
        raise NotFound("no such warning")
    warning, node = found[0], found[1]
    principal.check("warning", action, node.path)
    return warning, node


def get_warning(db_session: Session, principal: Principal, warning_id: int) -> dict[str, Any]:
    principal.require("warning", "read")
    warning, node = load_checked(db_session, principal, warning_id, "read")
    return read_for(db_session, principal, warning, node)


def _queue_key(warning: FraudWarning, now: datetime) -> tuple[int, int, datetime, int]:
    return (
        0 if is_overdue(warning, now) else 1,
        TIER_RANK[warning.tier],
        warning.due_at,
        warning.id,
    )


def list_queue(
    db_session: Session, principal: Principal, *, closed: bool = False, limit: int = 200
) -> dict[str, Any]:
    """Warnings of the caller's stations: the open ones (or the closed ones), overdue first,
    then by tier, then by due time; with the number overdue."""
    principal.require("warning", "read")
    now = utcnow()
    status_clause = (
        FraudWarning.status == WarningStatus.closed
        if closed
        else FraudWarning.status != WarningStatus.closed
    )
    found = db_session.execute(
        select(FraudWarning, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == FraudWarning.jurisdiction_id)
        .where(principal.visible_clause("warning", "read", Jurisdiction.path), status_clause)
    ).all()
    pairs = sorted(((row[0], row[1]) for row in found), key=lambda p: _queue_key(p[0], now))
    return {
        "overdue": sum(1 for warning, _ in pairs if is_overdue(warning, now)),
        "items": [read_for(db_session, principal, w, node) for w, node in pairs[:limit]],
    }

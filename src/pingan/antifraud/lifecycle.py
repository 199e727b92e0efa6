"""Working a warning: new → assigned → contacting → closed.

Taking it (assign), recording contact attempts (phone, in person, through the family) and
the outcome. An outcome "already lost" files a fraud incident through the incidents
intake (the one writer) and links it; "unreachable" keeps the warning open with a visit in
person due. A step out of order raises :class:`Conflict` (409).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from pingan.antifraud.models import ContactAttempt, FraudWarning, Outcome, WarningStatus
from pingan.antifraud.reads import load_checked
from pingan.antifraud.schemas import ContactCreate, OutcomeCreate
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import Conflict, InvalidInput
from pingan.incidents import intake
from pingan.incidents.models import Channel
from pingan.incidents.placement import ReportInput, prepare
from pingan.incidents.schemas import MAX_DESCRIPTION_CHARS
from pingan.principal import Principal

#: Outcomes that carry an amount in yuan (stopped, or lost).
WITH_AMOUNT = frozenset({Outcome.payment_stopped, Outcome.already_lost})


def _open_warning(db_session: Session, principal: Principal, warning_id: int) -> FraudWarning:
    principal.require("warning", "write")
    warning, _node = load_checked(db_session, principal, warning_id, "write")
    if warning.status is WarningStatus.closed:
        raise Conflict(f"warning {warning_id} is closed", field="status")
    return warning


def assign(db_session: Session, principal: Principal, warning_id: int) -> FraudWarning:
    """The caller takes the warning (new or assigned to someone else)."""
    warning = _open_warning(db_session, principal, warning_id)
    if warning.status is not WarningStatus.new and warning.status is not WarningStatus.assigned:
        raise Conflict(f"warning {warning_id} is already being contacted", field="status")
    warning.status = WarningStatus.assigned
    warning.assignee_id = principal.user_id
    db_session.flush()
    return warning


def record_contact(
    db_session: Session,
    principal: Principal,
    warning_id: int,
    body: ContactCreate,
    *,
    now: datetime | None = None,
) -> FraudWarning:
    """One attempt to reach the person; the first that reaches them is the first contact."""
    warning = _open_warning(db_session, principal, warning_id)
    if warning.status is WarningStatus.new:
        raise Conflict(f"warning {warning_id} is not assigned yet: take it first", field="status")
    at = now or utcnow()
    db_session.add(
        ContactAttempt(
            warning_id=warning.id,
            at=at,
            channel=body.channel,
            reached=body.reached,
            note=(body.note or "").strip() or None,
            by_user_id=principal.user_id,
        )
    )
    warning.status = WarningStatus.contacting
    if body.reached and warning.first_contact_at is None:
        warning.first_contact_at = at
    db_session.flush()
    return warning


def _check_amount(body: OutcomeCreate) -> None:
    if body.outcome in WITH_AMOUNT and body.amount_yuan is None:
        raise InvalidInput(f"{body.outcome.value} needs the amount in yuan", field="amount_yuan")
    if body.outcome not in WITH_AMOUNT and body.amount_yuan is not None:
        raise InvalidInput(f"{body.outcome.value} carries no amount", field="amount_yuan")


def _reached(db_session: Session, warning_id: int) -> bool:
    return bool(
        db_session.scalar(
            select(
                exists().where(
                    ContactAttempt.warning_id == warning_id, ContactAttempt.reached.is_(True)
                )
            )
        )
    )


def _file_loss(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    warning: FraudWarning,
    at: datetime,
) -> int:
    """File the loss as a fraud incident of the warning's station; its id."""
    tail = f"\n（预警 {warning.id}：已受骗 {warning.amount_yuan} 元）"
    text = (warning.situation or "电信网络诈骗预警")[: MAX_DESCRIPTION_CHARS - len(tail)] + tail
    data = ReportInput(
        text=text,
        channel=Channel.officer,
        received_at=at,
        type="fraud",
        fraud_type=warning.fraud_type,
        reporter_name=warning.target_name,
        reporter_phone=warning.target_phone,
        source_ref=f"fraud_warning:{warning.id}",
    )
    placed = prepare(db_session, settings, data, warning.jurisdiction_id, geocode=lambda _t: None)
    return intake.file_report(db_session, placed, principal=principal).incident_id


def record_outcome(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    warning_id: int,
    body: OutcomeCreate,
    *,
    now: datetime | None = None,
) -> FraudWarning:
    """Close the warning with its outcome ("unreachable" keeps it open, a visit due)."""
    _check_amount(body)
    warning = _open_warning(db_session, principal, warning_id)
    if warning.status is not WarningStatus.contacting:
        raise Conflict(f"warning {warning_id} has no contact attempt yet", field="status")
    at = now or utcnow()
    if body.outcome is Outcome.unreachable:
        warning.outcome = Outcome.unreachable
        warning.visit_required = True
        db_session.flush()
        return warning
    if not _reached(db_session, warning.id):
        raise Conflict(
            f"warning {warning_id}: no attempt reached the person yet (or mark it unreachable)",
            field="outcome",
        )
    warning.outcome = body.outcome
    warning.amount_yuan = body.amount_yuan
    if body.outcome is Outcome.already_lost:
        warning.incident_id = _file_loss(db_session, settings, principal, warning, at)
    warning.status = WarningStatus.closed
    warning.closed_at = at
    db_session.flush()
    return warning

"""Warnings (预警) come in: from the desk (manual or a screened situation) and from the
citizens' consultations. Each gets a due time for first contact by its tier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.antifraud import screening
from pingan.antifraud.models import FraudWarning, Tier, WarningSource, WarningStatus
from pingan.antifraud.schemas import WarningCreate
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import Conflict, Forbidden, InvalidInput, NotFound
from pingan.incidents.models import Incident
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal


def due_after(settings: Settings, tier: Tier) -> timedelta:
    """How soon the first contact is due for a warning of ``tier`` (from the settings)."""
    seconds = {
        Tier.red: settings.antifraud_due_red_s,
        Tier.orange: settings.antifraud_due_orange_s,
        Tier.yellow: settings.antifraud_due_yellow_s,
    }[tier]
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class WarningInput:
    jurisdiction_id: int
    tier: Tier
    source: WarningSource
    fraud_type: str | None = None
    target_name: str | None = None
    target_phone: str | None = None
    situation: str | None = None


def add_warning(
    db_session: Session,
    settings: Settings,
    data: WarningInput,
    *,
    created_by_id: int | None,
    now: datetime | None = None,
) -> FraudWarning:
    """Store a new warning, due by its tier from ``now``."""
    at = now or utcnow()
    warning = FraudWarning(
        jurisdiction_id=data.jurisdiction_id,
        tier=data.tier,
        source=data.source,
        status=WarningStatus.new,
        fraud_type=data.fraud_type,
        target_name=(data.target_name or "").strip() or None,
        target_phone=(data.target_phone or "").strip() or None,
        situation=(data.situation or "").strip() or None,
        created_at=at,
        due_at=at + due_after(settings, data.tier),
        created_by_id=created_by_id,
        visit_required=False,
    )
    db_session.add(warning)
    db_session.flush()
    return warning


def _jurisdiction_of(db_session: Session, principal: Principal, code: str | None) -> int:
    if code is None:
        grant = principal.deepest_grant("warning", "write")
        if grant is None:
            raise Forbidden("your roles do not allow write on warning")
        return grant.jurisdiction_id
    node = jurisdictions.get_by_code(db_session, code)
    principal.check("warning", "write", node.path)  # another station's: 404
    return node.id


def _tier_and_type(body: WarningCreate) -> tuple[Tier, WarningSource, str | None]:
    if body.tier is not None:
        return body.tier, WarningSource.manual, body.fraud_type
    if body.situation is None:
        raise InvalidInput("give a tier or a situation to screen", field="tier")
    result = screening.screen(body.situation)
    if result.tier not in (Tier.red, Tier.orange):
        raise InvalidInput(
            f"the situation screens as {result.tier!r}: only red and orange become warnings"
            " (give a tier to enter it anyway)",
            field="situation",
        )
    return Tier(result.tier), WarningSource.screening, body.fraud_type or result.fraud_type


def create_warning(
    db_session: Session, settings: Settings, principal: Principal, body: WarningCreate
) -> FraudWarning:
    """A warning entered at the desk, in the caller's station unless a code says where."""
    principal.require("warning", "write")
    jurisdiction_id = _jurisdiction_of(db_session, principal, body.jurisdiction_code)
    tier, source, fraud_type = _tier_and_type(body)
    data = WarningInput(
        jurisdiction_id=jurisdiction_id,
        tier=tier,
        source=source,
        fraud_type=fraud_type,
        target_name=body.target_name,
        target_phone=body.target_phone,
        situation=body.situation,
    )
    return add_warning(db_session, settings, data, created_by_id=principal.user_id)


def warning_from_report(
    db_session: Session, settings: Settings, principal: Principal, incident_id: int
) -> FraudWarning:
    """Lift a fraud report (from any intake channel) into a warning of its station: the
    reporter is the person to contact; the tier comes from screening the description
    (orange when it screens lower: a reported fraud is at least contact with a scammer).

    Raises
    ------
    NotFound
        No such incident within the caller's stations.
    InvalidInput
        The incident is not a fraud report.
    Conflict
        A warning was already lifted from it.
    """
    principal.require("warning", "write")
    found = db_session.execute(
        select(Incident, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(Incident.id == incident_id)
    ).first()
    if found is None:
        raise NotFound("no such incident")
    incident, path = found[0], found[1]
    principal.check("warning", "write", path)
    if incident.type != "fraud":
        raise InvalidInput(f"incident {incident_id} is not a fraud report", field="incident_id")
    taken = db_session.scalar(
        select(FraudWarning.id).where(FraudWarning.source_incident_id == incident_id)
    )
    if taken is not None:
        raise Conflict(f"warning {taken} was already made from this report", field="incident_id")
    result = screening.screen(incident.description or "诈骗报警")
    tier = Tier.red if result.tier == Tier.red else Tier.orange
    data = WarningInput(
        jurisdiction_id=incident.jurisdiction_id,
        tier=tier,
        source=WarningSource.report,
        fraud_type=incident.fraud_type or result.fraud_type,
        target_name=incident.reporter_name,
        target_phone=incident.reporter_phone,
        situation=incident.description,
    )
    warning = add_warning(db_session, settings, data, created_by_id=principal.user_id)
    warning.source_incident_id = incident.id
    db_session.flush()
    return warning

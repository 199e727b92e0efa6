"""Hazards (隐患) and their rectification.

A failed inspection item becomes a hazard with a deadline by severity (settings
``ledger_deadline_major_days`` / ``ledger_deadline_ordinary_days``). Its status goes
open → rectifying → closed; past its deadline and not closed it reads as ``overdue``.
A re-inspection's outcome is corrected, corrected with violations remaining, or not
corrected; the last two keep the hazard open with a new deadline and escalate it to the
station chief. A hazard closes only when an inspection made after it was found passes
its item (else 409). Every change is audited and kept as a :class:`HazardEvent`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import Conflict, InvalidInput, NotFound
from pingan.incidents import privacy
from pingan.jurisdictions.models import Jurisdiction
from pingan.ledgers.checklists import BY_CODE
from pingan.ledgers.models import (
    Hazard,
    HazardEvent,
    HazardStatus,
    Inspection,
    InspectionItem,
    ItemResult,
    Reinspection,
    Severity,
    Site,
    Source,
)
from pingan.ledgers.schemas import HazardUpdate, ReinspectionWrite
from pingan.ledgers.sites import ledger_sight
from pingan.principal import Principal


def deadline_for(settings: Settings, severity: Severity, found_at: datetime) -> datetime:
    days = (
        settings.ledger_deadline_major_days
        if severity is Severity.major
        else settings.ledger_deadline_ordinary_days
    )
    return found_at + timedelta(days=days)


def is_overdue(hazard: Hazard, now: datetime) -> bool:
    return hazard.status is not HazardStatus.closed and hazard.deadline < now


def days_overdue(hazard: Hazard, now: datetime) -> int:
    """Whole days past the deadline (0 when not overdue)."""
    return max(0, (now - hazard.deadline).days) if is_overdue(hazard, now) else 0


def shown_status(hazard: Hazard, now: datetime) -> str:
    return "overdue" if is_overdue(hazard, now) else hazard.status.value


def _event(
    db_session: Session,
    principal: Principal | None,
    hazard: Hazard,
    action: str,
    **fields: Any,
) -> None:
    db_session.add(
        HazardEvent(
            hazard_id=hazard.id,
            action=action,
            by_user_id=principal.user_id if principal and principal.user_id else None,
            **fields,
        )
    )
    site_jurisdiction = db_session.scalar(
        select(Site.jurisdiction_id).where(Site.id == hazard.site_id)
    )
    audit.record(
        db_session,
        action=f"ledger.hazard.{action}",
        object_type="ledger_hazard",
        object_id=hazard.id,
        outcome=str(fields.get("outcome") or "ok"),
        principal=principal,
        actor=None if principal else "system",
        jurisdiction_id=site_jurisdiction,
    )


def open_hazard(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    *,
    site: Site,
    inspection: Inspection,
    item: InspectionItem,
    severity: Severity,
    source: Source = Source.manual,
) -> Hazard:
    """A failed item becomes a hazard, due by its severity's deadline."""
    checklist = BY_CODE.get(item.code)
    hazard = Hazard(
        site_id=site.id,
        inspection_id=inspection.id,
        item_code=item.code,
        category=item.code.split("-")[0],
        severity=severity,
        description=(checklist.text_zh if checklist else item.code)
        + (f"：{item.note}" if item.note else ""),
        found_at=inspection.at,
        deadline=deadline_for(settings, severity, inspection.at),
        source=source,
    )
    db_session.add(hazard)
    db_session.flush()
    _event(db_session, principal, hazard, "create", inspection_id=inspection.id)
    return hazard


def load_hazard(
    db_session: Session, principal: Principal, hazard_id: int, action: str = "read"
) -> tuple[Hazard, Site, Jurisdiction]:
    found = db_session.execute(
        select(Hazard, Site, Jurisdiction)
        .join(Site, Site.id == Hazard.site_id)
        .join(Jurisdiction, Jurisdiction.id == Site.jurisdiction_id)
        .where(Hazard.id == hazard_id)
    ).first()
    if found is None:
        raise NotFound("no such hazard")
    principal.check("ledger", action, found[2].path)
    return found[0], found[1], found[2]


def hazard_json(
    hazard: Hazard, site: Site, node: Jurisdiction, sight: privacy.Sight, now: datetime
) -> dict[str, Any]:
    checklist = BY_CODE.get(hazard.item_code)
    return {
        "id": hazard.id,
        "site_id": site.id,
        "site_code": site.code,
        "site_name": site.name,
        "jurisdiction_code": node.code,
        "inspection_id": hazard.inspection_id,
        "item_code": hazard.item_code,
        "item_zh": checklist.text_zh if checklist else "",
        "item_en": checklist.text_en if checklist else "",
        "category": hazard.category,
        "severity": hazard.severity,
        "description": privacy.redact(hazard.description, sight),
        "measures": privacy.redact(hazard.measures, sight),
        "department": hazard.department,
        "responsible_name": privacy.redact(hazard.responsible_name, sight, privacy.Field.name),
        "funding": hazard.funding,
        "interim_safeguards": privacy.redact(hazard.interim_safeguards, sight),
        "found_at": hazard.found_at,
        "deadline": hazard.deadline,
        "status": shown_status(hazard, now),
        #: The stored step (open, rectifying, closed), whether or not it is overdue.
        "stage": hazard.status,
        "days_overdue": days_overdue(hazard, now),
        "escalated": hazard.escalated,
        "closed_at": hazard.closed_at,
        "source": hazard.source,
    }


def _read(
    db_session: Session, principal: Principal, rows: list[tuple[Hazard, Site, Jurisdiction]]
) -> list[dict[str, Any]]:
    now = utcnow()
    out = []
    for hazard, site, node in rows:
        sight = ledger_sight(principal, node.path)
        if sight.sees_any and privacy.holds_personal(hazard.responsible_name, privacy.Field.name):
            audit.record(
                db_session,
                action="personal_data.read",
                object_type="ledger_hazard",
                object_id=hazard.id,
                principal=principal,
                jurisdiction_id=site.jurisdiction_id,
            )
        out.append(hazard_json(hazard, site, node, sight, now))
    return out


def get_hazard(db_session: Session, principal: Principal, hazard_id: int) -> dict[str, Any]:
    principal.require("ledger", "read")
    found = load_hazard(db_session, principal, hazard_id)
    hazard = _read(db_session, principal, [found])[0]
    events = db_session.scalars(
        select(HazardEvent).where(HazardEvent.hazard_id == hazard_id).order_by(HazardEvent.id)
    )
    hazard["events"] = [
        {
            "at": e.at,
            "action": e.action,
            "outcome": e.outcome,
            "inspection_id": e.inspection_id,
            "new_deadline": e.new_deadline,
            "note": e.note,
        }
        for e in events
    ]
    return hazard


def hazard_rows(
    db_session: Session,
    principal: Principal,
    *,
    site_ids: list[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    state: str | None = None,
) -> list[dict[str, Any]]:
    """Hazards of the caller's stations (of ``site_ids``; found in ``since`` … ``until``;
    ``state`` open / overdue / closed / major), overdue and major first."""
    principal.require("ledger", "read")
    query = (
        select(Hazard, Site, Jurisdiction)
        .join(Site, Site.id == Hazard.site_id)
        .join(Jurisdiction, Jurisdiction.id == Site.jurisdiction_id)
        .where(principal.visible_clause("ledger", "read", Jurisdiction.path))
    )
    if site_ids is not None:
        query = query.where(Hazard.site_id.in_(site_ids))
    if since is not None:
        query = query.where(Hazard.found_at >= since)
    if until is not None:
        query = query.where(Hazard.found_at <= until)
    now = utcnow()
    if state in ("open", "overdue", "major"):
        query = query.where(Hazard.status != HazardStatus.closed)
    if state == "overdue":
        query = query.where(Hazard.deadline < now)
    if state == "major":
        query = query.where(Hazard.severity == Severity.major)
    if state == "closed":
        query = query.where(Hazard.status == HazardStatus.closed)
    rows = [(r[0], r[1], r[2]) for r in db_session.execute(query)]
    rows.sort(
        key=lambda r: (
            not is_overdue(r[0], now),
            r[0].severity is not Severity.major,
            r[0].deadline,
            r[0].id,
        )
    )
    return _read(db_session, principal, rows)


def update_hazard(
    db_session: Session, principal: Principal, hazard_id: int, body: HazardUpdate
) -> dict[str, Any]:
    """Write the rectification plan, or move an open hazard to rectifying; audited."""
    hazard, _site, _node = load_hazard(db_session, principal, hazard_id, "write")
    if hazard.status is HazardStatus.closed:
        raise Conflict("the hazard is closed", field="status")
    changes = body.model_dump(exclude_unset=True, exclude={"status"})
    for name, value in changes.items():
        if value is not None:
            setattr(hazard, name, value)
    if changes:
        _event(db_session, principal, hazard, "update", note=", ".join(sorted(changes)))
    if body.status is HazardStatus.rectifying and hazard.status is HazardStatus.open:
        hazard.status = HazardStatus.rectifying
        _event(db_session, principal, hazard, "rectifying")
    db_session.flush()
    return get_hazard(db_session, principal, hazard_id)


def _passing_inspection(
    db_session: Session, hazard: Hazard, inspection_id: int | None = None
) -> Inspection | None:
    """An inspection of the hazard's site after it was found that passes its item."""
    query = (
        select(Inspection)
        .join(InspectionItem, InspectionItem.inspection_id == Inspection.id)
        .where(
            Inspection.site_id == hazard.site_id,
            Inspection.at > hazard.found_at,
            InspectionItem.code == hazard.item_code,
            InspectionItem.result == ItemResult.passed,
        )
        .order_by(Inspection.at.desc())
    )
    if inspection_id is not None:
        query = query.where(Inspection.id == inspection_id)
    return db_session.scalars(query).first()


def _close(db_session: Session, principal: Principal, hazard: Hazard, passed: Inspection) -> None:
    hazard.status = HazardStatus.closed
    hazard.closed_at = utcnow()
    hazard.closed_by_inspection_id = passed.id
    _event(db_session, principal, hazard, "close", inspection_id=passed.id)


def close_hazard(db_session: Session, principal: Principal, hazard_id: int) -> dict[str, Any]:
    """Close the hazard on the newest inspection that passed its item; 409 when none has."""
    hazard, _site, _node = load_hazard(db_session, principal, hazard_id, "write")
    if hazard.status is HazardStatus.closed:
        raise Conflict("the hazard is already closed", field="status")
    passed = _passing_inspection(db_session, hazard)
    if passed is None:
        raise Conflict(
            "a hazard closes only when a new inspection passes its item "
            f"({hazard.item_code}); re-inspect first",
            field="status",
        )
    _close(db_session, principal, hazard, passed)
    db_session.flush()
    return get_hazard(db_session, principal, hazard_id)


def reinspect(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    hazard_id: int,
    body: ReinspectionWrite,
) -> dict[str, Any]:
    """Record a re-inspection's outcome. Corrected closes the hazard, but only when that
    inspection passes its item (409 otherwise); the other outcomes keep it open with a new
    deadline and escalate it to the station chief."""
    hazard, site, _node = load_hazard(db_session, principal, hazard_id, "write")
    if hazard.status is HazardStatus.closed:
        raise Conflict("the hazard is already closed", field="status")
    inspection = db_session.get(Inspection, body.inspection_id)
    if inspection is None or inspection.site_id != site.id:
        raise InvalidInput("the inspection is not one of this site's", field="inspection_id")
    if body.outcome is Reinspection.corrected:
        passed = _passing_inspection(db_session, hazard, inspection.id)
        if passed is None:
            raise Conflict(
                f"inspection {inspection.id} does not pass item {hazard.item_code}: "
                "the hazard stays open",
                field="outcome",
            )
        _event(
            db_session,
            principal,
            hazard,
            "reinspect",
            outcome=body.outcome,
            inspection_id=inspection.id,
            note=body.note,
        )
        _close(db_session, principal, hazard, passed)
    else:
        hazard.deadline = deadline_for(settings, hazard.severity, utcnow())
        hazard.status = HazardStatus.rectifying
        hazard.escalated = True
        _event(
            db_session,
            principal,
            hazard,
            "reinspect",
            outcome=body.outcome,
            inspection_id=inspection.id,
            new_deadline=hazard.deadline,
            note=body.note,
        )
        _event(db_session, principal, hazard, "escalate", note="station chief")
    db_session.flush()
    return get_hazard(db_session, principal, hazard_id)

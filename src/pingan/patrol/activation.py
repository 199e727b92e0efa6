"""Which plan is active: one per jurisdiction, city, shift window and day type."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.patrol.models import Plan, PlanStatus
from pingan.patrol.reads import load_plan
from pingan.principal import Principal


def activate(db_session: Session, plan: Plan) -> None:
    """Make ``plan`` the active one of its jurisdiction, city, shift window and day type."""
    others = db_session.scalars(
        select(Plan).where(
            Plan.jurisdiction_id == plan.jurisdiction_id,
            Plan.city == plan.city,
            Plan.shift_start == plan.shift_start,
            Plan.shift_end == plan.shift_end,
            Plan.day_type == plan.day_type,
            Plan.status == PlanStatus.active,
            Plan.id != plan.id,
        )
    )
    for other in others:
        other.status = PlanStatus.draft
    plan.status = PlanStatus.active


def activate_plan(db_session: Session, principal: Principal, plan_id: int) -> Plan:
    """Make the plan the active one for its station, city, shift and day type."""
    plan, path = load_plan(db_session, plan_id)
    principal.check("plan", "write", path)
    activate(db_session, plan)
    db_session.flush()
    audit.record(
        db_session,
        action="plan.activate",
        object_type="plan",
        object_id=plan.id,
        principal=principal,
        jurisdiction_id=plan.jurisdiction_id,
    )
    return plan

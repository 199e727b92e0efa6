"""Training and drills (培训、演练): sessions at sites, and per-site compliance: a drill
within the category's interval (61号令: every 6 months at key units, yearly elsewhere;
configurable), and operators' certificates expiring soon."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.config import Settings
from pingan.errors import Conflict, NotFound
from pingan.incidents import privacy
from pingan.ledgers import checklists
from pingan.ledgers.models import SessionKind, Source, TrainingSession
from pingan.ledgers.schemas import TrainingWrite
from pingan.ledgers.sites import ledger_sight, load_site, visible_sites
from pingan.principal import Principal

DRILLS = (SessionKind.evacuation_drill, SessionKind.extinguisher_practice)


def record_session(
    db_session: Session,
    principal: Principal,
    body: TrainingWrite,
    *,
    source: Source = Source.manual,
) -> TrainingSession:
    """Store a training session or drill at a site the caller may write; audited."""
    site, node = load_site(db_session, principal, body.site_id, "write")
    session = TrainingSession(
        source=source, created_by_id=principal.user_id or None, **body.model_dump()
    )
    session.site_id = site.id
    db_session.add(session)
    db_session.flush()
    audit.record(
        db_session,
        action="ledger.training.create",
        object_type="ledger_training",
        object_id=session.id,
        principal=principal,
        jurisdiction_id=node.id,
    )
    return session


#: Most photos one session keeps.
MAX_PHOTOS = 8


def attach_photo(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    session_id: int,
    data: bytes,
    extension: str,
) -> int:
    """Keep a checked photo (see the web layer's photo check) with the session; the count."""
    session = db_session.get(TrainingSession, session_id)
    if session is None:
        raise NotFound("no such training session")
    load_site(db_session, principal, session.site_id, "write")
    if len(session.photos) >= MAX_PHOTOS:
        raise Conflict(f"a session keeps at most {MAX_PHOTOS} photos", field="photo")
    folder = settings.data_dir / "ledger-photos" / f"training-{session.id}"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{len(session.photos) + 1}.{extension}"
    (folder / name).write_bytes(data)
    session.photos = [*session.photos, name]
    db_session.flush()
    return len(session.photos)


def session_json(session: TrainingSession, sight: privacy.Sight) -> dict[str, Any]:
    return {
        "id": session.id,
        "site_id": session.site_id,
        "held_on": session.held_on,
        "kind": session.kind,
        "attendees": privacy.redact(session.attendees, sight),
        "attendee_count": session.attendee_count,
        "duration_min": session.duration_min,
        "photos": len(session.photos),
        "source": session.source,
    }


def site_sessions(db_session: Session, principal: Principal, site_id: int) -> list[dict[str, Any]]:
    """A site's sessions, newest first."""
    principal.require("ledger", "read")
    _site, node = load_site(db_session, principal, site_id)
    sight = ledger_sight(principal, node.path)
    found = db_session.scalars(
        select(TrainingSession)
        .where(TrainingSession.site_id == site_id)
        .order_by(TrainingSession.held_on.desc(), TrainingSession.id.desc())
    )
    return [session_json(s, sight) for s in found]


def compliance(
    db_session: Session, settings: Settings, principal: Principal, today: date
) -> list[dict[str, Any]]:
    """Per site of the caller's stations: the last drill and training, whether each is
    within its interval, and the date the next is due."""
    rows = visible_sites(db_session, principal)
    last_drill = dict(
        db_session.execute(
            select(TrainingSession.site_id, func.max(TrainingSession.held_on))
            .where(TrainingSession.kind.in_(DRILLS))
            .group_by(TrainingSession.site_id)
        ).all()
    )
    last_training = dict(
        db_session.execute(
            select(TrainingSession.site_id, func.max(TrainingSession.held_on))
            .where(TrainingSession.kind == SessionKind.training)
            .group_by(TrainingSession.site_id)
        ).all()
    )
    out = []
    for site, node in rows:
        every = checklists.frequencies(settings, site.category, site.key_unit)
        drill = last_drill.get(site.id)
        training = last_training.get(site.id)
        drill_due = drill + timedelta(days=every.drill_days) if drill else None
        training_due = training + timedelta(days=every.training_days) if training else None
        out.append(
            {
                "site_id": site.id,
                "site_code": site.code,
                "site_name": site.name,
                "jurisdiction_code": node.code,
                "last_drill": drill,
                "drill_due_on": drill_due,
                "drill_ok": drill_due is not None and drill_due >= today,
                "last_training": training,
                "training_due_on": training_due,
                "training_ok": training_due is not None and training_due >= today,
            }
        )
    return out

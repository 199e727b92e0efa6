"""Inspections (防火巡查、防火检查): the checklist of a site, recording an inspection (sent
once, idempotently, by the phone form), its photos, recurring tasks and their
occurrences, and what is due.

A failed item becomes a hazard (:func:`pingan.ledgers.hazards.open_hazard`), unless it is
one of the violations 61号令 says are corrected on the spot and was (当场改正).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import Conflict, InvalidInput, NotFound
from pingan.incidents import privacy
from pingan.ledgers import checklists
from pingan.ledgers.hazards import open_hazard
from pingan.ledgers.models import (
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionTask,
    ItemResult,
    Site,
    Source,
)
from pingan.ledgers.schemas import InspectionWrite, TaskWrite
from pingan.ledgers.sites import ledger_sight, load_site, visible_sites
from pingan.principal import Principal

#: Most photos one inspection keeps.
MAX_PHOTOS = 8
#: Past occurrences of a recurring task shown (the overdue ones stay visible).
MAX_OCCURRENCES = 200


def site_checklist(db_session: Session, principal: Principal, site_id: int) -> dict[str, Any]:
    """The checklist of a site's category, with its earlier violations (failed items not
    yet passed since, and open hazards) for a follow-up visit."""
    principal.require("ledger", "read")
    site, _node = load_site(db_session, principal, site_id)
    return {
        "site_id": site.id,
        "category": site.category,
        "items": [checklists.item_json(i) for i in checklists.checklist(site.category)],
        "earlier_violations": earlier_violations(db_session, site.id),
    }


def earlier_violations(db_session: Session, site_id: int) -> list[dict[str, Any]]:
    """Per item code, the last time it failed at the site, when no later inspection passed it."""
    rows = db_session.execute(
        select(InspectionItem.code, InspectionItem.result, InspectionItem.note, Inspection.at)
        .join(Inspection, Inspection.id == InspectionItem.inspection_id)
        .where(Inspection.site_id == site_id)
        .order_by(Inspection.at, InspectionItem.id)
    ).all()
    last: dict[str, tuple[ItemResult, str, datetime]] = {}
    for code, result, note, at in rows:
        if result is not ItemResult.not_applicable:
            last[code] = (result, note, at)
    return [
        {"code": code, "note": note, "at": at}
        for code, (result, note, at) in sorted(last.items())
        if result is ItemResult.failed
    ]


def _check_items(site: Site, body: InspectionWrite) -> None:
    allowed = {item.code for item in checklists.checklist(site.category)}
    seen: set[str] = set()
    for index, item in enumerate(body.items):
        where = f"items.{index}.code"
        if item.code not in allowed:
            raise InvalidInput(f"item {item.code!r} is not on this site's checklist", field=where)
        if item.code in seen:
            raise InvalidInput(f"item {item.code!r} is given twice", field=where)
        seen.add(item.code)
        if item.corrected_on_spot and not checklists.BY_CODE[item.code].on_spot:
            raise InvalidInput(
                f"item {item.code!r} is not one 61号令 lets correct on the spot",
                field=f"items.{index}.corrected_on_spot",
            )


def record_inspection(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    body: InspectionWrite,
    *,
    idempotency_key: str | None = None,
    source: Source = Source.manual,
) -> tuple[Inspection, bool]:
    """Store an inspection and its items; each failed item not corrected on the spot opens
    a hazard. Sent again with the same idempotency key, the first one comes back
    (``created`` False) and nothing is stored twice."""
    principal.require("ledger", "write")
    if idempotency_key is not None:
        existing = db_session.scalar(
            select(Inspection).where(Inspection.idempotency_key == idempotency_key)
        )
        if existing is not None:
            load_site(db_session, principal, existing.site_id, "write")
            return existing, False
    site, node = load_site(db_session, principal, body.site_id, "write")
    _check_items(site, body)
    if (body.lat is None) != (body.lon is None):
        raise InvalidInput("give both lat and lon, or neither", field="lat")
    at = body.at or utcnow()
    if at.tzinfo is None:
        raise InvalidInput("the time needs a UTC offset, e.g. +08:00", field="at")
    if body.task_id is not None:
        task = db_session.get(InspectionTask, body.task_id)
        if task is None or task.site_id != site.id:
            raise InvalidInput("the task is not one of this site's", field="task_id")
    inspection = Inspection(
        site_id=site.id,
        task_id=body.task_id,
        kind=body.kind,
        at=at,
        inspectors=body.inspectors,
        lat=body.lat,
        lon=body.lon,
        signature=body.signature,
        note=body.note,
        idempotency_key=idempotency_key,
        source=source,
        created_by_id=principal.user_id or None,
    )
    db_session.add(inspection)
    db_session.flush()
    for written in body.items:
        item = InspectionItem(
            inspection_id=inspection.id,
            code=written.code,
            result=written.result,
            note=written.note,
            corrected_on_spot=written.corrected_on_spot and written.result is ItemResult.failed,
        )
        db_session.add(item)
        db_session.flush()
        if item.result is ItemResult.failed and not item.corrected_on_spot:
            open_hazard(
                db_session,
                settings,
                principal,
                site=site,
                inspection=inspection,
                item=item,
                severity=written.severity,
                source=source,
            )
    audit.record(
        db_session,
        action="ledger.inspection.create",
        object_type="ledger_inspection",
        object_id=inspection.id,
        principal=principal,
        jurisdiction_id=node.id,
    )
    return inspection, True


def inspection_json(
    inspection: Inspection, items: list[InspectionItem], sight: privacy.Sight
) -> dict[str, Any]:
    return {
        "id": inspection.id,
        "site_id": inspection.site_id,
        "task_id": inspection.task_id,
        "kind": inspection.kind,
        "at": inspection.at,
        "inspectors": [privacy.redact(n, sight, privacy.Field.name) for n in inspection.inspectors],
        "lat": inspection.lat,
        "lon": inspection.lon,
        "photos": len(inspection.photos),
        "signature": privacy.redact(inspection.signature, sight, privacy.Field.name),
        "note": privacy.redact(inspection.note, sight),
        "source": inspection.source,
        "items": [
            {
                "code": i.code,
                "result": i.result,
                "note": privacy.redact(i.note, sight),
                "corrected_on_spot": i.corrected_on_spot,
            }
            for i in items
        ],
    }


def site_inspections(
    db_session: Session, principal: Principal, site_id: int, *, limit: int = 100
) -> list[dict[str, Any]]:
    """A site's inspections, newest first."""
    principal.require("ledger", "read")
    _site, node = load_site(db_session, principal, site_id)
    sight = ledger_sight(principal, node.path)
    found = list(
        db_session.scalars(
            select(Inspection)
            .where(Inspection.site_id == site_id)
            .order_by(Inspection.at.desc(), Inspection.id.desc())
            .limit(limit)
        )
    )
    items: dict[int, list[InspectionItem]] = {i.id: [] for i in found}
    for item in db_session.scalars(
        select(InspectionItem)
        .where(InspectionItem.inspection_id.in_(list(items)))
        .order_by(InspectionItem.id)
    ):
        items[item.inspection_id].append(item)
    if sight.sees_any and found:
        audit.record(
            db_session,
            action="personal_data.read",
            object_type="ledger_site",
            object_id=site_id,
            principal=principal,
            jurisdiction_id=node.id,
        )
    return [inspection_json(i, items[i.id], sight) for i in found]


def attach_photo(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    inspection_id: int,
    data: bytes,
    extension: str,
) -> int:
    """Keep a checked photo (see the web layer's photo check) with the inspection; the count."""
    inspection = db_session.get(Inspection, inspection_id)
    if inspection is None:
        raise NotFound("no such inspection")
    load_site(db_session, principal, inspection.site_id, "write")
    if len(inspection.photos) >= MAX_PHOTOS:
        raise Conflict(f"an inspection keeps at most {MAX_PHOTOS} photos", field="photo")
    folder = settings.data_dir / "ledger-photos" / str(inspection.id)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{len(inspection.photos) + 1}.{extension}"
    Path(folder / name).write_bytes(data)
    inspection.photos = [*inspection.photos, name]
    db_session.flush()
    return len(inspection.photos)


# ------------------------------------------------------------------ tasks and what is due


def add_task(
    db_session: Session, settings: Settings, principal: Principal, body: TaskWrite
) -> InspectionTask:
    """A recurring patrol or check: one task; its interval defaults to the site's frequency."""
    site, node = load_site(db_session, principal, body.site_id, "write")
    if body.starts_at.tzinfo is None:
        raise InvalidInput("the time needs a UTC offset, e.g. +08:00", field="starts_at")
    if body.ends_at is not None and body.ends_at <= body.starts_at:
        raise InvalidInput("the task ends before it starts", field="ends_at")
    every = checklists.frequencies(settings, site.category, site.key_unit)
    interval_h = body.interval_h or (
        every.patrol_h if body.kind is InspectionKind.patrol else every.check_days * 24
    )
    task = InspectionTask(
        site_id=site.id,
        kind=body.kind,
        interval_h=interval_h,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        created_by_id=principal.user_id or None,
    )
    db_session.add(task)
    db_session.flush()
    audit.record(
        db_session,
        action="ledger.task.create",
        object_type="ledger_task",
        object_id=task.id,
        principal=principal,
        jurisdiction_id=node.id,
    )
    return task


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a recurring task: its window, and the inspection that did it."""

    starts_at: datetime
    due_by: datetime
    done_at: datetime | None

    def status(self, now: datetime) -> str:
        if self.done_at is not None:
            return "done"
        if self.due_by < now:
            return "overdue"
        return "due" if self.starts_at <= now else "upcoming"


def occurrences(
    task: InspectionTask, done: list[datetime], now: datetime, *, ahead: int = 1
) -> list[Occurrence]:
    """The task's occurrences up to ``ahead`` beyond now: each window of ``interval_h``
    from ``starts_at`` is done by an inspection inside it."""
    step = timedelta(hours=task.interval_h)
    end = task.ends_at or (now + step * ahead)
    times = sorted(done)
    out: list[Occurrence] = []
    start = task.starts_at
    while start < end and len(out) < MAX_OCCURRENCES * 10:
        stop = start + step
        hit = next((t for t in times if start <= t < stop), None)
        out.append(Occurrence(start, stop, hit))
        start = stop
    return out[-MAX_OCCURRENCES:]


def task_json(db_session: Session, principal: Principal, task_id: int) -> dict[str, Any]:
    """A recurring task with its occurrences (overdue ones stay overdue)."""
    task = db_session.get(InspectionTask, task_id)
    if task is None:
        raise NotFound("no such task")
    load_site(db_session, principal, task.site_id)
    done = list(db_session.scalars(select(Inspection.at).where(Inspection.task_id == task.id)))
    now = utcnow()
    found = occurrences(task, done, now)
    return {
        "id": task.id,
        "site_id": task.site_id,
        "kind": task.kind,
        "interval_h": task.interval_h,
        "starts_at": task.starts_at,
        "ends_at": task.ends_at,
        "overdue": sum(1 for o in found if o.status(now) == "overdue"),
        "occurrences": [
            {"starts_at": o.starts_at, "due_by": o.due_by, "done_at": o.done_at,
             "status": o.status(now)}
            for o in found
        ],
    }  # fmt: skip


def due_inspections(
    db_session: Session, settings: Settings, principal: Principal, today: date
) -> list[dict[str, Any]]:
    """Sites whose check (防火检查) is due by ``today``: never checked, or last checked
    longer ago than their category's interval; the longest overdue first."""
    rows = visible_sites(db_session, principal)
    last = dict(
        db_session.execute(
            select(Inspection.site_id, func.max(Inspection.at))
            .where(Inspection.kind != InspectionKind.patrol)
            .group_by(Inspection.site_id)
        ).all()
    )
    due = []
    for site, node in rows:
        every = checklists.frequencies(settings, site.category, site.key_unit)
        previous = last.get(site.id)
        due_on = (previous.date() + timedelta(days=every.check_days)) if previous else None
        if due_on is None or due_on <= today:
            due.append(
                {
                    "site_id": site.id,
                    "site_code": site.code,
                    "site_name": site.name,
                    "category": site.category,
                    "jurisdiction_code": node.code,
                    "last_checked_at": previous,
                    "due_on": due_on,
                    "days_late": (today - due_on).days if due_on else None,
                }
            )
    due.sort(key=lambda d: (d["due_on"] is not None, d["due_on"] or today, d["site_code"]))
    return due

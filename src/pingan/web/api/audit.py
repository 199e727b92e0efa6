from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Query

from pingan.audit import keys, service
from pingan.audit.anchors import read_anchors
from pingan.audit.models import AuditEvent
from pingan.audit.schemas import AuditEventRead, ChainRead
from pingan.bounds import Id
from pingan.web.deps import AuditReader, SessionDep, SettingsDep, audited_read

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=list[AuditEventRead])
@audited_read
def list_events(
    caller: AuditReader,
    db_session: SessionDep,
    limit: int = Query(100, ge=1, le=1000),
    before_seq: Id | None = Query(None),
    action: str | None = Query(None, max_length=64),
) -> list[AuditEvent]:
    service.record(db_session, action="audit.read", object_type="audit", principal=caller)
    return service.list_events(
        db_session, caller, limit=limit, before_seq=before_seq, action=action
    )


@router.get("/verify", response_model=ChainRead)
def verify(caller: AuditReader, db_session: SessionDep, settings: SettingsDep) -> ChainRead:
    """Check the chain with the server's key and against every anchor in its anchor file."""
    anchors = read_anchors(keys.anchor_file(settings))
    report = service.verify_chain(
        db_session, keys.load_key(settings), anchors, retired=keys.retired_keys(settings)
    )
    return ChainRead(**asdict(report))

from __future__ import annotations

from fastapi import APIRouter

from pingan.audit import service as audit
from pingan.jurisdictions import service
from pingan.jurisdictions.models import Jurisdiction
from pingan.jurisdictions.schemas import (
    JurisdictionCreate,
    JurisdictionRead,
    MutualAidRead,
    MutualAidUpdate,
)
from pingan.web.deps import JurisdictionReader, JurisdictionWriter, SessionDep

router = APIRouter(prefix="/api/v1/jurisdictions", tags=["jurisdictions"])


@router.get("", response_model=list[JurisdictionRead])
def list_jurisdictions(caller: JurisdictionReader, db_session: SessionDep) -> list[Jurisdiction]:
    paths = [g.jurisdiction_path for g, _ in caller.matching_grants("jurisdiction", "read")]
    return service.list_subtree(db_session, paths)


@router.get("/{code}", response_model=JurisdictionRead)
def get_jurisdiction(code: str, caller: JurisdictionReader, db_session: SessionDep) -> Jurisdiction:
    node = service.get_by_code(db_session, code)
    caller.check("jurisdiction", "read", node.path)
    return node


@router.post("", response_model=JurisdictionRead, status_code=201)
def create_jurisdiction(
    body: JurisdictionCreate, caller: JurisdictionWriter, db_session: SessionDep
) -> Jurisdiction:
    if body.parent_code:
        parent = service.get_by_code(db_session, body.parent_code)
        caller.check("jurisdiction", "write", parent.path)
    else:
        caller.check("jurisdiction", "write", "/")
    node = service.create(db_session, body)
    audit.record(
        db_session,
        action="jurisdiction.create",
        object_type="jurisdiction",
        object_id=node.id,
        principal=caller,
        jurisdiction_id=node.id,
    )
    return node


@router.get("/{code}/mutual-aid", response_model=MutualAidRead)
def get_mutual_aid(code: str, caller: JurisdictionReader, db_session: SessionDep) -> MutualAidRead:
    """The roles that may send units between the stations under this node."""
    node = service.get_by_code(db_session, code)
    caller.check("jurisdiction", "read", node.path)
    return MutualAidRead(code=node.code, roles=sorted(service.mutual_aid_roles(node)))


@router.put("/{code}/mutual-aid", response_model=MutualAidRead)
def set_mutual_aid(
    code: str,
    body: MutualAidUpdate,
    caller: JurisdictionWriter,
    db_session: SessionDep,
) -> MutualAidRead:
    """Grant mutual aid between the stations under this node to some roles (audited)."""
    node = service.get_by_code(db_session, code)
    caller.check("jurisdiction", "write", node.path)
    roles = None if body.roles is None else [r.value for r in body.roles]
    service.set_mutual_aid_roles(db_session, node, roles)
    audit.record(
        db_session,
        action="jurisdiction.mutual_aid",
        object_type="jurisdiction",
        object_id=node.id,
        principal=caller,
        jurisdiction_id=node.id,
    )
    return MutualAidRead(code=node.code, roles=sorted(service.mutual_aid_roles(node)))

"""Who may grant which role: separation of duties between administration and audit.

- No account holds both ``admin`` and ``auditor``, on any jurisdictions, whoever grants
  them (the API or the CLI): whoever administers accounts must not also be the one who
  reads and verifies the record of what administrators did.
- The ``auditor`` role is granted by an auditor whose area covers the jurisdiction, or
  on the server with the CLI (``pingan users add/grant … --role auditor``); an admin
  cannot grant it, to others or to itself.
- Every other role is granted by an admin whose area covers the jurisdiction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.auth.models import RoleGrant, User
from pingan.errors import Conflict, Forbidden, InvalidInput, NotFound
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.policy import Role
from pingan.principal import Principal

#: Roles no single account may hold together.
EXCLUSIVE = frozenset({Role.admin, Role.auditor})


def check_grants(
    held: Iterable[Role],
    new: Sequence[tuple[Role, Jurisdiction]],
    principal: Principal | None,
    *,
    field: str = "body.grants",
) -> None:
    """Refuse ``new`` grants on top of the ``held`` roles when they would join admin and
    auditor on one account (:class:`Conflict`), or when ``principal`` may not grant them
    (:class:`Forbidden` for the auditor role, :class:`NotFound` for a jurisdiction out
    of an admin's reach). ``principal`` None is the CLI on the server."""
    roles = set(held) | {role for role, _node in new}
    if roles >= EXCLUSIVE:
        raise Conflict(
            "separation of duties: one account cannot hold both admin and auditor",
            field=field,
        )
    if principal is None:
        return
    for role, node in new:
        if role is Role.auditor:
            if not principal.can("audit", "read", node.path):
                raise Forbidden(
                    f"only an auditor whose area covers {node.code} may grant the auditor "
                    "role (or `pingan users grant` on the server)",
                    field=field,
                )
        else:
            principal.require("user", "write")  # 403: not an admin anywhere
            principal.check("user", "write", node.path)  # 404: not in the admin's area


def node_for(db_session: Session, code: str, *, field: str) -> Jurisdiction:
    try:
        return jurisdictions.get_by_code(db_session, code)
    except NotFound:
        raise InvalidInput(f"jurisdiction {code!r} does not exist", field=field) from None


def grant_role(
    db_session: Session,
    user: User,
    role: Role,
    jurisdiction_code: str,
    *,
    principal: Principal | None = None,
) -> RoleGrant:
    """Grant ``role`` on ``jurisdiction_code``'s subtree to ``user`` (audited as
    ``user.grant``), under the rules of this module."""
    node = node_for(db_session, jurisdiction_code, field="body.jurisdiction_code")
    check_grants((g.role for g in user.grants), [(role, node)], principal, field="body.role")
    exists = db_session.scalar(
        select(RoleGrant.id).where(
            RoleGrant.user_id == user.id,
            RoleGrant.role == role,
            RoleGrant.jurisdiction_id == node.id,
        )
    )
    if exists is not None:
        raise Conflict(f"{user.username} already holds {role.value} on {node.code}")
    grant = RoleGrant(user_id=user.id, role=role, jurisdiction_id=node.id)
    db_session.add(grant)
    db_session.flush()
    db_session.refresh(user)
    audit.record(
        db_session,
        action="user.grant",
        object_type="user",
        object_id=f"{user.id}:{role.value}@{node.code}"[:64],
        principal=principal,
        actor="cli",
        jurisdiction_id=node.id,
    )
    return grant

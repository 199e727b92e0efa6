"""Where an analytics record (forecast, series, camera) belongs, and whose reach it is in."""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from pingan.errors import NotFound
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal


def jurisdiction_path(db_session: Session, jurisdiction_id: int) -> str:
    """The path of a record's jurisdiction, for :meth:`Principal.check`."""
    return jurisdictions.get(db_session, jurisdiction_id).path


def subtree(path: str) -> ColumnElement[bool]:
    """Jurisdictions at ``path`` or below it."""
    return Jurisdiction.path.startswith(path, autoescape=True)


def target_jurisdiction(
    db_session: Session,
    principal: Principal | None,
    resource: str,
    code: str | None,
    default: Jurisdiction,
) -> Jurisdiction:
    """The jurisdiction a new record belongs to: the one named, else ``default`` when the
    caller may write there, else the caller's deepest grant."""
    if code:
        node = jurisdictions.get_by_code(db_session, code)
        if principal is not None:
            principal.check(resource, "write", node.path)
        return node
    if principal is None or principal.can(resource, "write", default.path):
        return default
    grant = principal.deepest_grant(resource, "write")
    if grant is None:
        principal.require(resource, "write")
        raise NotFound(f"no such {resource}")  # pragma: no cover - require raised
    return jurisdictions.get(db_session, grant.jurisdiction_id)

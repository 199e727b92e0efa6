"""Who is calling, and the one check every read and write goes through.

It imports only the policy and the error family: every layer (audit included) takes a
:class:`Principal` without importing the ``auth`` package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select

from pingan.errors import Forbidden, NotFound
from pingan.policy import Role, Scope, find_rule


@dataclass(frozen=True)
class Grant:
    role: Role
    jurisdiction_id: int
    jurisdiction_path: str


@dataclass(frozen=True)
class Principal:
    """An authenticated caller with the roles they hold and where."""

    user_id: int
    username: str
    grants: tuple[Grant, ...]
    client_addr: str | None = None
    language: str | None = None
    token_id: int | None = field(default=None, compare=False)

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants)

    def matching_grants(self, resource: str, action: str) -> list[tuple[Grant, Scope]]:
        rule = find_rule(resource, action)
        if rule is None:
            return []
        return [(g, rule.scope) for g in self.grants if g.role in rule.roles]

    def deepest_grant(self, resource: str, action: str) -> Grant | None:
        """The grant for ``action`` on ``resource`` deepest in the tree (a station officer's
        station, not the bureau above it; the first of equally deep ones), or ``None``."""
        grants = self.matching_grants(resource, action)
        if not grants:
            return None
        return max(grants, key=lambda g: g[0].jurisdiction_path.count("/"))[0]

    def require(self, resource: str, action: str) -> None:
        """Deny unless some role of the caller may do ``action`` on ``resource`` somewhere."""
        if not self.matching_grants(resource, action):
            raise Forbidden(f"your roles do not allow {action} on {resource}")

    def can(
        self, resource: str, action: str, record_path: str, owner_id: int | None = None
    ) -> bool:
        for grant, scope in self.matching_grants(resource, action):
            if not record_path.startswith(grant.jurisdiction_path):
                continue
            if scope is Scope.own and owner_id != self.user_id:
                continue
            return True
        return False

    def check(
        self, resource: str, action: str, record_path: str, owner_id: int | None = None
    ) -> None:
        """Raise :class:`NotFound` (never 403) when the record is out of the caller's reach."""
        if not self.can(resource, action, record_path, owner_id):
            raise NotFound(f"no such {resource}")

    def role_for(self, resource: str, action: str, record_path: str) -> Role | None:
        for grant, _scope in self.matching_grants(resource, action):
            if record_path.startswith(grant.jurisdiction_path):
                return grant.role
        return None

    def primary_role(self) -> str:
        return self.grants[0].role.value if self.grants else "none"

    def visible_clause(
        self,
        resource: str,
        action: str,
        path_column: Any,
        owner_column: Any | None = None,
    ) -> ColumnElement[bool]:
        """A WHERE clause that keeps only rows whose jurisdiction path the caller may reach."""
        clauses: list[ColumnElement[bool]] = []
        for grant, scope in self.matching_grants(resource, action):
            in_tree = path_column.startswith(grant.jurisdiction_path, autoescape=True)
            if scope is Scope.own:
                if owner_column is None:
                    continue
                clauses.append(and_(in_tree, owner_column == self.user_id))
            else:
                clauses.append(in_tree)
        return or_(*clauses) if clauses else false()


__all__ = ["Grant", "Principal", "select"]

"""Accounts, logins with lock-out, tokens and sessions.

Passwords are hashed with argon2id. After ``login_max_failures`` bad passwords in a
row the account is locked for ``login_lock_minutes``; every login, good or bad, is
audited. Tokens are random 256-bit strings of which only the SHA-256 is stored;
logout revokes one, a password change revokes all of a user's tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.auth.models import AccessToken, Role, RoleGrant, TokenKind, User
from pingan.auth.principal import Grant, Principal
from pingan.auth.schemas import UserCreate
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import InvalidInput, Locked, NotFound, Unauthenticated
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory profile


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def create_user(
    db_session: Session, data: UserCreate, *, principal: Principal | None = None
) -> User:
    if db_session.scalar(select(User.id).where(User.username == data.username)):
        raise InvalidInput(f"username {data.username!r} is taken", field="body.username")
    user = User(
        username=data.username,
        display_name=data.display_name,
        phone=data.phone,
        password_hash=hash_password(data.password),
    )
    db_session.add(user)
    db_session.flush()
    for index, grant in enumerate(data.grants):
        try:
            node = jurisdictions.get_by_code(db_session, grant.jurisdiction_code)
        except NotFound:
            raise InvalidInput(
                f"jurisdiction {grant.jurisdiction_code!r} does not exist",
                field=f"body.grants.{index}.jurisdiction_code",
            ) from None
        db_session.add(RoleGrant(user_id=user.id, role=grant.role, jurisdiction_id=node.id))
    db_session.flush()
    db_session.refresh(user)
    audit.record(
        db_session,
        action="user.create",
        object_type="user",
        object_id=user.id,
        principal=principal,
        actor="cli",
    )
    return user


def grant_role(db_session: Session, user: User, role: Role, jurisdiction_code: str) -> None:
    node = jurisdictions.get_by_code(db_session, jurisdiction_code)
    db_session.add(RoleGrant(user_id=user.id, role=role, jurisdiction_id=node.id))
    db_session.flush()


def principal_for(
    db_session: Session, user: User, *, client_addr: str | None = None, token_id: int | None = None
) -> Principal:
    return _principal(
        db_session,
        user.id,
        user.username,
        user.language,
        client_addr=client_addr,
        token_id=token_id,
    )


# statements built once: building one costs more than running it, on every request
_GRANTS = (
    select(RoleGrant.role, Jurisdiction.id, Jurisdiction.path)
    .join(Jurisdiction, Jurisdiction.id == RoleGrant.jurisdiction_id)
    .where(RoleGrant.user_id == bindparam("user_id"))
    .order_by(RoleGrant.id)
)
_TOKEN = (
    select(
        AccessToken.id,
        AccessToken.kind,
        AccessToken.csrf_token,
        AccessToken.expires_at,
        AccessToken.revoked_at,
        User.id.label("user_id"),
        User.username,
        User.language,
        User.is_active,
    )
    .join(User, User.id == AccessToken.user_id)
    .where(AccessToken.token_hash == bindparam("token_hash"))
)


def _principal(
    db_session: Session,
    user_id: int,
    username: str,
    language: str,
    *,
    client_addr: str | None,
    token_id: int | None,
) -> Principal:
    rows = db_session.connection().execute(_GRANTS, {"user_id": user_id}).all()
    return Principal(
        user_id=user_id,
        username=username,
        grants=tuple(Grant(role, jid, path) for role, jid, path in rows),
        client_addr=client_addr,
        language=language,
        token_id=token_id,
    )


def login(
    db_session: Session,
    settings: Settings,
    username: str,
    password: str,
    *,
    kind: TokenKind = TokenKind.api,
    client_addr: str | None = None,
) -> tuple[str, AccessToken, User]:
    """Check a password and issue a token; count failures and lock after too many.

    The caller must commit even when this raises, so that the failure count and the
    audit row are kept: the exception is raised after both are flushed.
    """
    now = utcnow()
    user = db_session.scalar(select(User).where(User.username == username).with_for_update())
    if user is None or not user.is_active:
        audit.record(
            db_session,
            action="auth.login",
            object_type="user",
            object_id=username[:64],
            outcome="unknown_user",
            actor=username[:64],
            client_addr=client_addr,
        )
        raise Unauthenticated("wrong username or password")
    if user.locked_until is not None and user.locked_until > now:
        audit.record(
            db_session,
            action="auth.login",
            object_type="user",
            object_id=user.id,
            outcome="locked",
            actor=user.username,
            client_addr=client_addr,
        )
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise Locked(f"account locked after too many failed logins; try again in {minutes} min")
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        outcome = "bad_password"
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
            user.failed_logins = 0
            outcome = "bad_password_locked"
        audit.record(
            db_session,
            action="auth.login",
            object_type="user",
            object_id=user.id,
            outcome=outcome,
            actor=user.username,
            client_addr=client_addr,
        )
        db_session.flush()
        raise Unauthenticated("wrong username or password")
    user.failed_logins = 0
    user.locked_until = None
    token = secrets.token_urlsafe(32)
    row = AccessToken(
        user_id=user.id,
        token_hash=_token_hash(token),
        kind=kind,
        csrf_token=secrets.token_urlsafe(24) if kind is TokenKind.session else None,
        expires_at=now + timedelta(hours=settings.token_ttl_hours),
    )
    db_session.add(row)
    audit.record(
        db_session,
        action="auth.login",
        object_type="user",
        object_id=user.id,
        outcome="ok",
        actor=user.username,
        client_addr=client_addr,
    )
    db_session.flush()
    return token, row, user


@dataclass(frozen=True)
class TokenRow:
    """The fields of an access token that a request needs after authentication."""

    id: int
    kind: TokenKind
    csrf_token: str | None


def authenticate(
    db_session: Session, token: str, *, client_addr: str | None = None
) -> tuple[Principal, TokenRow]:
    """The caller behind a token; every request runs it, so it reads plain columns (no
    ORM entities) in two queries: the token with its user, then the user's grants."""
    row = db_session.connection().execute(_TOKEN, {"token_hash": _token_hash(token)}).first()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        raise Unauthenticated("token is invalid, expired or revoked")
    if not row.is_active:
        raise Unauthenticated("token is invalid, expired or revoked")
    principal = _principal(
        db_session,
        row.user_id,
        row.username,
        row.language,
        client_addr=client_addr,
        token_id=row.id,
    )
    return principal, TokenRow(row.id, row.kind, row.csrf_token)


def logout(db_session: Session, principal: Principal) -> None:
    if principal.token_id is not None:
        db_session.execute(
            update(AccessToken)
            .where(AccessToken.id == principal.token_id)
            .values(revoked_at=utcnow())
        )
    audit.record(
        db_session,
        action="auth.logout",
        object_type="user",
        object_id=principal.user_id,
        principal=principal,
    )


def change_password(
    db_session: Session, principal: Principal, old_password: str, new_password: str
) -> None:
    user = db_session.get(User, principal.user_id)
    if user is None:
        raise NotFound("no such user")
    if not verify_password(user.password_hash, old_password):
        audit.record(
            db_session,
            action="auth.password_change",
            object_type="user",
            object_id=user.id,
            outcome="bad_password",
            principal=principal,
        )
        raise InvalidInput("the current password is wrong", field="body.old_password")
    user.password_hash = hash_password(new_password)
    db_session.execute(
        update(AccessToken)
        .where(AccessToken.user_id == user.id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    audit.record(
        db_session,
        action="auth.password_change",
        object_type="user",
        object_id=user.id,
        principal=principal,
    )
    db_session.flush()


def set_language(db_session: Session, principal: Principal, language: str) -> None:
    if language not in ("zh-CN", "en"):
        raise InvalidInput("language must be zh-CN or en", field="language")
    user = db_session.get(User, principal.user_id)
    if user is not None:
        user.language = language
        db_session.flush()


def get_user(db_session: Session, username: str) -> User:
    user = db_session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def list_users(db_session: Session, principal: Principal) -> list[User]:
    """Accounts holding at least one role inside the caller's ("user", "read") subtrees."""
    principal.require("user", "read")
    holders = (
        select(RoleGrant.user_id)
        .join(Jurisdiction, Jurisdiction.id == RoleGrant.jurisdiction_id)
        .where(principal.visible_clause("user", "read", Jurisdiction.path))
    )
    return list(db_session.scalars(select(User).where(User.id.in_(holders)).order_by(User.id)))

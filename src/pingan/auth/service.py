"""Accounts, logins, tokens and sessions.

Passwords are hashed with argon2id. Failed logins are throttled per (username, client
address) by the web layer (:class:`LoginThrottle`), never by an account-wide lock that
anyone could trigger; every login, good or bad, is audited. Tokens are random 256-bit
strings of which only the SHA-256 is stored; logout revokes one, a password change revokes
all of a user's tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.auth import grants
from pingan.auth.models import AccessToken, RoleGrant, TokenKind, User
from pingan.auth.schemas import UserCreate
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import InvalidInput, NotFound, Unauthenticated
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Grant, Principal

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
    """Create an account with ``data.grants``, as ``principal`` (None: the CLI on the
    server) may grant them (:func:`pingan.auth.grants.check_grants`)."""
    nodes = [
        grants.node_for(
            db_session, grant.jurisdiction_code, field=f"body.grants.{index}.jurisdiction_code"
        )
        for index, grant in enumerate(data.grants)
    ]
    requested = [(grant.role, node) for grant, node in zip(data.grants, nodes, strict=True)]
    grants.check_grants((), requested, principal)
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
    for role, node in requested:
        db_session.add(RoleGrant(user_id=user.id, role=role, jurisdiction_id=node.id))
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
    language: str | None,
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


@dataclass(frozen=True)
class LoginThrottle:
    """Where this (username, client address) pair stands against the failed-login limit,
    read by the web layer before :func:`login` (the counters live outside the session).

    ``throttled``: the pair used up its failures; ``failures_left``: failures the pair may
    still make before it is throttled (the failure that reaches 0 throttles it)."""

    throttled: bool = False
    failures_left: int = 2**31


@cache
def _dummy_hash() -> str:
    """A hash to verify unknown usernames against, so that they cost what real ones do."""
    return _hasher.hash(secrets.token_urlsafe(16))


WRONG_CREDENTIALS = "wrong username or password"


def login(
    db_session: Session,
    settings: Settings,
    username: str,
    password: str,
    *,
    kind: TokenKind = TokenKind.api,
    client_addr: str | None = None,
    throttle: LoginThrottle = LoginThrottle(),
) -> tuple[str, AccessToken, User]:
    """Check a password and issue a token.

    Every failure raises the same :class:`Unauthenticated` ("wrong username or password"),
    whether the user is unknown or inactive, the password wrong, or the pair (username,
    client address) throttled after too many failures; each path verifies one argon2 hash
    (a dummy one for unknown users), so that none answers faster than another. There is no
    account-wide lock: a throttled pair does not stop the user logging in from elsewhere.
    The throttling of a pair is audited (``auth.login_throttled``) for the auditor.

    The caller must commit even when this raises, so that the audit rows are kept: the
    exception is raised after they are flushed.
    """
    now = utcnow()
    dummy = _dummy_hash()  # made on the first login of any kind, not of an unknown user
    found = db_session.scalar(select(User).where(User.username == username))
    user = found if found is not None and found.is_active else None
    known = user is not None
    password_ok = verify_password(user.password_hash if user is not None else dummy, password)
    actor = user.username if user is not None else username[:64]
    object_id: object = user.id if user is not None else username[:64]
    if throttle.throttled or not known or not password_ok:
        if throttle.throttled:
            outcome = "throttled"
        elif not known:
            outcome = "unknown_user"
        else:
            outcome = "bad_password"
        audit.record(
            db_session,
            action="auth.login",
            object_type="user",
            object_id=object_id,
            outcome=outcome,
            actor=actor,
            client_addr=client_addr,
        )
        if not throttle.throttled and throttle.failures_left <= 1:
            audit.record(
                db_session,
                action="auth.login_throttled",
                object_type="user",
                object_id=object_id,
                outcome="throttled",
                actor=actor,
                client_addr=client_addr,
            )
        db_session.flush()
        raise Unauthenticated(WRONG_CREDENTIALS)
    assert user is not None  # known
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

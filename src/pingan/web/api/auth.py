from __future__ import annotations

from fastapi import APIRouter, Path, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from pingan.auth import grants, service
from pingan.auth.models import TokenKind, User
from pingan.auth.schemas import (
    GrantRead,
    LoginRequest,
    PasswordChange,
    TokenRead,
    UserCreate,
    UserRead,
)
from pingan.errors import PinganError
from pingan.web.deps import (
    PrincipalDep,
    SessionDep,
    SettingsDep,
    UserReader,
    UserWriter,
    client_addr,
)
from pingan.web.ratelimit import (
    limit_login_attempt,
    limiter_of,
    login_throttle,
    record_login,
)

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
users_router = APIRouter(prefix="/api/v1/users", tags=["users"])


def _read(user: User, session: Session) -> UserRead:
    from pingan.jurisdictions.models import Jurisdiction

    grants = [
        GrantRead(
            role=g.role, jurisdiction_code=session.get_one(Jurisdiction, g.jurisdiction_id).code
        )
        for g in user.grants
    ]
    return UserRead(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        grants=grants,
        language=user.language,
    )


@router.post("/token", response_model=TokenRead)
def issue_token(
    request: Request, body: LoginRequest, db_session: SessionDep, settings: SettingsDep
) -> TokenRead:
    """Exchange a username and password for a bearer token.

    Every failure answers the same 401; too many attempts from one address answer 429
    (see :mod:`pingan.web.ratelimit`)."""
    limiter = limiter_of(request)
    address = client_addr(request)
    # the counters are written before the session starts and after it commits
    limit_login_attempt(limiter, settings.token_rate_limit, "token-addr", address)
    throttle = login_throttle(limiter, settings, body.username, address)
    try:
        token, row, _user = service.login(
            db_session,
            settings,
            body.username,
            body.password,
            kind=TokenKind.api,
            client_addr=address,
            throttle=throttle,
        )
    except PinganError:
        db_session.commit()  # keep the audit rows
        record_login(limiter, settings, body.username, address, ok=False)
        raise
    db_session.commit()
    record_login(limiter, settings, body.username, address, ok=True)
    return TokenRead(access_token=token, expires_at=row.expires_at)


@router.post("/logout", status_code=204)
def logout(principal: PrincipalDep, db_session: SessionDep) -> Response:
    service.logout(db_session, principal)
    return Response(status_code=204)


@router.post("/password", status_code=204)
def change_password(
    body: PasswordChange, principal: PrincipalDep, db_session: SessionDep
) -> Response:
    try:
        service.change_password(db_session, principal, body.old_password, body.new_password)
    except PinganError:
        db_session.commit()
        raise
    return Response(status_code=204)


@router.get("/me", response_model=UserRead)
def me(principal: PrincipalDep, db_session: SessionDep) -> UserRead:
    return _read(service.get_user(db_session, principal.username), db_session)


@users_router.get("", response_model=list[UserRead])
def list_users(caller: UserReader, db_session: SessionDep) -> list[UserRead]:
    return [_read(u, db_session) for u in service.list_users(db_session, caller)]


@users_router.post("", response_model=UserRead, status_code=201)
def create_user(body: UserCreate, caller: UserWriter, db_session: SessionDep) -> UserRead:
    """Create an account; its grants follow :mod:`pingan.auth.grants` (an admin grants
    roles in its area, never the auditor role, never admin and auditor together)."""
    return _read(service.create_user(db_session, body, principal=caller), db_session)


@users_router.post("/{username}/grants", response_model=UserRead, status_code=201)
def grant_role(
    body: GrantRead,
    caller: PrincipalDep,
    db_session: SessionDep,
    username: str = Path(max_length=64),
) -> UserRead:
    """Grant a role to an existing account: the auditor role by an auditor whose area
    covers the jurisdiction, other roles by an admin; never admin and auditor together."""
    user = service.get_user(db_session, username)
    grants.grant_role(db_session, user, body.role, body.jurisdiction_code, principal=caller)
    return _read(user, db_session)

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from pingan.auth import service
from pingan.auth.models import TokenKind
from pingan.auth.schemas import (
    GrantRead,
    LoginRequest,
    PasswordChange,
    TokenRead,
    UserCreate,
    UserRead,
)
from pingan.errors import PinganError
from pingan.web.deps import PrincipalDep, SessionDep, SettingsDep, authorized

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
users_router = APIRouter(prefix="/api/v1/users", tags=["users"])


def _read(user, session) -> UserRead:  # type: ignore[no-untyped-def]
    from pingan.jurisdictions.models import Jurisdiction

    grants = [
        GrantRead(role=g.role, jurisdiction_code=session.get(Jurisdiction, g.jurisdiction_id).code)
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
def issue_token(body: LoginRequest, db_session: SessionDep, settings: SettingsDep) -> TokenRead:
    """Exchange a username and password for a bearer token."""
    try:
        token, row, _user = service.login(
            db_session, settings, body.username, body.password, kind=TokenKind.api
        )
    except PinganError:
        db_session.commit()  # keep the failure count and the audit row
        raise
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
def list_users(caller: authorized("user", "read"), db_session: SessionDep) -> list[UserRead]:
    return [_read(u, db_session) for u in service.list_users(db_session, caller)]


@users_router.post("", response_model=UserRead, status_code=201)
def create_user(
    body: UserCreate, caller: authorized("user", "write"), db_session: SessionDep
) -> UserRead:
    for grant in body.grants:
        from pingan.jurisdictions import service as jurisdictions

        node = jurisdictions.get_by_code(db_session, grant.jurisdiction_code)
        caller.check("user", "write", node.path)
    return _read(service.create_user(db_session, body, principal=caller), db_session)

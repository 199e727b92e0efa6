"""Server-rendered pages (Jinja2). The login page sets a secure cookie session."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from pingan.auth import service as auth
from pingan.auth.models import TokenKind
from pingan.errors import PinganError
from pingan.web.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    OptionalPrincipalDep,
    SessionDep,
    SettingsDep,
    client_addr,
)

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index(principal: OptionalPrincipalDep) -> RedirectResponse:
    return RedirectResponse("/login" if principal is None else "/home", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "login.html", {"error": None})


@router.post("/login", response_class=HTMLResponse, response_model=None)
def login_submit(
    request: Request,
    db_session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
) -> HTMLResponse | RedirectResponse:
    try:
        token, row, _user = auth.login(
            db_session,
            settings,
            username,
            password,
            kind=TokenKind.session,
            client_addr=client_addr(request),
        )
    except PinganError as exc:
        db_session.commit()
        return TEMPLATES.TemplateResponse(
            request,
            "login.html",
            {"error": exc.message, "username": username},
            status_code=exc.status,
        )
    response = RedirectResponse("/home", status_code=303)
    max_age = settings.token_ttl_hours * 3600
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
    )
    response.set_cookie(
        CSRF_COOKIE,
        row.csrf_token or "",
        max_age=max_age,
        httponly=False,
        secure=settings.secure_cookies,
        samesite="strict",
    )
    return response


@router.get("/home", response_class=HTMLResponse, response_model=None)
def home(request: Request, principal: OptionalPrincipalDep) -> HTMLResponse | RedirectResponse:
    if principal is None:
        return RedirectResponse("/login", status_code=303)
    return TEMPLATES.TemplateResponse(request, "home.html", {"principal": principal})


@router.post("/logout", response_model=None)
def logout_submit(db_session: SessionDep, principal: OptionalPrincipalDep) -> RedirectResponse:
    if principal is not None:
        auth.logout(db_session, principal)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response

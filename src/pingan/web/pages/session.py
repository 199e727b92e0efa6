"""Log in and out, the landing page, and the language switch."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from pingan.auth import service as auth
from pingan.auth.models import TokenKind
from pingan.config import Settings
from pingan.errors import PinganError, RateLimited
from pingan.policy import Role
from pingan.principal import Principal
from pingan.web import i18n
from pingan.web.deps import CSRF_COOKIE, SESSION_COOKIE, client_addr
from pingan.web.pages.common import (
    PagePrincipalDep,
    SessionDep,
    SettingsDep,
    can,
    language_of,
    may_see_analysis,
    may_see_antifraud,
    may_see_board,
    may_see_dashboard,
    may_see_ledgers,
    render,
)
from pingan.web.ratelimit import (
    limit_login_attempt,
    limiter_of,
    login_throttle,
    record_login,
)

router = APIRouter(include_in_schema=False)

ONE_YEAR_S = 365 * 24 * 3600

#: The login form's own CSRF token (login CSRF): set by the login page in this HttpOnly,
#: SameSite=Strict cookie and echoed in the form's ``csrf_token`` field. A login posted from
#: another site carries neither, so nobody can log a victim into the attacker's account.
LOGIN_CSRF_COOKIE = "pingan_login_csrf"
LOGIN_CSRF_TTL_S = 2 * 3600


def safe_next(target: str | None, default: str = "/home") -> str:
    """Only same-site paths: ``/board`` yes, ``//evil.example`` or ``https://…`` no."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def landing_for(principal: Principal | None) -> str:
    """The page a role starts on."""
    if principal is None:
        return "/login"
    roles = principal.roles
    if Role.dispatcher in roles or Role.officer in roles:
        return "/board" if may_see_board(principal) else "/home"
    if Role.station_chief in roles and may_see_dashboard(principal):
        return "/dashboard"
    if Role.analyst in roles and may_see_analysis(principal):
        return "/analysis"
    if Role.antifraud_officer in roles and may_see_antifraud(principal):
        return "/antifraud"
    if Role.fire_officer in roles and may_see_ledgers(principal):
        return "/fire"
    if Role.volunteer in roles and can(principal, "volunteer", "self"):
        return "/volunteer"
    if roles <= {Role.citizen, Role.volunteer}:
        return "/report"
    return "/home"


@router.get("/", response_class=HTMLResponse)
def index(principal: PagePrincipalDep) -> RedirectResponse:
    return RedirectResponse("/login" if principal is None else landing_for(principal), 303)


def _login_form(
    request: Request,
    settings: Settings,
    *,
    principal: Principal | None,
    error: str | None,
    username: str,
    next_url: str,
    status_code: int = 200,
) -> HTMLResponse:
    """The login form with a fresh login-CSRF token, in the page and in its cookie."""
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        {"error": error, "username": username, "next": next_url, "login_csrf": token},
        principal=principal,
        settings=settings,
        status_code=status_code,
        page="login",
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=LOGIN_CSRF_TTL_S,
        path="/login",
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
    )
    return response


def login_csrf_ok(request: Request, sent: str) -> bool:
    """Whether the login form's token matches the cookie the login page set."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return bool(sent) and bool(expected) and hmac.compare_digest(sent, expected)


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request,
    settings: SettingsDep,
    principal: PagePrincipalDep,
    next_url: Annotated[str | None, Query(alias="next", max_length=200)] = None,
) -> HTMLResponse:
    return _login_form(
        request,
        settings,
        principal=principal,
        error=None,
        username="",
        next_url=safe_next(next_url, ""),
    )


def _login_error(exc: PinganError) -> str:
    _ = i18n.gettext_
    if isinstance(exc, RateLimited):  # per address, whatever the account: tells nothing
        return _("Too many login attempts from your address. Try again in a few minutes.")
    return _("Wrong username or password.")


@router.post("/login", response_class=HTMLResponse, response_model=None)
def login_submit(
    request: Request,
    db_session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    next_url: Annotated[str, Form(alias="next", max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse | RedirectResponse:
    i18n.set_current(language_of(request, None, settings))
    if not login_csrf_ok(request, csrf_token):
        # refused before the password is looked at: no failure is counted, nothing is logged in
        return _login_form(
            request,
            settings,
            principal=None,
            error=i18n.gettext_("The login form expired or came from another site. Log in again."),
            username=username,
            next_url=safe_next(next_url, ""),
            status_code=403,
        )
    limiter = limiter_of(request)
    address = client_addr(request)
    try:
        # the counters are written before the session starts and after it commits
        limit_login_attempt(limiter, settings.login_rate_limit, "login-addr", address)
        throttle = login_throttle(limiter, settings, username, address)
        try:
            token, row, user = auth.login(
                db_session,
                settings,
                username,
                password,
                kind=TokenKind.session,
                client_addr=address,
                throttle=throttle,
            )
        except PinganError:
            db_session.commit()  # keep the audit rows
            record_login(limiter, settings, username, address, ok=False)
            raise
    except PinganError as exc:
        language = language_of(request, None, settings)
        i18n.set_current(language)
        response: HTMLResponse | RedirectResponse = _login_form(
            request,
            settings,
            principal=None,
            error=_login_error(exc),
            username=username,
            next_url=safe_next(next_url, ""),
            status_code=exc.status,
        )
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    db_session.commit()
    record_login(limiter, settings, username, address, ok=True)
    principal = auth.principal_for(db_session, user)
    cookie_language = i18n.normalise(request.cookies.get(i18n.LANG_COOKIE))
    if user.language is None and cookie_language is not None:
        # a choice made before logging in carries over to the account
        auth.set_language(db_session, principal, cookie_language)
    response = RedirectResponse(safe_next(next_url, landing_for(principal)), status_code=303)
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
        httponly=True,  # scripts read the token from the page's <meta name="csrf-token">
        secure=settings.secure_cookies,
        samesite="strict",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.get("/home", response_class=HTMLResponse, response_model=None)
def home(
    request: Request, principal: PagePrincipalDep, settings: SettingsDep
) -> HTMLResponse | RedirectResponse:
    if principal is None:
        return RedirectResponse("/login?next=/home", status_code=303)
    return render(request, "home.html", {}, principal=principal, settings=settings, page="home")


@router.post("/logout", response_model=None)
def logout_submit(db_session: SessionDep, principal: PagePrincipalDep) -> RedirectResponse:
    if principal is not None:
        auth.logout(db_session, principal)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


@router.post("/language", response_model=None)
def switch_language(
    request: Request,
    db_session: SessionDep,
    settings: SettingsDep,
    principal: PagePrincipalDep,
    language: Annotated[str, Form(max_length=8)],
    next_url: Annotated[str, Form(alias="next", max_length=200)] = "/",
) -> RedirectResponse:
    """Remember the language: on the account when logged in, in a cookie always."""
    chosen = i18n.normalise(language) or settings.default_language
    if principal is not None:
        auth.set_language(db_session, principal, chosen)
    response = RedirectResponse(safe_next(next_url, "/"), status_code=303)
    response.set_cookie(
        i18n.LANG_COOKIE,
        chosen,
        max_age=ONE_YEAR_S,
        httponly=False,
        secure=settings.secure_cookies,
        samesite="lax",
    )
    return response


@router.get("/i18n/{language}.json")
def js_catalogue(language: str) -> JSONResponse:
    """The messages the page scripts use, translated into ``language``."""
    chosen = i18n.normalise(language) or "zh-CN"
    body = {"language": chosen, "messages": i18n.catalogue(chosen).js_messages}
    return JSONResponse(body, headers={"Cache-Control": "public, max-age=300"})

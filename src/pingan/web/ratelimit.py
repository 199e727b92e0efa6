"""The rate limits of :mod:`pingan.ratelimit` applied to requests.

Which limit guards what (all set in :class:`~pingan.config.Settings`, ``limits`` notation):

===============================  =====================================  ====================
what                             counted per                            setting
===============================  =====================================  ====================
login page and token endpoint    client address (every attempt)         ``login_rate_limit``,
                                                                        ``token_rate_limit``
failed logins                    (username, client address)             ``login_failure_limit``
report form (``POST /report``)   client address; form token             ``report_rate_limit``,
                                                                        ``report_form_token_rate_limit``
photos sent with reports         client address                         ``photo_rate_limit``
Open311 ``POST requests.json``   API key                                ``open311_rate_limit``
group connector callbacks        connected group (after the signature   ``connector_rate_limit``
                                 check: a forger spends nothing)
===============================  =====================================  ====================

A used-up limit answers 429 with ``Retry-After`` (:class:`~pingan.errors.RateLimited`),
except failed logins: a throttled (username, address) pair gets the same 401 as a wrong
password, so that the answer tells nothing about the account (see
:func:`pingan.auth.service.login`). The per-address login limit is not account-specific
and answers 429.

On SQLite a counter write is a transaction of its own, so these run before the request's
session starts writing or after it committed (see :mod:`pingan.ratelimit`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from pingan.auth.service import LoginThrottle
from pingan.config import Settings
from pingan.errors import RateLimited
from pingan.ratelimit import RateLimiter
from pingan.web.deps import client_addr

LOGIN_FAILURES = "login-failures"


def limiter_of(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.limiter
    return limiter


# ------------------------------------------------------------------ logins


def limit_login_attempt(limiter: RateLimiter, notation: str, scope: str, address: str) -> None:
    """Count one login attempt from ``address``; raises :class:`RateLimited` past the limit."""
    limiter.hit(
        notation,
        scope,
        address,
        reason="too many login attempts from this address; try again later",
    )


def login_throttle(
    limiter: RateLimiter, settings: Settings, username: str, address: str
) -> LoginThrottle:
    """Where the (username, address) pair stands against ``login_failure_limit``."""
    window = limiter.window(settings.login_failure_limit, LOGIN_FAILURES, username, address)
    return LoginThrottle(throttled=window.exhausted, failures_left=window.remaining)


def record_login(
    limiter: RateLimiter, settings: Settings, username: str, address: str, *, ok: bool
) -> None:
    """After the login's transaction committed: a success clears the pair's failures, a
    failure (throttled attempts included, which lengthens the back-off) counts one."""
    if ok:
        limiter.clear(settings.login_failure_limit, LOGIN_FAILURES, username, address)
    else:
        limiter.count(settings.login_failure_limit, LOGIN_FAILURES, username, address)


# ------------------------------------------------------------------ the report form


def single_use(settings: Settings) -> str:
    """The limit that spends a form token: once in its lifetime."""
    return f"1/{settings.report_form_token_ttl_s}seconds"


def spend_form_token(limiter: RateLimiter, settings: Settings, token: str) -> bool:
    """Spend an anonymous report form's token; False when it was spent already."""
    try:
        limiter.hit(single_use(settings), "report-form-spent", token, reason="form token spent")
    except RateLimited:
        return False
    return True


def unspend_form_token(limiter: RateLimiter, settings: Settings, token: str) -> None:
    """Give a token back when its report could not be filed (the citizen corrects it)."""
    limiter.clear(single_use(settings), "report-form-spent", token)


def _limit_report(
    limiter: RateLimiter, settings: Settings, address: str, token: str, has_photo: bool
) -> None:
    limiter.hit(
        settings.report_rate_limit,
        "report-addr",
        address,
        reason="too many reports from this address; try again later",
    )
    if token:
        limiter.hit(
            settings.report_form_token_rate_limit,
            "report-form-token",
            token,
            reason="this form was sent too often; reload the page and try again later",
        )
    if has_photo:
        limiter.hit(
            settings.photo_rate_limit,
            "photo-addr",
            address,
            reason="too many photos from this address; try again later",
        )


async def report_form_limit(request: Request) -> RateLimited | None:
    """Count a report form submission per address, per form token and (with a photo) per
    address for photos. Returns the refusal instead of raising it, so that the page can
    answer in its own format; it runs before the page's session does any work."""
    form = await request.form()
    token = form.get("form_token")
    photo = form.get("photo")
    has_photo = isinstance(photo, UploadFile) and bool(photo.filename)
    try:
        await run_in_threadpool(
            _limit_report,
            limiter_of(request),
            request.app.state.settings,
            client_addr(request),
            token if isinstance(token, str) else "",
            has_photo,
        )
    except RateLimited as refused:
        return refused
    return None


ReportFormLimitDep = Annotated[RateLimited | None, Depends(report_form_limit)]

"""The anti-fraud officer's desk: the warning queue with timers and one-click outcomes,
a screening box and this week's figures.

The page is a shell; ``static/js/antifraud.js`` fills it from the anti-fraud API
(:mod:`pingan.web.api.antifraud`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pingan.web.pages.common import (
    PagePrincipalDep,
    SettingsDep,
    can,
    login_redirect,
    may_see_antifraud,
    render,
)

router = APIRouter(include_in_schema=False)


@router.get("/antifraud", response_class=HTMLResponse, response_model=None)
def antifraud(
    request: Request, settings: SettingsDep, principal: PagePrincipalDep
) -> HTMLResponse | RedirectResponse:
    if principal is None:
        return login_redirect(request)
    if not may_see_antifraud(principal):
        return render(
            request,
            "forbidden.html",
            {},
            principal=principal,
            settings=settings,
            status_code=403,
            page="antifraud",
        )
    context = {
        "can_write": can(principal, "warning", "write"),
        "can_outreach": can(principal, "outreach", "write"),
    }
    return render(
        request, "antifraud.html", context, principal=principal, settings=settings, page="antifraud"
    )

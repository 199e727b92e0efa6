"""The fire officer's pages (消防台账): the home (due inspections, overdue and major
hazards, expiring certificates, flagged control rooms, this month's round), a site page
(history, hazards, duty records, drills), the phone inspection form, and the round's
print view with its map.

The pages are shells; ``static/js/ledgers_*.js`` fill them from the ledgers API
(:mod:`pingan.web.api.ledgers`), building the DOM from text nodes only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pingan.bounds import INT32_MAX
from pingan.principal import Principal
from pingan.web.pages.common import (
    PagePrincipalDep,
    SessionDep,
    SettingsDep,
    can,
    city_choice,
    login_redirect,
    may_see_ledgers,
    render,
)

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    settings: SettingsDep,
    principal: Principal | None,
    template: str,
    context: dict[str, object],
) -> HTMLResponse | RedirectResponse:
    if principal is None:
        return login_redirect(request)
    if not may_see_ledgers(principal):
        return render(
            request,
            "forbidden.html",
            {},
            principal=principal,
            settings=settings,
            status_code=403,
            page="fire",
        )
    context = {"can_write": can(principal, "ledger", "write"), **context}
    return render(request, template, context, principal=principal, settings=settings, page="fire")


@router.get("/fire", response_class=HTMLResponse, response_model=None)
def fire_home(
    request: Request, settings: SettingsDep, principal: PagePrincipalDep
) -> HTMLResponse | RedirectResponse:
    month = datetime.now(ZoneInfo(settings.time_zone)).strftime("%Y-%m")
    username = principal.username if principal else ""
    return _page(
        request, settings, principal, "ledgers_home.html", {"month": month, "me": username}
    )


@router.get("/fire/sites/{site_id}", response_class=HTMLResponse, response_model=None)
def fire_site(
    request: Request,
    settings: SettingsDep,
    principal: PagePrincipalDep,
    site_id: Annotated[int, Path(ge=1, le=INT32_MAX)],
) -> HTMLResponse | RedirectResponse:
    return _page(request, settings, principal, "ledgers_site.html", {"site_id": site_id})


@router.get("/fire/inspect", response_class=HTMLResponse, response_model=None)
def fire_inspect(
    request: Request,
    settings: SettingsDep,
    principal: PagePrincipalDep,
    site: Annotated[int | None, Query(ge=1, le=INT32_MAX)] = None,
) -> HTMLResponse | RedirectResponse:
    """The phone form: works on a 360 px screen; the draft survives a lost connection."""
    if site is None:
        return RedirectResponse("/fire", 303)
    return _page(request, settings, principal, "ledgers_inspect.html", {"site_id": site})


@router.get("/fire/duty", response_class=HTMLResponse, response_model=None)
def fire_duty(
    request: Request,
    settings: SettingsDep,
    principal: PagePrincipalDep,
    room: Annotated[int | None, Query(ge=1, le=INT32_MAX)] = None,
) -> HTMLResponse | RedirectResponse:
    """A control room's duty record on the phone (GB 25506)."""
    if room is None:
        return RedirectResponse("/fire", 303)
    return _page(request, settings, principal, "ledgers_duty.html", {"room_id": room})


@router.get("/fire/round", response_class=HTMLResponse, response_model=None)
def fire_round(
    request: Request,
    settings: SettingsDep,
    principal: PagePrincipalDep,
    db_session: SessionDep,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    inspector: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse | RedirectResponse:
    """The month's round to print, with its map (default: this month, the caller's)."""
    month = month or datetime.now(ZoneInfo(settings.time_zone)).strftime("%Y-%m")
    inspector = inspector or (principal.username if principal else "")
    city = city_choice(db_session, None, principal) if principal else None
    context: dict[str, object] = {"month": month, "inspector": inspector, "city": city}
    return _page(request, settings, principal, "ledgers_round.html", context)

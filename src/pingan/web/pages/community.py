"""Community pages: the volunteer's phone page (my shifts, check-in by QR code, hand in a
clue, my clues and points), the public application page, and the volunteer lead's page
(roster, shifts to fill, hours, clues).

The pages are shells; ``static/js/volunteer.js`` and ``static/js/community.js`` fill them
from the community API (:mod:`pingan.web.api.community`).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pingan.community import volunteers
from pingan.principal import Principal
from pingan.web.pages.common import (
    PagePrincipalDep,
    SessionDep,
    SettingsDep,
    can,
    login_redirect,
    render,
)

router = APIRouter(include_in_schema=False)


def may_see_volunteer_page(principal: Principal | None) -> bool:
    return can(principal, "volunteer", "self")


def may_see_lead_page(principal: Principal | None) -> bool:
    return can(principal, "volunteer", "read")


def _forbidden(
    request: Request, settings: SettingsDep, principal: PagePrincipalDep, page: str
) -> HTMLResponse:
    return render(
        request,
        "forbidden.html",
        {},
        principal=principal,
        settings=settings,
        status_code=403,
        page=page,
    )


@router.get("/volunteer", response_class=HTMLResponse, response_model=None)
@router.get("/volunteer/checkin", response_class=HTMLResponse, response_model=None)
def volunteer_page(
    request: Request, settings: SettingsDep, principal: PagePrincipalDep
) -> HTMLResponse | RedirectResponse:
    """The volunteer's phone page; opened from a QR code it carries the code to check in."""
    if principal is None:
        # back to the scanned code after logging in (the query is part of the way back)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    if not may_see_volunteer_page(principal):
        return _forbidden(request, settings, principal, "volunteer")
    code = request.query_params.get("code", "")[:400]
    return render(
        request,
        "volunteer.html",
        {"code": code},
        principal=principal,
        settings=settings,
        page="volunteer",
    )


@router.get("/volunteer/apply", response_class=HTMLResponse)
def apply_page(
    request: Request, settings: SettingsDep, principal: PagePrincipalDep, db_session: SessionDep
) -> HTMLResponse:
    """The public application page (no account needed): the stations and their grids."""
    places = volunteers.application_places(db_session)
    return render(
        request,
        "volunteer_apply.html",
        {"stations": places},
        principal=principal,
        settings=settings,
        page="apply",
    )


@router.get("/community", response_class=HTMLResponse, response_model=None)
def lead_page(
    request: Request, settings: SettingsDep, principal: PagePrincipalDep
) -> HTMLResponse | RedirectResponse:
    """The volunteer lead's page: roster, shifts to fill, hours, clues (staff: of their
    stations; a volunteer: of the team they lead)."""
    if principal is None:
        return login_redirect(request)
    staff = may_see_lead_page(principal)
    if not staff and not may_see_volunteer_page(principal):
        return _forbidden(request, settings, principal, "community")
    context = {
        "can_write": can(principal, "volunteer", "write"),
        "can_triage": can(principal, "clue", "triage"),
        # a volunteer who leads a team sees it through the lead's view of the API
        "lead_mode": not staff,
    }
    return render(
        request, "community.html", context, principal=principal, settings=settings, page="community"
    )


@router.get("/community/codes", response_class=HTMLResponse, response_model=None)
def codes_page(
    request: Request, settings: SettingsDep, principal: PagePrincipalDep
) -> HTMLResponse | RedirectResponse:
    """The printable sheet of a plan's QR codes, one per post and loop stop."""
    if principal is None:
        return login_redirect(request)
    if not can(principal, "shift", "write"):
        return _forbidden(request, settings, principal, "community")
    plan = request.query_params.get("plan", "")
    return render(
        request,
        "community_codes.html",
        {"plan_id": plan if plan.isdigit() else ""},
        principal=principal,
        settings=settings,
        page="community",
    )


@router.get("/clues", response_class=HTMLResponse, response_model=None)
def clue_page(
    request: Request, settings: SettingsDep, principal: PagePrincipalDep, db_session: SessionDep
) -> HTMLResponse | RedirectResponse:
    """A citizen's page to hand in a clue and follow its outcome (volunteers use their
    phone page)."""
    if principal is None:
        return login_redirect(request)
    if not can(principal, "clue", "create"):
        return _forbidden(request, settings, principal, "clues")
    return render(
        request,
        "clues.html",
        {"stations": volunteers.application_places(db_session)},
        principal=principal,
        settings=settings,
        page="clues",
    )

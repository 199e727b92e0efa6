"""The chief's plan page: ask for a plan, watch its job's progress, then read the plan.

``/plans/new`` renders the form; ``static/js/plan_new.js`` posts it to ``/api/v1/plans``
(202 with a job), polls ``/api/v1/jobs/{id}`` into a ``<progress>`` bar and, once done,
fetches the plan and shows its coverage per tier and its posts (text nodes only).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pingan.jurisdictions.models import Jurisdiction
from pingan.web.pages.common import (
    PagePrincipalDep,
    SessionDep,
    SettingsDep,
    can,
    city_choice,
    login_redirect,
    render,
)

router = APIRouter(include_in_schema=False)


@router.get("/plans/new", response_class=HTMLResponse, response_model=None)
def new_plan(
    request: Request, db_session: SessionDep, settings: SettingsDep, principal: PagePrincipalDep
) -> HTMLResponse | RedirectResponse:
    if principal is None:
        return login_redirect(request)
    if not can(principal, "plan", "write"):
        return render(
            request, "forbidden.html", {}, principal=principal, settings=settings, status_code=403
        )
    grant = principal.deepest_grant("plan", "write")
    station = db_session.get(Jurisdiction, grant.jurisdiction_id) if grant else None
    city = city_choice(db_session, None, principal)
    return render(
        request,
        "plan_new.html",
        {"station_code": station.code if station else "", "city": city["name"] if city else ""},
        principal=principal,
        settings=settings,
        page="plans",
    )

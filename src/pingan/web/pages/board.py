"""The dispatcher's live board: queue, map, recommendation and one-click actions.

The page is a shell; ``static/js/board.js`` fills it from the JSON API
(incidents, units, recommendation, dispatch, live reach) and keeps it current
through ``GET /api/v1/stream``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pingan.web.pages.common import (
    PagePrincipalDep,
    SessionDep,
    SettingsDep,
    can,
    city_choice,
    login_redirect,
    may_see_board,
    render,
)

router = APIRouter(include_in_schema=False)


@router.get("/board", response_class=HTMLResponse, response_model=None)
def board(
    request: Request, db_session: SessionDep, settings: SettingsDep, principal: PagePrincipalDep
) -> HTMLResponse | RedirectResponse:
    if principal is None:
        return login_redirect(request)
    if not may_see_board(principal):
        return render(
            request,
            "forbidden.html",
            {},
            principal=principal,
            settings=settings,
            status_code=403,
            page="board",
        )
    city = city_choice(db_session, request.query_params.get("city"), principal)
    context = {
        "city": city,
        "can_dispatch": can(principal, "dispatch", "write"),
        "can_write": can(principal, "incident", "write"),
    }
    return render(
        request, "board.html", context, principal=principal, settings=settings, page="board"
    )

"""What every page shares: the template environment, the caller, the language, navigation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from pingan.config import Settings
from pingan.errors import Unauthenticated
from pingan.principal import Principal
from pingan.web import api_docs, i18n
from pingan.web.deps import CSRF_COOKIE, SessionDep, SettingsDep, optional_principal

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def _build_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    # Translations follow the request's language through a context variable, so one
    # environment serves every language and every thread.
    # added to the environment by the i18n extension at run time; jinja2's types omit it
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext_, i18n.ngettext_, newstyle=True
    )
    return env


ENV = _build_environment()


def _asset_version() -> str:
    """A cache-busting suffix for our own scripts and styles (changes when they change)."""
    stamps = [p.stat().st_mtime_ns for p in STATIC_DIR.glob("*.css")]
    stamps += [p.stat().st_mtime_ns for p in (STATIC_DIR / "js").glob("*.js")]
    return format(max(stamps, default=0) // 1_000_000_000, "x")


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str
    key: str


def role_label(role: str) -> str:
    """A role's name in the current language."""
    _ = i18n.gettext_
    labels = {
        "citizen": _("Citizen"),
        "volunteer": _("Volunteer"),
        "officer": _("Police officer"),
        "dispatcher": _("Dispatcher"),
        "station_chief": _("Station chief"),
        "analyst": _("Analyst"),
        "fire_officer": _("Fire-safety officer"),
        "antifraud_officer": _("Anti-fraud officer"),
        "admin": _("Administrator"),
        "auditor": _("Auditor"),
    }
    return labels.get(role, role)


def can(principal: Principal | None, resource: str, action: str) -> bool:
    return principal is not None and bool(principal.matching_grants(resource, action))


def may_see_board(principal: Principal | None) -> bool:
    return can(principal, "incident", "read") and can(principal, "unit", "read")


def may_see_dashboard(principal: Principal | None) -> bool:
    return can(principal, "dispatch", "read") and can(principal, "analytics", "read")


def may_see_analysis(principal: Principal | None) -> bool:
    return can(principal, "analytics", "read") and can(principal, "series", "read")


def may_see_antifraud(principal: Principal | None) -> bool:
    return can(principal, "warning", "read") and can(principal, "antifraud", "screen")


def may_see_ledgers(principal: Principal | None) -> bool:
    return can(principal, "ledger", "read")


def navigation(principal: Principal | None, settings: Settings) -> list[NavItem]:
    """The pages the caller's roles open, in the order a duty room uses them."""
    _ = i18n.gettext_
    items: list[NavItem] = []
    if may_see_board(principal):
        items.append(NavItem("/board", _("Dispatch board"), "board"))
    if may_see_dashboard(principal):
        items.append(NavItem("/dashboard", _("Chief's dashboard"), "dashboard"))
    if may_see_analysis(principal):
        items.append(NavItem("/analysis", _("Analysis"), "analysis"))
    if may_see_antifraud(principal):
        items.append(NavItem("/antifraud", _("Anti-fraud desk"), "antifraud"))
    if may_see_ledgers(principal):
        items.append(NavItem("/fire", _("Fire-safety ledgers"), "fire"))
    if can(principal, "volunteer", "read"):
        items.append(NavItem("/community", _("Volunteers"), "community"))
    if can(principal, "volunteer", "self"):
        items.append(NavItem("/volunteer", _("My volunteer page"), "volunteer"))
    elif can(principal, "clue", "create"):
        items.append(NavItem("/clues", _("Hand in a clue"), "clues"))
    items.append(NavItem("/report", _("Report an incident"), "report"))
    if (
        principal is not None
        and any(can(principal, resource, "read") for resource in ("incident", "user", "audit"))
        and api_docs.docs_open_to(settings, principal)
    ):
        items.append(NavItem("/api/docs", _("API"), "api"))
    return items


async def page_principal(request: Request, db_session: SessionDep) -> Principal | None:
    """The caller of a page; an expired or revoked session reads as "not logged in".

    It also sets the page's language before the route runs, so that labels and messages the
    route builds (not only the template) come out in the caller's language."""
    try:
        principal = await optional_principal(request, db_session)
    except Unauthenticated:
        principal = None
    i18n.set_current(language_of(request, principal, request.app.state.settings))
    return principal


PagePrincipalDep = Annotated[Principal | None, Depends(page_principal)]


def language_of(request: Request, principal: Principal | None, settings: Settings) -> str:
    return i18n.pick_language(
        principal.language if principal else None,
        request.cookies.get(i18n.LANG_COOKIE),
        settings.default_language,
    )


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    principal: Principal | None,
    settings: Settings,
    status_code: int = 200,
    page: str = "",
) -> HTMLResponse:
    """Render ``template`` in the caller's language with the shared page context."""
    language = language_of(request, principal, settings)
    i18n.set_current(language)
    shared: dict[str, Any] = {
        "request": request,
        "principal": principal,
        "lang": language,
        "languages": i18n.LANGUAGES,
        "csrf_token": request.cookies.get(CSRF_COOKIE, ""),
        "nav": navigation(principal, settings),
        "page": page,
        "asset_version": _asset_version(),
        "next_url": request.url.path,
        "tiers_s": list(settings.tiers_s),
        "role_label": role_label,
    }
    shared.update(context)
    html = ENV.get_template(template).render(shared)
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Language"] = language
    return response


def city_choice(
    db_session: Session, name: str | None = None, principal: Principal | None = None
) -> dict[str, Any] | None:
    """The city a map opens on: the named one, else the one nearest the caller's grants
    (a city run by the caller's station or one above it), else the one run by the deepest
    jurisdiction."""
    from pingan.city import service as cities
    from pingan.jurisdictions.models import Jurisdiction

    rows = cities.list_cities(db_session)
    if not rows:
        return None
    chosen = None
    if name:
        chosen = next((c for c in rows if c.name == name.lower()), None)
    if chosen is None:
        depth: dict[int, int] = {}
        for c in rows:
            owner = db_session.get(Jurisdiction, c.jurisdiction_id)
            depth[c.id] = len(owner.path) if owner is not None else 0
        paths = {
            c.id: (db_session.get(Jurisdiction, c.jurisdiction_id) or Jurisdiction()).path or ""
            for c in rows
        }
        grant_paths = [g.jurisdiction_path for g in principal.grants] if principal else []
        related = [
            c
            for c in rows
            if any(gp.startswith(paths[c.id]) or paths[c.id].startswith(gp) for gp in grant_paths)
        ]
        chosen = max(related or rows, key=lambda c: (depth[c.id], -len(c.name)))
    return {
        "name": chosen.name,
        "jurisdiction_id": chosen.jurisdiction_id,
        "bbox": [chosen.min_lon, chosen.min_lat, chosen.max_lon, chosen.max_lat],
        "center": [(chosen.min_lat + chosen.max_lat) / 2, (chosen.min_lon + chosen.max_lon) / 2],
        "all": [c.name for c in rows],
    }


def login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


__all__ = [
    "ENV",
    "PagePrincipalDep",
    "SessionDep",
    "SettingsDep",
    "can",
    "language_of",
    "login_redirect",
    "may_see_analysis",
    "may_see_antifraud",
    "may_see_board",
    "may_see_dashboard",
    "may_see_ledgers",
    "navigation",
    "render",
]

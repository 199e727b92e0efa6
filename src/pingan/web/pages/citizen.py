"""The citizen's pages: the report form and the status page reached by the report's token.

The form works without scripts (a plain multipart POST that answers the form again
with the errors next to their fields, or a redirect to the status page). With
scripts, the same POST is sent with ``Accept: application/json`` so that the page
can show upload progress and place the errors itself.

Anonymous citizens may report: their form carries a signed, short-lived form
token instead of the session's CSRF token, spent by the report it files; submissions
are rate-limited per client address and per form token (:mod:`pingan.web.ratelimit`).
A logged-in caller's report goes through :func:`pingan.incidents.intake.create_report`
(idempotent per form).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from pingan.config import Settings
from pingan.errors import InvalidInput, NotFound, PinganError, RateLimited
from pingan.principal import Principal
from pingan.web import i18n, photos
from pingan.web.pages import labels
from pingan.web.pages.common import (
    PagePrincipalDep,
    SessionDep,
    SettingsDep,
    can,
    city_choice,
    language_of,
    render,
)
from pingan.web.ratelimit import (
    ReportFormLimitDep,
    limiter_of,
    spend_form_token,
    unspend_form_token,
)

router = APIRouter(include_in_schema=False)

MAX_DESCRIPTION_CHARS = 4_000
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")


# ------------------------------------------------------------------ the city on the map


@router.get("/map/{name}/roads.geojson")
def public_roads(
    name: str,
    db_session: SessionDep,
    settings: SettingsDep,
    zoom: Annotated[int, Query(ge=0, le=20)] = 15,
) -> Response:
    """The city's roads for the citizen's map (public OpenStreetMap data, ODbL)."""
    from pingan.city import service as cities

    body = cities.roads_layer(db_session, settings, name, zoom)
    return Response(
        body, media_type="application/geo+json", headers={"Cache-Control": "public, max-age=3600"}
    )


# ------------------------------------------------------------------ anti-forgery for anonymous


def form_token(settings: Settings, issued_at: int | None = None, nonce: str | None = None) -> str:
    """``<issued>.<nonce>.<hmac>``: proves the form came from this server within the last
    ``report_form_token_ttl_s``. Each form gets its own random nonce, because a report filed
    with a token spends it (:mod:`pingan.web.ratelimit`)."""
    issued = int(time.time()) if issued_at is None else issued_at
    nonce = secrets.token_urlsafe(12) if nonce is None else nonce
    mac = hmac.new(
        settings.secret_key.encode(), f"report|{issued}|{nonce}".encode(), hashlib.sha256
    )
    return f"{issued}.{nonce}.{mac.hexdigest()[:32]}"


def check_form_token(settings: Settings, token: str, now: float | None = None) -> bool:
    issued_text, _, rest = token.partition(".")
    nonce, _, _mac = rest.partition(".")
    if not (issued_text.isascii() and issued_text.isdigit()) or not nonce:
        return False
    issued = int(issued_text)
    age = (time.time() if now is None else now) - issued
    if age < 0 or age > settings.report_form_token_ttl_s:
        return False
    return hmac.compare_digest(token, form_token(settings, issued, nonce))


# ------------------------------------------------------------------ the form


@dataclass
class ReportForm:
    type: str = ""
    description: str = ""
    lat: str = ""
    lon: str = ""
    address: str = ""
    name: str = ""
    phone: str = ""
    city: str = ""
    request_key: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def _form_context(
    settings: Settings, form: ReportForm, city: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "form": form,
        "city": city,
        "types": [(t, labels.type_label(t)) for t in labels.CITIZEN_TYPES],
        "form_token": form_token(settings),
        "max_description": MAX_DESCRIPTION_CHARS,
        "max_photo_mb": photos.MAX_PHOTO_BYTES // (1024 * 1024),
    }


@router.get("/report", response_class=HTMLResponse)
def report_form(
    request: Request,
    db_session: SessionDep,
    settings: SettingsDep,
    principal: PagePrincipalDep,
    city: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    chosen = city_choice(db_session, city)
    form = ReportForm(city=chosen["name"] if chosen else "", request_key=secrets.token_urlsafe(12))
    return render(
        request,
        "report.html",
        _form_context(settings, form, chosen),
        principal=principal,
        settings=settings,
        page="report",
    )


def _validate(form: ReportForm) -> None:
    _ = i18n.gettext_
    if form.type not in labels.CITIZEN_TYPES:
        form.errors["type"] = _("Choose what happened.")
    if len(form.description.strip()) < 4:
        form.errors["description"] = _("Describe what happened in a few words.")
    elif len(form.description) > MAX_DESCRIPTION_CHARS:
        form.errors["description"] = _(
            "The description is too long (at most %(n)s characters)."
        ) % {"n": MAX_DESCRIPTION_CHARS}
    has_pin = bool(form.lat.strip() or form.lon.strip())
    if has_pin:
        try:
            lat, lon = float(form.lat), float(form.lon)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
        except ValueError:
            form.errors["location"] = _("The pin is not a valid point. Put it on the map again.")
    elif not form.address.strip():
        form.errors["location"] = _("Put a pin on the map or type an address or landmark.")
    if len(form.address) > 300:
        form.errors["location"] = _("The address is too long (at most 300 characters).")
    if len(form.name) > 100:
        form.errors["name"] = _("The name is too long (at most 100 characters).")
    if form.phone.strip() and not PHONE_PATTERN.match(form.phone.strip()):
        form.errors["phone"] = _("Enter a phone number with digits only, e.g. 13800138000.")


async def _read_photo(upload: UploadFile | None) -> bytes | None:
    if upload is None or not upload.filename:
        return None
    data = await upload.read(photos.MAX_PHOTO_BYTES + 1)
    return data


def _photo_error(data: bytes) -> str | None:
    _ = i18n.gettext_
    try:
        photos.check_photo(data)
    except InvalidInput as exc:
        if "larger" in exc.message:
            return _("The photo is larger than %(n)s MB.") % {"n": photos.MAX_PHOTO_BYTES // 2**20}
        if "empty" in exc.message:
            return _("The photo file is empty.")
        return _("The photo must be a JPEG, PNG or WebP image.")
    return None


def _place(
    db_session: Session, settings: Settings, form: ReportForm
) -> tuple[float | None, float | None]:
    """The report's point: the pin, else the address looked up in the city's gazetteer."""
    if form.lat.strip() and form.lon.strip():
        return float(form.lat), float(form.lon)
    if not form.city:
        return None, None
    from pingan.city import service as cities

    hit = cities.geocode(db_session, settings, form.city, form.address.strip())
    if hit is None:
        form.errors["location"] = i18n.gettext_(
            "We could not find this address. Check it, or put a pin on the map."
        )
        return None, None
    return hit.lat, hit.lon


def _file_report(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    form: ReportForm,
    city: dict[str, Any] | None,
    lat: float | None,
    lon: float | None,
) -> str:
    """Store the report through the incidents service; returns its public token."""
    from pingan.incidents import intake, placement
    from pingan.incidents.models import Channel
    from pingan.incidents.schemas import ReportCreate

    name = form.name.strip() or None
    phone = form.phone.strip() or None
    address = form.address.strip() or None
    if principal is not None and can(principal, "report", "create"):
        fallback = placement.default_jurisdiction(principal, "report", "create")
        result = intake.create_report(
            db_session,
            settings,
            principal,
            ReportCreate(
                description=form.description,
                type=form.type,
                lat=lat,
                lon=lon,
                place_text=address,
                reporter_name=name,
                reporter_phone=phone,
            ),
            idempotency_key=f"web-form:{form.request_key}" if form.request_key else None,
            geocode=placement.city_geocoder(db_session, settings, fallback),
        )
        token = result.body.get("public_token")
        if not token:  # pragma: no cover - the service always shows the reporter the token
            raise NotFound("the report was stored without a token")
        return str(token)
    if city is None:
        raise InvalidInput("no city is set up to take reports", field="location")
    fallback = int(city["jurisdiction_id"])
    data = placement.ReportInput(
        text=form.description,
        channel=Channel.api,
        received_at=_now(),
        type=form.type,
        lat=lat,
        lon=lon,
        place_text=address,
        reporter_name=name,
        reporter_phone=phone,
    )
    placed = placement.prepare(
        db_session,
        settings,
        data,
        fallback,
        geocode=placement.city_geocoder(db_session, settings, fallback),
    )
    written = intake.file_report(db_session, placed, principal=None, actor="citizen-web")
    return written.public_token


def _now() -> datetime:
    from pingan.db import utcnow

    return utcnow()


def _service_error(form: ReportForm, exc: PinganError) -> None:
    _ = i18n.gettext_
    where = (exc.field or "").removeprefix("body.")
    if where in ("lat", "lon", "location"):
        form.errors["location"] = _("This point is outside the area pingan covers. Move the pin.")
    elif where == "description":
        form.errors["description"] = _("The description could not be read. Please rewrite it.")
    elif where in ("reporter_phone", "phone"):
        form.errors["phone"] = _("Enter a phone number with digits only, e.g. 13800138000.")
    else:
        form.errors["form"] = _("The report could not be filed. Please check it and try again.")


@router.post("/report", response_class=HTMLResponse, response_model=None)
async def report_submit(
    request: Request,
    limited: ReportFormLimitDep,  # first: it counts before the page's session does any work
    db_session: SessionDep,
    settings: SettingsDep,
    principal: PagePrincipalDep,
    type: Annotated[str, Form(max_length=40)] = "",
    description: Annotated[str, Form(max_length=MAX_DESCRIPTION_CHARS * 2)] = "",
    lat: Annotated[str, Form(max_length=40)] = "",
    lon: Annotated[str, Form(max_length=40)] = "",
    address: Annotated[str, Form(max_length=600)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    phone: Annotated[str, Form(max_length=60)] = "",
    city: Annotated[str, Form(max_length=64)] = "",
    request_key: Annotated[str, Form(max_length=64)] = "",
    form_token_value: Annotated[str, Form(alias="form_token", max_length=100)] = "",
    photo: UploadFile | None = None,
) -> Response:
    """Read the upload here; the database work runs in the thread pool."""
    form = ReportForm(type, description, lat, lon, address, name, phone, city, request_key)
    photo_data = await _read_photo(photo)
    if limited is not None:
        return await run_in_threadpool(
            _refused, request, db_session, settings, principal, form, limited
        )
    return await run_in_threadpool(
        _submit, request, db_session, settings, principal, form, form_token_value, photo_data
    )


def _refused(
    request: Request,
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    form: ReportForm,
    limited: RateLimited,
) -> Response:
    """429: too many reports from this address or with this form (or photos)."""
    i18n.set_current(language_of(request, principal, settings))
    form.errors["form"] = i18n.gettext_(
        "Too many reports were sent from your address or with this form. Try again "
        "in a few minutes."
    )
    headers = {"Retry-After": str(limited.retry_after_s)}
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"ok": False, "errors": form.errors}, status_code=429, headers=headers)
    response = render(
        request,
        "report.html",
        _form_context(settings, form, city_choice(db_session, form.city or None)),
        principal=principal,
        settings=settings,
        status_code=429,
        page="report",
    )
    response.headers.update(headers)
    return response


def _check_form(
    settings: Settings,
    principal: Principal | None,
    form: ReportForm,
    form_token_value: str,
    photo_data: bytes | None,
    expired: str,
) -> None:
    """Check an anonymous form's token, the fields and the photo; problems go to
    ``form.errors``."""
    if principal is None and not check_form_token(settings, form_token_value):
        form.errors["form"] = expired
    _validate(form)
    if photo_data is not None:
        problem = _photo_error(photo_data)
        if problem:
            form.errors["photo"] = problem


def _submit(
    request: Request,
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    form: ReportForm,
    form_token_value: str,
    photo_data: bytes | None,
) -> Response:
    language = language_of(request, principal, settings)
    i18n.set_current(language)
    wants_json = "application/json" in request.headers.get("accept", "")
    expired = i18n.gettext_("This form has expired. Reload the page and send it again.")
    _check_form(settings, principal, form, form_token_value, photo_data, expired)
    # An anonymous form's token is spent by the report it files (single use). It is spent
    # before the session's first statement (on SQLite that takes the write lock, which the
    # counter's own transaction would wait for) and given back if no report comes of it.
    limiter = limiter_of(request)
    spent = False
    if principal is None and not form.errors:
        # an expired session cookie was looked up on this session: end that transaction
        db_session.rollback()
        spent = spend_form_token(limiter, settings, form_token_value)
        if not spent:
            form.errors["form"] = expired
    chosen = city_choice(db_session, form.city or None)
    token: str | None = None
    if not form.errors:
        try:
            point_lat, point_lon = _place(db_session, settings, form)
            if not form.errors:
                token = _file_report(
                    db_session, settings, principal, form, chosen, point_lat, point_lon
                )
        except PinganError as exc:
            db_session.rollback()
            _service_error(form, exc)
    if token is None:
        if spent:
            db_session.rollback()  # nothing was stored; ends the transaction first
            unspend_form_token(limiter, settings, form_token_value)
        if wants_json:
            return JSONResponse({"ok": False, "errors": form.errors}, status_code=422)
        return render(
            request,
            "report.html",
            _form_context(settings, form, chosen),
            principal=principal,
            settings=settings,
            status_code=422,
            page="report",
        )
    if photo_data is not None:
        photos.save_photo(settings, token, photo_data)
    url = f"/report/{token}"
    if wants_json:
        return JSONResponse({"ok": True, "url": url, "token": token}, status_code=201)
    return RedirectResponse(url, status_code=303)


# ------------------------------------------------------------------ the status page


def _when(value: Any, settings: Settings, language: str) -> str:
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(ZoneInfo(settings.time_zone))
    locale = "zh_CN" if language == "zh-CN" else "en_GB"
    return format_datetime(local, "medium", locale=locale)


@router.get("/report/{token}", response_class=HTMLResponse)
def report_status_page(
    token: str,
    request: Request,
    db_session: SessionDep,
    settings: SettingsDep,
    principal: PagePrincipalDep,
) -> HTMLResponse:
    from pingan.incidents import reads

    language = language_of(request, principal, settings)
    i18n.set_current(language)
    try:
        if not photos.TOKEN_PATTERN.match(token):
            raise NotFound("no report with this token")
        status = reads.report_status(db_session, token)
    except NotFound:
        return render(
            request,
            "report_missing.html",
            {},
            principal=principal,
            settings=settings,
            status_code=404,
            page="report",
        )
    current = status["status"]
    reached = {entry["status"] for entry in status["history"]} | {"received", current}
    when_of = {entry["status"]: entry["at"] for entry in status["history"]}
    order = list(labels.CITIZEN_STEPS)
    current_index = order.index(current) if current in order else -1
    steps = []
    for index, step in enumerate(order):
        steps.append(
            {
                "key": step,
                "label": labels.status_label(step),
                "state": "current"
                if step == current
                else ("done" if step in reached or index < current_index else "todo"),
                "at": _when(when_of.get(step), settings, language)
                if step != "received"
                else _when(status["received_at"], settings, language),
            }
        )
    context = {
        "token": token,
        "type_label": labels.type_label(status["type"]),
        "status": current,
        "status_label": labels.status_label(current),
        "steps": steps,
        "off_track": current not in order,
        "received": _when(status["received_at"], settings, language),
        "updated": _when(status["updated_at"], settings, language),
        "public_note": status["public_note"],  # masked by the service; never internal notes
        "has_photo": photos.find_photo(settings, token) is not None,
        "status_url": str(request.url),
    }
    return render(
        request,
        "report_status.html",
        context,
        principal=principal,
        settings=settings,
        page="report",
    )


@router.get("/report/{token}/photo", response_model=None)
def report_photo(token: str, settings: SettingsDep) -> FileResponse:
    stored = photos.find_photo(settings, token)
    if stored is None:
        raise NotFound("no photo for this report")
    return FileResponse(
        stored.path,
        media_type=stored.media_type,
        headers={"Cache-Control": "private, max-age=600", "X-Content-Type-Options": "nosniff"},
    )

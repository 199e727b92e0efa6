"""Analytics API: forecasts and their map layer, near repeat, series, canvass, statistics."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from pingan.analytics import canvass, forecasts, nearrepeat, series
from pingan.analytics.models import SeriesStatus
from pingan.analytics.report import render_pdf, render_png, report_data
from pingan.analytics.schemas import (
    CameraCreate,
    CameraRead,
    CameraUpdate,
    CanvassItemRead,
    CanvassRead,
    CanvassUpdate,
    ForecastCreate,
    ForecastRead,
    SeriesCreate,
    SeriesDecision,
    SeriesRead,
)
from pingan.analytics.stats import incident_stats
from pingan.bounds import Id, Seed
from pingan.web.deps import PrincipalDep, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])
GEOJSON = "application/geo+json"

City = Annotated[str, Query(min_length=1, max_length=64)]
From = Annotated[dt.date, Query(alias="from")]
To = Annotated[dt.date, Query(alias="to")]
Lang = Annotated[str, Query(pattern="^(zh-CN|en)$")]


def _geojson(body: dict[str, Any]) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str),
        media_type=GEOJSON,
    )


def _floats(text: str, field: str) -> list[float]:
    from pingan.errors import InvalidInput

    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise InvalidInput("give numbers separated by commas", field=field) from None


# ------------------------------------------------------------------ forecasts


@router.post("/forecasts", response_model=ForecastRead, status_code=201)
def create_forecast(
    body: ForecastCreate, caller: PrincipalDep, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Forecast hot spots for the next horizon from the city's stored incidents."""
    forecast = forecasts.create_forecast(db_session, settings, body, principal=caller)
    return forecasts.forecast_read(db_session, forecast)


@router.get("/forecasts", response_model=list[ForecastRead])
def list_forecasts(
    caller: PrincipalDep, db_session: SessionDep, city: str | None = None
) -> list[dict[str, Any]]:
    return forecasts.list_forecasts(db_session, caller, city)


@router.get("/forecasts/{forecast_id}.geojson")
def forecast_layer(
    forecast_id: Id,
    caller: PrincipalDep,
    db_session: SessionDep,
    top: Annotated[int, Query(ge=1, le=5000)] = 100,
) -> Response:
    """The forecast's hottest cells (polygons with score, share and rank)."""
    return _geojson(forecasts.forecast_geojson(db_session, caller, forecast_id, top))


@router.get("/forecasts/{forecast_id}", response_model=ForecastRead)
def get_forecast(forecast_id: Id, caller: PrincipalDep, db_session: SessionDep) -> dict[str, Any]:
    forecast = forecasts.get_forecast(db_session, caller, forecast_id)
    return forecasts.forecast_read(db_session, forecast)


# ------------------------------------------------------------------ near repeat


@router.get("/near-repeat")
def near_repeat(
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
    city: City,
    incident_type: Annotated[str, Query(alias="type", min_length=1, max_length=32)],
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
    space: str = "0,100,200,300,400",
    time: str = "0,7,14,21,28",
    permutations: Annotated[int, Query(ge=1, le=999)] = 99,
    seed: Seed = 42,
) -> dict[str, Any]:
    """Knox test: observed/expected pairs by distance and time band, with p-values."""
    return nearrepeat.near_repeat(
        db_session,
        settings,
        caller,
        city=city,
        incident_type=incident_type,
        start=start,
        end=end,
        space_edges_m=_floats(space, "space"),
        time_edges_days=_floats(time, "time"),
        permutations=permutations,
        seed=seed,
    )


# ------------------------------------------------------------------ series


@router.get("/series/candidates", response_model=list[SeriesRead])
def series_candidates(
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
    city: City,
    incident_type: Annotated[str, Query(alias="type", max_length=32)] = "theft.ebike",
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
    threshold: float = 2.0,
) -> list[dict[str, Any]]:
    """Candidate series, best first, with the evidence of every link."""
    return series.series_candidates(
        db_session,
        settings,
        caller,
        city=city,
        incident_type=incident_type,
        start=start,
        end=end,
        threshold=threshold,
    )


@router.post("/series", response_model=SeriesRead, status_code=201)
def create_series(
    body: SeriesCreate, caller: PrincipalDep, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    made = series.create_series(db_session, settings, caller, body)
    return series.get_series(db_session, settings, caller, made.id)


@router.get("/series", response_model=list[SeriesRead])
def list_series(
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
    city: str | None = None,
    status: SeriesStatus | None = None,
) -> list[dict[str, Any]]:
    return series.list_series(db_session, settings, caller, city=city, status=status)


@router.get("/series.geojson")
def series_layer(
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
    city: City,
    status: SeriesStatus = SeriesStatus.confirmed,
) -> Response:
    """Every series of the city in ``status`` (default confirmed) as map features."""
    return _geojson(series.series_geojson(db_session, settings, caller, city=city, status=status))


@router.get("/series/{series_id}.geojson")
def one_series_layer(
    series_id: Id, caller: PrincipalDep, db_session: SessionDep, settings: SettingsDep
) -> Response:
    return _geojson(series.series_geojson(db_session, settings, caller, series_id=series_id))


@router.get("/series/{series_id}", response_model=SeriesRead)
def get_series(
    series_id: Id, caller: PrincipalDep, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    return series.get_series(db_session, settings, caller, series_id)


@router.post("/series/{series_id}/decision", response_model=SeriesRead)
def decide_series(
    series_id: Id,
    body: SeriesDecision,
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """Confirm or reject a series (audited)."""
    return series.decide_series(db_session, settings, caller, series_id, body.status, body.note)


# ------------------------------------------------------------------ cameras and canvass


@router.post("/cameras", response_model=CameraRead, status_code=201)
def register_camera(
    body: CameraCreate, caller: PrincipalDep, db_session: SessionDep
) -> dict[str, Any]:
    return canvass.camera_read(db_session, canvass.register_camera(db_session, caller, body))


@router.get("/cameras", response_model=list[CameraRead])
def list_cameras(caller: PrincipalDep, db_session: SessionDep, city: City) -> list[dict[str, Any]]:
    return [
        canvass.camera_read(db_session, c) for c in canvass.list_cameras(db_session, caller, city)
    ]


@router.get("/cameras/{camera_id}", response_model=CameraRead)
def get_camera(camera_id: Id, caller: PrincipalDep, db_session: SessionDep) -> dict[str, Any]:
    return canvass.camera_read(db_session, canvass.get_camera(db_session, caller, camera_id))


@router.patch("/cameras/{camera_id}", response_model=CameraRead)
def update_camera(
    camera_id: Id, body: CameraUpdate, caller: PrincipalDep, db_session: SessionDep
) -> dict[str, Any]:
    return canvass.camera_read(
        db_session, canvass.update_camera(db_session, caller, camera_id, body)
    )


@router.get("/incidents/{incident_id}/canvass", response_model=CanvassRead)
def get_canvass(
    incident_id: Id,
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
    minutes: Annotated[float, Query(gt=0, le=60)] = 5.0,
    modes: str = "foot,ebike,car",
) -> dict[str, Any]:
    """Cameras within an escape of ``minutes`` from the scene, earliest passing first."""
    return canvass.canvass(
        db_session,
        settings,
        caller,
        incident_id,
        minutes=minutes,
        modes=[m.strip() for m in modes.split(",") if m.strip()],
    )


@router.put("/incidents/{incident_id}/canvass/{source}/{camera_id}", response_model=CanvassItemRead)
def set_canvass_item(
    incident_id: Id,
    source: str,
    camera_id: Id,
    body: CanvassUpdate,
    caller: PrincipalDep,
    db_session: SessionDep,
) -> dict[str, Any]:
    """Mark footage of one camera as requested or obtained (audited)."""
    item = canvass.set_canvass_item(
        db_session, caller, incident_id, source, camera_id, body.status, body.note
    )
    return canvass.canvass_item_read(item)


# ------------------------------------------------------------------ statistics and report


@router.get("/stats")
def stats(
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
    start: From,
    end: To,
    group_by: Annotated[str, Query(pattern="^(type|station)$")] = "type",
    city: str | None = None,
) -> dict[str, Any]:
    """Counts by type or station with 环比 and 同比 and the exact Poisson test's verdict."""
    return incident_stats(
        db_session, settings, caller, start=start, end=end, group_by=group_by, city=city
    )


@router.get("/report.pdf")
def report_pdf(
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
    start: From,
    end: To,
    lang: Lang = "zh-CN",
    city: str | None = None,
) -> Response:
    """The campaign report of a date range as a PDF."""
    caller.require("analytics", "read")
    data = report_data(db_session, settings, caller, start=start, end=end, city=city)
    name = f"pingan-report-{start}-{end}-{lang}.pdf"
    return Response(
        render_pdf(data, lang),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@router.get("/report/{chart}.png")
def report_chart(
    chart: str,
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
    start: From,
    end: To,
    lang: Lang = "zh-CN",
    city: str | None = None,
) -> Response:
    """One chart of the report (types, daily, stations) as a PNG."""
    caller.require("analytics", "read")
    data = report_data(db_session, settings, caller, start=start, end=end, city=city)
    return Response(render_png(data, chart, lang), media_type="image/png")

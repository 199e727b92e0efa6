"""Hot-spot forecasts: make one from a city's stored incidents, store it with its scored
cells, and read it back (as JSON, GeoJSON, or as patrol demand).

The models are :mod:`pingan.algo.hotspots`; the history is read by
:func:`pingan.analytics.history.load_history`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from pingan.algo import hotspots as hs
from pingan.analytics.history import FloatArray, History, label, load_history, local_hours
from pingan.analytics.models import Forecast, ForecastCell
from pingan.analytics.schemas import ForecastCreate
from pingan.analytics.scope import jurisdiction_path, subtree, target_jurisdiction
from pingan.audit import service as audit
from pingan.city import service as cities
from pingan.city.models import City
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import InvalidInput, NotFound
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal


def parse_horizon_h(text: str) -> float:
    """``"7d"`` → 168.0, ``"12h"`` → 12.0, ``"2w"`` → 336.0 (hours)."""
    value = text.strip().lower()
    units = {"h": 1.0, "d": 24.0, "w": 168.0}
    try:
        hours = float(value[:-1]) * units[value[-1]]
    except (KeyError, ValueError, IndexError):
        raise InvalidInput(f"horizon {text!r}: write it as 12h, 1d, 7d or 2w", "horizon") from None
    if not hours > 0:
        raise InvalidInput("horizon must be positive", field="horizon")
    return hours


def store_forecast(
    db_session: Session,
    settings: Settings,
    *,
    city: City,
    node: Jurisdiction,
    history: History,
    at: dt.datetime,
    horizon_h: float,
    model: str = "best",
    cell_m: float = 150.0,
    source: str = "",
    actor: str = "",
    principal: Principal | None = None,
) -> Forecast:
    """Forecast ``[at, at + horizon_h)`` from ``history`` and store it with its scored cells."""
    if at.tzinfo is None:
        raise InvalidInput("the forecast start needs a UTC offset", field="at")
    at_h = float(local_hours([at], settings.time_zone)[0])
    before = history.time_h < at_h
    if not before.any():
        raise InvalidInput(
            f"{city.name} has no incident history before the forecast window to learn from",
            field="city",
        )
    lon, lat = history.lon[before], history.lat[before]
    grid = hs.make_grid(lon, lat, cell_m)
    events = hs.events_on_grid(grid, history.time_h[before], lon, lat, history.type[before])
    params: dict[str, object] = dict(hs.BEST_DEFAULTS) if model == "best" else {}
    scores = hs.forecast_hotspots(events, grid, at_h, horizon_h, model, params)
    order = np.argsort(-scores, kind="stable")
    order = order[scores[order] > 0]
    simulated = bool(history.simulated[before].any())
    forecast = Forecast(
        jurisdiction_id=node.id,
        city=city.name,
        model=model,
        horizon_h=float(horizon_h),
        starts_at=at.astimezone(dt.UTC),
        ends_at=(at + dt.timedelta(hours=horizon_h)).astimezone(dt.UTC),
        cell_m=float(cell_m),
        epsg=grid.epsg,
        origin_x_m=grid.origin_x_m,
        origin_y_m=grid.origin_y_m,
        rows=grid.shape[0],
        cols=grid.shape[1],
        n_events=int(before.sum()),
        n_cells=int(order.size),
        simulated=simulated,
        source=source[:300],
        params=json.dumps(params, ensure_ascii=False),
        created_by=(principal.username if principal else actor)[:64],
    )
    db_session.add(forecast)
    db_session.flush()
    rows = [
        {
            "forecast_id": forecast.id,
            "rank": rank,
            "raster_index": int(grid.cells[i]),
            "score": float(scores[i]),
            "lat": float(grid.centroids_lonlat[i, 1]),
            "lon": float(grid.centroids_lonlat[i, 0]),
        }
        for rank, i in enumerate(order.tolist(), start=1)
    ]
    if rows:
        db_session.execute(insert(ForecastCell), rows)
    audit.record(
        db_session,
        action="forecast.create",
        object_type="forecast",
        object_id=forecast.id,
        principal=principal,
        actor=actor or None,
        jurisdiction_id=node.id,
    )
    return forecast


def create_forecast(
    db_session: Session,
    settings: Settings,
    body: ForecastCreate,
    *,
    principal: Principal | None = None,
    actor: str = "cli",
) -> Forecast:
    """Forecast hot spots of a city from its stored incidents (within the jurisdiction)."""
    if principal is not None:
        principal.require("analytics", "write")
    if body.model not in hs.MODELS:
        raise InvalidInput(f"unknown model {body.model!r}; one of {', '.join(hs.MODELS)}", "model")
    city = cities.get_city(db_session, body.city)
    node = target_jurisdiction(
        db_session,
        principal,
        "analytics",
        body.jurisdiction_code,
        jurisdictions.get(db_session, city.jurisdiction_id),
    )
    at = body.at or utcnow().replace(second=0, microsecond=0)
    if at.tzinfo is None:
        raise InvalidInput("at needs a UTC offset (e.g. +08:00)", field="at")
    history = load_history(db_session, settings, city=city.name, visible=subtree(node.path), end=at)
    n_sim = int(history.simulated.sum())
    source = f"{len(history)} incidents of {city.name} in {node.code}" + (
        f" ({n_sim} simulated)" if n_sim else ""
    )
    return store_forecast(
        db_session,
        settings,
        city=city,
        node=node,
        history=history,
        at=at,
        horizon_h=parse_horizon_h(body.horizon),
        model=body.model,
        cell_m=body.cell_m,
        source=source,
        actor=actor,
        principal=principal,
    )


def forecast_read(db_session: Session, forecast: Forecast) -> dict[str, Any]:
    node = jurisdictions.get(db_session, forecast.jurisdiction_id)
    return {
        "id": forecast.id,
        "city": forecast.city,
        "jurisdiction_code": node.code,
        "model": forecast.model,
        "horizon_h": forecast.horizon_h,
        "starts_at": forecast.starts_at,
        "ends_at": forecast.ends_at,
        "cell_m": forecast.cell_m,
        "n_events": forecast.n_events,
        "n_cells": forecast.n_cells,
        "simulated": forecast.simulated,
        "label": label(forecast.simulated),
        "source": forecast.source,
        "created_by": forecast.created_by,
        "created_at": forecast.created_at,
    }


def list_forecasts(
    db_session: Session, principal: Principal, city: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    principal.require("analytics", "read")
    query = (
        select(Forecast)
        .join(Jurisdiction, Jurisdiction.id == Forecast.jurisdiction_id)
        .where(principal.visible_clause("analytics", "read", Jurisdiction.path))
        .order_by(Forecast.created_at.desc(), Forecast.id.desc())
        .limit(limit)
    )
    if city:
        query = query.where(Forecast.city == city.lower())
    return [forecast_read(db_session, f) for f in db_session.scalars(query)]


def get_forecast(db_session: Session, principal: Principal, forecast_id: int) -> Forecast:
    principal.require("analytics", "read")
    forecast = db_session.get(Forecast, forecast_id)
    if forecast is None:
        raise NotFound("no such forecast")
    principal.check("analytics", "read", jurisdiction_path(db_session, forecast.jurisdiction_id))
    return forecast


def forecast_geojson(
    db_session: Session, principal: Principal, forecast_id: int, top: int = 100
) -> dict[str, Any]:
    """The forecast's ``top`` hottest cells as polygons with their score and rank."""
    forecast = get_forecast(db_session, principal, forecast_id)
    if top < 1:
        raise InvalidInput("top must be at least 1", field="top")
    cells = list(
        db_session.scalars(
            select(ForecastCell)
            .where(ForecastCell.forecast_id == forecast.id, ForecastCell.rank <= top)
            .order_by(ForecastCell.rank)
        )
    )
    features: list[dict[str, Any]] = []
    if cells:
        raster = np.array([c.raster_index for c in cells], dtype=np.int64)
        grid = hs.grid_from_cells(
            forecast.epsg,
            forecast.origin_x_m,
            forecast.origin_y_m,
            forecast.cell_m,
            (forecast.rows, forecast.cols),
            raster,
        )
        where = np.searchsorted(grid.cells, raster)
        total = float(
            db_session.scalar(
                select(func.sum(ForecastCell.score)).where(ForecastCell.forecast_id == forecast.id)
            )
            or 0.0
        )
        for cell, k in zip(cells, where.tolist(), strict=True):
            ring = [[round(x, 6), round(y, 6)] for x, y in grid.polygons_lonlat[k].tolist()]
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                    "properties": {
                        "rank": cell.rank,
                        "score": cell.score,
                        "share": cell.score / total if total > 0 else 0.0,
                        "lat": cell.lat,
                        "lon": cell.lon,
                    },
                }
            )
    meta = forecast_read(db_session, forecast)
    meta["starts_at"] = forecast.starts_at.isoformat()
    meta["ends_at"] = forecast.ends_at.isoformat()
    meta["created_at"] = forecast.created_at.isoformat()
    return {"type": "FeatureCollection", "features": features, "properties": meta}


def latest_forecast(db_session: Session, city_name: str) -> tuple[FloatArray, FloatArray] | None:
    """The newest stored forecast of a city as patrol demand, or ``None`` when there is none.

    Returns
    -------
    (centroids, scores)
        ``centroids`` is ``(n, 2)`` cell centres as ``[lat, lon]`` degrees and ``scores`` the
        ``n`` scores (higher is hotter), hottest first; only cells with a positive score.
    """
    forecast_id = db_session.scalar(
        select(Forecast.id)
        .where(Forecast.city == city_name.lower())
        .order_by(Forecast.created_at.desc(), Forecast.id.desc())
        .limit(1)
    )
    if forecast_id is None:
        return None
    rows = db_session.execute(
        select(ForecastCell.lat, ForecastCell.lon, ForecastCell.score)
        .where(ForecastCell.forecast_id == forecast_id)
        .order_by(ForecastCell.rank)
    ).all()
    centroids = np.array([[r[0], r[1]] for r in rows], dtype=float).reshape(-1, 2)
    scores = np.array([r[2] for r in rows], dtype=float)
    return centroids, scores

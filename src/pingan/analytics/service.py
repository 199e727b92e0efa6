"""Analytics use cases: forecasts, near repeat, statistics and the report's data.

Series linkage lives in :mod:`pingan.analytics.series` and the camera canvass in
:mod:`pingan.analytics.canvass`; both use the helpers here.

Each function loads rows, calls a pure core of :mod:`pingan.algo` and stores or returns the
result. Incidents are only read (rejected, duplicate and draft incidents are left out of every
analysis); incidents marked ``simulated`` count as history, and whatever is computed from them
says so (``simulated`` and the label "simulated data").

Times: analyses work on the local clock of ``settings.time_zone`` (an incident at 23:30 local
is a night-time incident whatever its UTC offset), as hours since 1970-01-01 local midnight.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from pyproj import Transformer
from sqlalchemy import ColumnElement, func, insert, select, true
from sqlalchemy.orm import Session

from pingan.algo import hotspots as hs
from pingan.algo import stats as st
from pingan.algo.nearrepeat import knox_test
from pingan.analytics import report
from pingan.analytics.models import (
    Forecast,
    ForecastCell,
)
from pingan.analytics.schemas import (
    SIMULATED_LABEL,
    ForecastCreate,
)
from pingan.audit import service as audit
from pingan.auth.principal import Principal
from pingan.city import service as cities
from pingan.city.models import City
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import InvalidInput, NotFound
from pingan.incidents.models import Incident, Status
from pingan.incidents.open311 import SERVICE_NAMES
from pingan.incidents.service import type_clause
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction, Level

FloatArray = NDArray[np.float64]

#: Incidents in these states are not counted or analysed.
EXCLUDED_STATUSES = (Status.rejected, Status.duplicate)
#: Most incidents one Knox test or series search takes.
MAX_ANALYSIS_EVENTS = 20_000


def label(simulated: bool) -> str | None:
    return SIMULATED_LABEL if simulated else None


# --------------------------------------------------------------------------- history


@dataclass(frozen=True)
class History:
    """Incidents as arrays, sorted by time; ``time_h`` on the local clock."""

    ids: NDArray[np.int64]
    time_h: FloatArray
    lat: FloatArray
    lon: FloatArray
    type: NDArray[np.str_]
    simulated: NDArray[np.bool_]
    paths: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.ids.size)


def local_hours(times: Sequence[dt.datetime], tz: str) -> FloatArray:
    """Aware times → hours since 1970-01-01 00:00 on the local clock of ``tz``."""
    zone = ZoneInfo(tz)
    epoch = dt.datetime(1970, 1, 1)
    return np.array(
        [(t.astimezone(zone).replace(tzinfo=None) - epoch).total_seconds() / 3600 for t in times],
        dtype=float,
    )


def local_midnight(day: dt.date, tz: str) -> dt.datetime:
    """Local midnight starting ``day`` as an aware UTC time."""
    return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)


def _occurred() -> ColumnElement[dt.datetime]:
    return func.coalesce(Incident.occurred_start, Incident.received_at)


def _type_clause(incident_type: str | None) -> ColumnElement[bool]:
    if not incident_type:
        return true()
    return type_clause(incident_type)


def _counted() -> ColumnElement[bool]:
    return Incident.status.not_in(EXCLUDED_STATUSES) & Incident.is_draft.is_(False)


def load_history(
    db_session: Session,
    settings: Settings,
    *,
    city: str,
    visible: ColumnElement[bool],
    incident_type: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> History:
    """The city's placed incidents that ``visible`` keeps, in ``[start, end)``."""
    occurred = _occurred()
    query = (
        select(
            Incident.id,
            occurred,
            Incident.lat,
            Incident.lon,
            Incident.type,
            Incident.simulated,
            Jurisdiction.path,
        )
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(
            visible,
            _counted(),
            _type_clause(incident_type),
            Incident.city == city,
            Incident.lat.is_not(None),
            Incident.lon.is_not(None),
        )
        .order_by(occurred, Incident.id)
    )
    if start is not None:
        query = query.where(occurred >= start)
    if end is not None:
        query = query.where(occurred < end)
    rows = db_session.execute(query).all()
    return History(
        ids=np.array([r[0] for r in rows], dtype=np.int64),
        time_h=local_hours([r[1] for r in rows], settings.time_zone),
        lat=np.array([r[2] for r in rows], dtype=float),
        lon=np.array([r[3] for r in rows], dtype=float),
        type=np.array([r[4] for r in rows], dtype=np.str_),
        simulated=np.array([bool(r[5]) for r in rows], dtype=bool),
        paths=tuple(r[6] for r in rows),
    )


def _path_of(db_session: Session, jurisdiction_id: int) -> str:
    return jurisdictions.get(db_session, jurisdiction_id).path


def _subtree(path: str) -> ColumnElement[bool]:
    return Jurisdiction.path.startswith(path, autoescape=True)


def _deepest_grant(principal: Principal, resource: str, action: str) -> int | None:
    grants = principal.matching_grants(resource, action)
    if not grants:
        return None
    return max(grants, key=lambda g: g[0].jurisdiction_path.count("/"))[0].jurisdiction_id


def _target_jurisdiction(
    db_session: Session,
    principal: Principal | None,
    resource: str,
    code: str | None,
    default: Jurisdiction,
) -> Jurisdiction:
    """The jurisdiction a new record belongs to: the one named, else ``default`` when the
    caller may write there, else the caller's deepest grant."""
    if code:
        node = jurisdictions.get_by_code(db_session, code)
        if principal is not None:
            principal.check(resource, "write", node.path)
        return node
    if principal is None or principal.can(resource, "write", default.path):
        return default
    grant = _deepest_grant(principal, resource, "write")
    if grant is None:
        principal.require(resource, "write")
        raise NotFound(f"no such {resource}")  # pragma: no cover - require raised
    return jurisdictions.get(db_session, grant)


# --------------------------------------------------------------------------- forecasts


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
    node = _target_jurisdiction(
        db_session,
        principal,
        "analytics",
        body.jurisdiction_code,
        jurisdictions.get(db_session, city.jurisdiction_id),
    )
    at = body.at or utcnow().replace(second=0, microsecond=0)
    if at.tzinfo is None:
        raise InvalidInput("at needs a UTC offset (e.g. +08:00)", field="at")
    history = load_history(
        db_session, settings, city=city.name, visible=_subtree(node.path), end=at
    )
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
    principal.check("analytics", "read", _path_of(db_session, forecast.jurisdiction_id))
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


# --------------------------------------------------------------------------- near repeat


def _project(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    epsg = hs.utm_epsg(float(np.mean(lon)), float(np.mean(lat)))
    tr = Transformer.from_crs(4326, epsg, always_xy=True)
    x, y = tr.transform(lon, lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def _day_range(
    settings: Settings, start: dt.date | None, end: dt.date | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Local days ``start`` … ``end`` (inclusive) as a UTC ``[from, to)`` range."""
    if start and end and end < start:
        raise InvalidInput("to is before from", field="to")
    lo = local_midnight(start, settings.time_zone) if start else None
    hi = local_midnight(end + dt.timedelta(days=1), settings.time_zone) if end else None
    return lo, hi


def near_repeat(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    city: str,
    incident_type: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    space_edges_m: Sequence[float] = (0, 100, 200, 300, 400),
    time_edges_days: Sequence[float] = (0, 7, 14, 21, 28),
    permutations: int = 99,
    seed: int = 42,
) -> dict[str, Any]:
    """Knox test on the stored incidents of one type in a city (see
    :func:`pingan.algo.nearrepeat.knox_test`)."""
    principal.require("analytics", "read")
    if not 1 <= permutations <= 999:
        raise InvalidInput("permutations must be in 1..999", field="permutations")
    lo, hi = _day_range(settings, start, end)
    history = load_history(
        db_session,
        settings,
        city=cities.get_city(db_session, city).name,
        visible=principal.visible_clause("analytics", "read", Jurisdiction.path),
        incident_type=incident_type,
        start=lo,
        end=hi,
    )
    if len(history) < 2:
        raise InvalidInput("need at least two incidents of that type", field="type")
    if len(history) > MAX_ANALYSIS_EVENTS:
        raise InvalidInput(
            f"{len(history)} incidents: narrow the dates (at most {MAX_ANALYSIS_EVENTS})", "from"
        )
    x, y = _project(history.lon, history.lat)
    result = knox_test(
        x,
        y,
        history.time_h / 24.0,
        list(space_edges_m),
        list(time_edges_days),
        n_permutations=permutations,
        seed=seed,
    )
    simulated = bool(history.simulated.any())
    return {
        "city": city.lower(),
        "type": incident_type,
        "space_edges_m": list(result.space_edges_m),
        "time_edges_days": list(result.time_edges_days),
        "space_labels": result.space_labels(),
        "time_labels": result.time_labels(),
        "observed": result.observed.tolist(),
        "expected": result.expected.tolist(),
        "ratio": [[None if math.isnan(v) else v for v in row] for row in result.ratio.tolist()],
        "p_value": result.p_value.tolist(),
        "n_events": result.n_events,
        "n_pairs": result.n_pairs,
        "n_permutations": result.n_permutations,
        "seed": result.seed,
        "simulated": simulated,
        "label": label(simulated),
    }


# --------------------------------------------------------------------------- statistics


GROUPINGS = ("type", "station")


def _station_keys(db_session: Session) -> dict[int, tuple[str, str, str]]:
    """Jurisdiction id → (code, 中文名, English name) of the station it lies in (itself when it
    is above station level)."""
    nodes = {j.id: j for j in db_session.scalars(select(Jurisdiction))}
    out: dict[int, tuple[str, str, str]] = {}
    for node in nodes.values():
        station = node
        for part in node.path.strip("/").split("/"):
            candidate = nodes.get(int(part)) if part else None
            if candidate is not None and candidate.level is Level.station:
                station = candidate
                break
        out[node.id] = (station.code, station.name_zh, station.name_en)
    return out


def _grouped_counts(
    db_session: Session,
    visible: ColumnElement[bool],
    start: dt.datetime,
    end: dt.datetime,
    city: str | None,
) -> tuple[list[tuple[int, str, int]], int]:
    occurred = _occurred()
    query = (
        select(Incident.jurisdiction_id, Incident.type, func.count(Incident.id))
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(visible, _counted(), occurred >= start, occurred < end)
        .group_by(Incident.jurisdiction_id, Incident.type)
    )
    simulated_query = (
        select(func.count(Incident.id))
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(visible, _counted(), occurred >= start, occurred < end, Incident.simulated.is_(True))
    )
    if city:
        query = query.where(Incident.city == city)
        simulated_query = simulated_query.where(Incident.city == city)
    rows = [(int(a), str(b), int(c)) for a, b, c in db_session.execute(query).all()]
    return rows, int(db_session.scalar(simulated_query) or 0)


def _comparison_json(c: st.RateComparison) -> dict[str, Any]:
    def num(v: float) -> float | None:
        return None if math.isnan(v) or math.isinf(v) else round(v, 6)

    return {
        "before": c.before,
        "after": c.after,
        "change": num(c.change),
        "rate_ratio": num(c.rate_ratio),
        "ci_low": num(c.ci_low),
        "ci_high": num(c.ci_high),
        "p_value": round(c.p_value, 6),
        "significant": c.significant,
        "verdict": c.verdict,
    }


STATS_FIRST_DAY = dt.date(1970, 1, 1)
STATS_LAST_DAY = dt.date(2100, 12, 31)
STATS_MAX_SPAN_DAYS = 3660


def check_stats_range(start: dt.date, end: dt.date) -> None:
    """Require ``1970-01-01 <= start <= end <= 2100-12-31`` and at most
    :data:`STATS_MAX_SPAN_DAYS` days from ``start`` to ``end`` (so the period before and the
    same period last year stay valid dates and a request counts a bounded number of days)."""
    if not STATS_FIRST_DAY <= start <= STATS_LAST_DAY:
        raise InvalidInput(f"from must be within {STATS_FIRST_DAY}…{STATS_LAST_DAY}", field="from")
    if not STATS_FIRST_DAY <= end <= STATS_LAST_DAY:
        raise InvalidInput(f"to must be within {STATS_FIRST_DAY}…{STATS_LAST_DAY}", field="to")
    if end < start:
        raise InvalidInput("to is before from", field="to")
    if (end - start).days > STATS_MAX_SPAN_DAYS:
        raise InvalidInput(f"from … to spans more than {STATS_MAX_SPAN_DAYS} days", field="to")


def incident_stats(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    *,
    start: dt.date,
    end: dt.date,
    group_by: str = "type",
    city: str | None = None,
    alpha: float = 0.05,
) -> dict[str, Any]:
    """Counts of ``start`` … ``end`` (local days, inclusive) by type or station, against the
    period just before (环比) and the same period last year (同比), each with the exact
    Poisson test's verdict (:func:`pingan.algo.stats.compare_counts`; exposures in days).
    ``principal=None`` (the command line) counts every incident."""
    if group_by not in GROUPINGS:
        raise InvalidInput(f"group_by must be one of {', '.join(GROUPINGS)}", field="group_by")
    check_stats_range(start, end)
    if principal is not None:
        principal.require("analytics", "read")
        visible = principal.visible_clause("analytics", "read", Jurisdiction.path)
    else:
        visible = true()
    city_name = cities.get_city(db_session, city).name if city else None
    stop = end + dt.timedelta(days=1)
    periods = {
        "current": (start, stop),
        "previous": st.previous_period(start, stop),
        "last_year": st.same_period_last_year(start, stop),
    }
    stations = _station_keys(db_session) if group_by == "station" else {}
    counts: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    names: dict[str, tuple[str, str]] = {}
    simulated = 0
    for period, (lo, hi) in periods.items():
        rows, n_sim = _grouped_counts(
            db_session,
            visible,
            local_midnight(lo, settings.time_zone),
            local_midnight(hi, settings.time_zone),
            city_name,
        )
        simulated += n_sim
        per: dict[str, int] = {}
        for jurisdiction_id, incident_type, n in rows:
            if group_by == "type":
                key = incident_type
                zh, en, _group = SERVICE_NAMES.get(key, (key, key, ""))
                names[key] = (zh, en)
            else:
                code, zh, en = stations.get(jurisdiction_id, ("?", "?", "?"))
                key = code
                names[key] = (zh, en)
            per[key] = per.get(key, 0) + n
        counts[period] = per
        totals[period] = sum(per.values())
    days = {p: float((hi - lo).days) for p, (lo, hi) in periods.items()}

    def compare(before: str, now: int, earlier: int) -> dict[str, Any]:
        return _comparison_json(
            st.compare_counts(earlier, now, days[before], days["current"], alpha=alpha)
        )

    keys = sorted(
        set().union(*(set(c) for c in counts.values())),
        key=lambda k: (-counts["current"].get(k, 0), k),
    )
    groups = [
        {
            "key": key,
            "name_zh": names[key][0],
            "name_en": names[key][1],
            "count": counts["current"].get(key, 0),
            "previous": counts["previous"].get(key, 0),
            "last_year": counts["last_year"].get(key, 0),
            "period_over_period": compare(
                "previous", counts["current"].get(key, 0), counts["previous"].get(key, 0)
            ),
            "year_over_year": compare(
                "last_year", counts["current"].get(key, 0), counts["last_year"].get(key, 0)
            ),
        }
        for key in keys
    ]
    return {
        "from": start,
        "to": end,
        "group_by": group_by,
        "city": city_name,
        "periods": {
            p: {"from": lo, "to": hi - dt.timedelta(days=1)} for p, (lo, hi) in periods.items()
        },
        "total": {
            "count": totals["current"],
            "previous": totals["previous"],
            "last_year": totals["last_year"],
            "period_over_period": compare("previous", totals["current"], totals["previous"]),
            "year_over_year": compare("last_year", totals["current"], totals["last_year"]),
        },
        "groups": groups,
        "simulated": simulated > 0,
        "label": label(simulated > 0),
    }


def daily_counts(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    *,
    start: dt.date,
    end: dt.date,
    city: str | None = None,
) -> dict[dt.date, int]:
    """Incidents per local day of ``start`` … ``end`` (inclusive; zero days included)."""
    visible = (
        principal.visible_clause("analytics", "read", Jurisdiction.path)
        if principal is not None
        else true()
    )
    history_start = local_midnight(start, settings.time_zone)
    history_end = local_midnight(end + dt.timedelta(days=1), settings.time_zone)
    occurred = _occurred()
    query = (
        select(occurred)
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(visible, _counted(), occurred >= history_start, occurred < history_end)
    )
    if city:
        query = query.where(Incident.city == city.lower())
    zone = ZoneInfo(settings.time_zone)
    out = {start + dt.timedelta(days=k): 0 for k in range((end - start).days + 1)}
    for (when,) in db_session.execute(query).all():
        day = when.astimezone(zone).date()
        if day in out:
            out[day] += 1
    return out


def report_data(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    *,
    start: dt.date,
    end: dt.date,
    city: str | None = None,
) -> report.ReportData:
    """Everything the campaign report of ``start`` … ``end`` (inclusive) shows."""
    check_stats_range(start, end)
    by_type = incident_stats(
        db_session, settings, principal, start=start, end=end, group_by="type", city=city
    )
    by_station = incident_stats(
        db_session, settings, principal, start=start, end=end, group_by="station", city=city
    )
    last_start, last_stop = st.same_period_last_year(start, end + dt.timedelta(days=1))
    daily = daily_counts(db_session, settings, principal, start=start, end=end, city=city)
    daily_last_year = daily_counts(
        db_session,
        settings,
        principal,
        start=last_start,
        end=last_stop - dt.timedelta(days=1),
        city=city,
    )
    return report.ReportData(
        start=start,
        end=end,
        by_type=by_type,
        by_station=by_station,
        daily=daily,
        daily_last_year=daily_last_year,
        type_names={k: (v[0], v[1]) for k, v in SERVICE_NAMES.items()},
        simulated=bool(by_type["simulated"]),
        generated_at=utcnow().astimezone(ZoneInfo(settings.time_zone)),
    )

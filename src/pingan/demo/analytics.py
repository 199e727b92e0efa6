"""Demo step for analysis: a stored forecast of Helsinki, one candidate series, two cameras.

For ``pingan demo`` only, and safe to run again. It runs after the simulated history
(:func:`pingan.demo.history.seed_history`), so the forecast learns from **simulated** incidents
and says so ("simulated data"). For the series it files four simulated e-bike thefts through
the ordinary intake (:func:`pingan.incidents.intake.create_report`, as the demo officer of
station A): three at night outside one apartment block within ten days, the same brand and
colour of e-bike, and a fourth elsewhere; the best candidate among Helsinki's e-bike thefts
that holds the three is stored for the analyst to confirm or reject. Two registered cameras
near the block give the camera canvass something beyond the map's surveillance points.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session

from pingan.analytics import canvass, forecasts, series
from pingan.analytics.schemas import CameraCreate, ForecastCreate, SeriesCreate
from pingan.config import Settings
from pingan.db import utcnow
from pingan.demo.accounts import principal_of
from pingan.demo.units import demo_city
from pingan.incidents import intake
from pingan.incidents.schemas import ItemIn, ReportCreate
from pingan.principal import Principal

CITY = "helsinki"
#: The apartment block (east half of the extract: station A).
BLOCK = (60.16985, 24.94790)
#: (days ago, hour, metres north, metres east) of the three thefts at the block.
BLOCK_THEFTS = ((9, 2, 0.0, 0.0), (5, 3, 25.0, 15.0), (2, 1, -15.0, 30.0))
ELSEWHERE = (60.17550, 24.95150)
CAMERAS = (
    ("东街公寓门禁摄像头（模拟）", 0.00020, -0.00010, "公寓物业"),
    ("便利店门口摄像头（模拟）", -0.00030, 0.00060, "便利店"),
)
DEGREE_M = 111_195.0


def _file_thefts(db_session: Session, settings: Settings, officer: Principal) -> list[int]:
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    ids = []
    plan = [
        (days, hour, BLOCK[0] + north / DEGREE_M, BLOCK[1] + east / (DEGREE_M * 0.497))
        for days, hour, north, east in BLOCK_THEFTS
    ]
    plan.append((6, 15, *ELSEWHERE))
    for k, (days, hour, lat, lon) in enumerate(plan):
        at = (now - timedelta(days=days)).replace(hour=hour)
        same = k < len(BLOCK_THEFTS)
        body = ReportCreate(
            description=(
                "公寓楼下停放的白色雅迪电动车被盗（模拟）"
                if same
                else "商场门口黑色爱玛电动车被盗（模拟）"
            ),
            type="theft.ebike",
            lat=lat,
            lon=lon,
            occurred_start=at,
            occurred_end=at,
            items=[
                ItemIn(kind="ebike", brand="雅迪", colour="白色")
                if same
                else ItemIn(kind="ebike", brand="爱玛", colour="黑色")
            ],
        )
        result = intake.create_report(
            db_session,
            settings,
            officer,
            body,
            idempotency_key=f"demo-series-{k}",
            simulated=True,
        )
        ids.append(result.incident_id)
    return ids


def seed_analytics(
    db_session: Session, settings: Settings, progress: Callable[[str, float], None]
) -> None:
    """Store a forecast of Helsinki, one candidate series and two cameras (once)."""
    if demo_city(db_session, CITY) is None:
        return
    analyst = principal_of(db_session, "analyst")
    officer = principal_of(db_session, "officer_a")
    if analyst is None or officer is None:
        return
    if not series.list_series(db_session, settings, analyst, city=CITY):
        ids = _file_thefts(db_session, settings, officer)
        progress("analytics: series", 0.3)
        found = series.series_candidates(
            db_session, settings, analyst, city=CITY, incident_type="theft.ebike"
        )
        block = set(ids[: len(BLOCK_THEFTS)])
        best = next((c for c in found if block <= {m["incident_id"] for m in c["members"]}), None)
        members = [m["incident_id"] for m in best["members"]] if best else sorted(block)
        series.create_series(
            db_session,
            settings,
            analyst,
            SeriesCreate(incident_ids=members, name="东街公寓楼下电动车被盗（模拟）"),
        )
    progress("analytics: cameras", 0.5)
    if not canvass.list_cameras(db_session, analyst, CITY):
        for name, dlat, dlon, owner in CAMERAS:
            canvass.register_camera(
                db_session,
                analyst,
                CameraCreate(
                    city=CITY, name=name, lat=BLOCK[0] + dlat, lon=BLOCK[1] + dlon, owner=owner
                ),
            )
    progress("analytics: forecast", 0.7)
    if not forecasts.list_forecasts(db_session, analyst, CITY, limit=1):
        forecasts.create_forecast(
            db_session, settings, ForecastCreate(city=CITY, horizon="7d"), actor="demo"
        )
    progress("analytics", 1.0)

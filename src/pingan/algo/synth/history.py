"""Simulated incident history drawn from a profile, on the city's demand points."""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from pingan.algo.synth.profile import (
    FloatArray,
    IncidentProfile,
    IntArray,
    pingan_type_shares,
)
from pingan.algo.taxonomy import INCIDENT_TYPES
from pingan.errors import InvalidInput

KIND_AFFINITY: dict[str, dict[str, float]] = {
    "theft.ebike": {"population": 2.0, "residential": 2.0, "shop": 1.5, "school": 1.5},
    "theft.bicycle": {"population": 1.5, "residential": 1.5, "school": 2.0, "shop": 1.5},
    "theft.phone": {
        "restaurant": 3.0,
        "cafe": 3.0,
        "fast_food": 3.0,
        "bar": 3.0,
        "pub": 3.0,
        "nightclub": 3.0,
        "shop": 3.0,
    },
    "theft.burglary": {"population": 3.0, "residential": 3.0, "shop": 1.5},
    "theft.vehicle": {"road": 2.0, "parking": 3.0, "population": 1.5},
    "theft.other": {"shop": 2.0, "restaurant": 1.5, "cafe": 1.5},
    "robbery": {"road": 1.5, "bar": 2.0, "pub": 2.0, "nightclub": 2.0, "shop": 1.5},
    "fraud": {"population": 3.0, "residential": 3.0},
    "assault": {"bar": 4.0, "pub": 4.0, "nightclub": 4.0, "fast_food": 2.0},
    "dispute": {"population": 2.0, "residential": 2.0, "restaurant": 1.5, "shop": 1.5},
    "noise": {"bar": 4.0, "pub": 4.0, "nightclub": 4.0, "restaurant": 2.0, "population": 1.5},
    "fire_hazard": {"restaurant": 2.0, "shop": 2.0, "fast_food": 2.0},
    "traffic": {"road": 4.0},
    "missing_person": {"population": 1.5},
    "suspicious": {"population": 1.5, "residential": 1.5, "shop": 1.5},
    "vice": {"nightclub": 4.0, "bar": 3.0, "pub": 2.0},
    "other": {},
}
"""Per type, a weight multiplier per candidate-point kind (1 for kinds not listed)."""

DESCRIPTIONS_ZH: dict[str, tuple[str, ...]] = {
    "theft.ebike": (
        "小区楼下停放的电动自行车被盗",
        "电动车充电时电瓶被盗",
        "超市门口的电动自行车被人骑走",
    ),
    "theft.bicycle": ("停在路边的自行车被盗", "学校门口的自行车被剪锁偷走"),
    "theft.phone": ("在餐馆吃饭时手机被偷", "公交站等车时手机被扒窃", "商场内手机被盗"),
    "theft.burglary": ("家中被入室盗窃，现金和首饰丢失", "店铺夜间被撬门盗窃"),
    "theft.vehicle": ("停在路边的汽车被盗", "车窗被砸，车内财物被盗"),
    "theft.other": ("店内商品被盗", "放在门口的快递被人拿走"),
    "robbery": ("夜间步行时被人抢走挎包", "路边被抢手机"),
    "fraud": ("接到冒充客服电话被骗转账", "网络刷单被骗", "冒充公检法诈骗"),
    "assault": ("酒吧门口发生殴打", "口角后被人打伤"),
    "dispute": ("邻里因噪音发生纠纷", "顾客与商家发生纠纷", "家庭纠纷求助"),
    "noise": ("深夜酒吧音乐声过大扰民", "楼上装修噪音扰民"),
    "fire_hazard": ("楼道堆放杂物堵塞消防通道", "电动车在楼道内充电", "饭店后厨油烟管道积油"),
    "traffic": ("两车刮擦发生交通事故", "车辆违停堵塞道路"),
    "missing_person": ("老人走失，家属求助", "孩子放学未归"),
    "suspicious": ("有可疑人员在小区徘徊", "发现可疑物品"),
    "vice": ("举报场所涉嫌赌博", "举报涉黄线索"),
    "other": ("群众求助", "拾到物品交警方"),
}
"""A few short Chinese descriptions per type for display; shown with "（模拟）"."""

SIMULATED_MARK_ZH = "（模拟）"
"""Suffix of every simulated description."""

_EARTH_RADIUS_M = 6_371_008.8
_DAY_S = 86_400.0


@dataclass(frozen=True)
class SimulatedIncident:
    """One simulated incident, for display and for loading into the demo database.

    Attributes
    ----------
    occurred_at
        Local date and time (naive).
    lat, lon
        Position in degrees (WGS 84).
    type
        pingan incident type.
    description
        Short Chinese description ending in "（模拟）".
    parent
        Index of the incident that triggered it (near repeat), or ``None``.
    simulated
        Always ``True``.
    """

    occurred_at: datetime
    lat: float
    lon: float
    type: str
    description: str
    parent: int | None
    simulated: bool = True


@dataclass(frozen=True)
class SimulatedHistory:
    """A simulated period of incidents, sorted by time; every one is simulated.

    Attributes
    ----------
    start
        Local midnight the clock ``time_s`` counts from.
    time_s
        Seconds since ``start`` (local time).
    lat, lon
        Degrees.
    type
        pingan incident type per incident.
    hour, weekday, month
        Local hour 0–23, weekday 0–6 (Monday 0), month 1–12.
    point
        Index of the candidate point each incident lies at.
    parent
        Index (in this history) of the triggering incident, or -1 for background ones.
    description
        Short Chinese description per incident, each ending in "（模拟）".
    branching_ratio, seed, source
        The parameters and profile source it was drawn with.
    simulated
        Always ``True``.
    """

    start: datetime
    time_s: FloatArray
    lat: FloatArray
    lon: FloatArray
    type: npt.NDArray[np.str_]
    hour: IntArray
    weekday: IntArray
    month: IntArray
    point: IntArray
    parent: IntArray
    description: tuple[str, ...]
    branching_ratio: float
    seed: int | None
    source: str
    simulated: bool = True

    def __len__(self) -> int:
        """Return the number of incidents."""
        return int(self.time_s.size)

    def records(self) -> tuple[SimulatedIncident, ...]:
        """Return the incidents as frozen records (``simulated=True``), in time order."""
        return tuple(
            SimulatedIncident(
                occurred_at=self.start + timedelta(seconds=float(t)),
                lat=float(la),
                lon=float(lo),
                type=str(ty),
                description=d,
                parent=None if p < 0 else int(p),
            )
            for t, la, lo, ty, d, p in zip(
                self.time_s.tolist(),
                self.lat.tolist(),
                self.lon.tolist(),
                self.type.tolist(),
                self.description,
                self.parent.tolist(),
                strict=True,
            )
        )


def _day_weights(start: date, days: int, profile: IncidentProfile) -> FloatArray:
    weights: FloatArray = np.empty(days)
    for d in range(days):
        day = start + timedelta(days=d)
        if profile.month_share is not None:
            in_month = calendar.monthrange(day.year, day.month)[1]
            w = profile.month_share[day.month - 1] / in_month
        else:
            doy = day.timetuple().tm_yday
            w = 1.0 + 0.1 * math.cos(2.0 * math.pi * (doy - 196) / 365.25)
        if profile.weekday_share is not None:
            w *= 7.0 * profile.weekday_share[day.weekday()]
        weights[d] = w
    weights /= weights.sum()
    return weights


def _draw_time_of_day(rng: np.random.Generator, hour_p: FloatArray, n: int) -> FloatArray:
    hours = rng.choice(24, size=n, p=hour_p)
    seconds: FloatArray = hours * 3600.0 + rng.uniform(0.0, 3600.0, size=n)
    return seconds


def synthesize_history(
    point_lat: npt.ArrayLike,
    point_lon: npt.ArrayLike,
    point_weight: npt.ArrayLike,
    point_kind: Sequence[str] | None,
    profile: IncidentProfile,
    *,
    start: date,
    days: int = 365,
    incidents_per_year: float = 2000.0,
    branching_ratio: float = 0.3,
    trigger_mean_days: float = 7.0,
    trigger_sigma_m: float = 150.0,
    same_type_share: float = 0.8,
    seed: int | None = None,
) -> SimulatedHistory:
    """Draw a simulated history of incidents; see the module docstring for the model.

    Parameters
    ----------
    point_lat, point_lon
        Candidate points in degrees: places, population-zone points, road nodes.
    point_weight
        Per point, its weight (for example the population a zone point stands for, 1
        for a road node, a few for a bar); ``>= 0`` and not all zero.
    point_kind
        Per point, its kind for :data:`KIND_AFFINITY` (``"road"``, ``"population"``,
        ``"residential"``, or an OSM amenity/shop value such as ``"bar"``); ``None``
        gives every point affinity 1.
    profile
        Hour, type (and optionally month and weekday) shares; use :func:`load_profile`.
    start
        First day of the period (local).
    days
        Length of the period in days.
    incidents_per_year
        Expected incidents per 365 days, follow-ups included.
    branching_ratio
        Expected follow-ups of each incident, ``0 <= branching_ratio < 1``.
    trigger_mean_days
        Mean delay of a follow-up after its parent, in days.
    trigger_sigma_m
        Standard deviation in metres (per axis) of a follow-up's offset from its parent.
    same_type_share
        Probability that a follow-up has its parent's type.
    seed
        Seed for ``np.random.default_rng``; the same seed gives the same history.

    Returns
    -------
    SimulatedHistory
        Incidents sorted by time, each marked simulated.
    """
    lat, lon, weight, kinds = _checked_points(point_lat, point_lon, point_weight, point_kind)
    n_points = lat.size
    _check_parameters(
        days,
        incidents_per_year,
        branching_ratio,
        trigger_mean_days,
        trigger_sigma_m,
        same_type_share,
    )

    rng = np.random.default_rng(seed)
    type_shares = pingan_type_shares(profile)
    type_p = np.array([type_shares[t] for t in INCIDENT_TYPES])
    type_p /= type_p.sum()
    hour_p = np.asarray(profile.hour_share, dtype=np.float64)
    hour_p /= hour_p.sum()
    end_s = days * _DAY_S

    # Per type, cumulative point weights (point weight × kind affinity).
    cumulative = np.empty((len(INCIDENT_TYPES), n_points))
    for k, t in enumerate(INCIDENT_TYPES):
        affinity = KIND_AFFINITY.get(t, {})
        w = weight * np.array([affinity.get(kind, 1.0) for kind in kinds])
        if not w.sum() > 0:
            w = weight
        cumulative[k] = np.cumsum(w) / w.sum()

    # Local metric coordinates for the follow-ups' offsets.
    lat0 = math.radians(float(lat.mean()))
    x = np.radians(lon) * _EARTH_RADIUS_M * math.cos(lat0)
    y = np.radians(lat) * _EARTH_RADIUS_M
    tree = cKDTree(np.column_stack([x, y]))

    # Background incidents.
    n_bg = int(rng.poisson(incidents_per_year * days / 365.0 * (1.0 - branching_ratio)))
    day = rng.choice(days, size=n_bg, p=_day_weights(start, days, profile))
    times = [day * _DAY_S + _draw_time_of_day(rng, hour_p, n_bg)]
    types = [rng.choice(len(INCIDENT_TYPES), size=n_bg, p=type_p)]
    u = rng.uniform(size=n_bg)
    bg_point = np.empty(n_bg, dtype=np.int64)
    for k in range(len(INCIDENT_TYPES)):
        of_type = types[0] == k
        bg_point[of_type] = np.searchsorted(cumulative[k], u[of_type], side="right")
    points = [np.minimum(bg_point, n_points - 1)]
    parents = [np.full(n_bg, -1, dtype=np.int64)]

    # Follow-ups, generation by generation.
    offset = n_bg
    gen_start = 0
    gen_times, gen_types, gen_points = times[0], types[0], points[0]
    while gen_times.size:
        n_children = rng.poisson(branching_ratio, size=gen_times.size)
        parent_idx = np.repeat(np.arange(gen_times.size), n_children)
        m = parent_idx.size
        if m == 0:
            break
        p_time = gen_times[parent_idx]
        delay = rng.exponential(trigger_mean_days * _DAY_S, size=m)
        c_day = np.floor((p_time + delay) / _DAY_S)
        c_time = c_day * _DAY_S + _draw_time_of_day(rng, hour_p, m)
        c_time = np.where(c_time <= p_time, c_time + _DAY_S, c_time)
        keep_type = rng.uniform(size=m) < same_type_share
        fresh_type = rng.choice(len(INCIDENT_TYPES), size=m, p=type_p)
        c_type = np.where(keep_type, gen_types[parent_idx], fresh_type)
        p_point = gen_points[parent_idx]
        target = np.column_stack([x[p_point], y[p_point]]) + rng.normal(
            0.0, trigger_sigma_m, size=(m, 2)
        )
        _, c_point = tree.query(target)
        inside = c_time < end_s
        gen_times = c_time[inside]
        gen_types = c_type[inside]
        gen_points = np.asarray(c_point, dtype=np.int64)[inside]
        times.append(gen_times)
        types.append(gen_types)
        points.append(gen_points)
        parents.append((gen_start + parent_idx)[inside])
        gen_start = offset
        offset += gen_times.size

    all_time = np.concatenate(times)
    all_type = np.concatenate(types)
    all_point = np.concatenate(points)
    all_parent = np.concatenate(parents)
    order = np.argsort(all_time, kind="stable")
    new_index = np.empty_like(order)
    new_index[order] = np.arange(order.size)
    parent_sorted = all_parent[order]
    parent_sorted = np.where(parent_sorted >= 0, new_index[np.maximum(parent_sorted, 0)], -1)
    time_s = all_time[order]
    point = all_point[order]
    type_names = np.array(INCIDENT_TYPES)[all_type[order]]

    start_dt = datetime(start.year, start.month, start.day)
    day_index = (time_s // _DAY_S).astype(np.int64)
    first = start.toordinal()
    dates = [date.fromordinal(first + d) for d in range(days)]
    weekday = np.array([dates[d].weekday() for d in day_index.tolist()], dtype=np.int64)
    month = np.array([dates[d].month for d in day_index.tolist()], dtype=np.int64)
    hour = ((time_s % _DAY_S) // 3600.0).astype(np.int64)
    pick = rng.uniform(size=time_s.size)
    description = tuple(
        DESCRIPTIONS_ZH[t][int(v * len(DESCRIPTIONS_ZH[t]))] + SIMULATED_MARK_ZH
        for t, v in zip(type_names.tolist(), pick.tolist(), strict=True)
    )
    out_lat, out_lon = lat[point], lon[point]
    arrays: tuple[npt.NDArray[Any], ...] = (
        time_s,
        out_lat,
        out_lon,
        type_names,
        hour,
        weekday,
        month,
        point,
        parent_sorted,
    )
    for array in arrays:
        array.setflags(write=False)
    return SimulatedHistory(
        start=start_dt,
        time_s=time_s,
        lat=out_lat,
        lon=out_lon,
        type=type_names,
        hour=hour,
        weekday=weekday,
        month=month,
        point=point,
        parent=parent_sorted,
        description=description,
        branching_ratio=branching_ratio,
        seed=seed,
        source=profile.source,
    )


def _checked_points(
    point_lat: npt.ArrayLike,
    point_lon: npt.ArrayLike,
    point_weight: npt.ArrayLike,
    point_kind: Sequence[str] | None,
) -> tuple[FloatArray, FloatArray, FloatArray, list[str]]:
    """Check the candidate points and return them as arrays (and their kinds)."""
    lat = np.asarray(point_lat, dtype=np.float64).ravel()
    lon = np.asarray(point_lon, dtype=np.float64).ravel()
    weight = np.asarray(point_weight, dtype=np.float64).ravel()
    n_points = lat.size
    if n_points == 0 or lon.shape != (n_points,) or weight.shape != (n_points,):
        raise InvalidInput("one lat, lon and weight per candidate point is needed", field="point")
    if np.any(~np.isfinite(weight)) or np.any(weight < 0) or not weight.sum() > 0:
        raise InvalidInput("point weights must be >= 0 and not all zero", field="point_weight")
    if np.any(np.abs(lat) > 90) or np.any(np.abs(lon) > 180):
        raise InvalidInput("points must be in degrees", field="point")
    kinds = list(point_kind) if point_kind is not None else [""] * n_points
    if len(kinds) != n_points:
        raise InvalidInput("one kind per candidate point is needed", field="point_kind")
    return lat, lon, weight, kinds


def _check_parameters(
    days: int,
    incidents_per_year: float,
    branching_ratio: float,
    trigger_mean_days: float,
    trigger_sigma_m: float,
    same_type_share: float,
) -> None:
    """Check the model's parameters (see :func:`synthesize_history`)."""
    if days < 1:
        raise InvalidInput("days must be >= 1", field="days")
    if not (incidents_per_year >= 0 and math.isfinite(incidents_per_year)):
        raise InvalidInput("incidents_per_year must be >= 0", field="incidents_per_year")
    if not 0.0 <= branching_ratio < 1.0:
        raise InvalidInput("branching_ratio must be in [0, 1)", field="branching_ratio")
    if not (trigger_mean_days > 0 and trigger_sigma_m >= 0):
        raise InvalidInput("trigger delay must be > 0 and offset >= 0", field="trigger")
    if not 0.0 <= same_type_share <= 1.0:
        raise InvalidInput("same_type_share must be in [0, 1]", field="same_type_share")

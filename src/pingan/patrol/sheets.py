"""What a plan looks like outside the API: GeoJSON layers and a printable sheet per group.

The sheet is an A4 PDF drawn with matplotlib (no pyplot state): a map of the group's beat,
post, loop and numbered stops over the area's roads, and the timetable of the loop. Labels
are bilingual when a CJK font (Noto Sans CJK, installed by ``fonts-noto-cjk``) is found, and
English only otherwise.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pingan.algo.graph import RoadGraph
from pingan.errors import NotFound
from pingan.patrol.models import Plan, PlanRoute

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK", "Noto Serif CJK SC")
CJK_FONT_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
)


def plan_geojson(plan: Plan) -> dict[str, Any]:
    """Posts, loops, stops and beats of a plan as one FeatureCollection (lon/lat)."""
    features: list[dict[str, Any]] = []
    for beat in plan.beats:
        features.append(
            {
                "type": "Feature",
                "geometry": beat.outline,
                "properties": {
                    "kind": "beat",
                    "group": beat.beat_no,
                    "workload": beat.workload,
                    "n_nodes": beat.n_nodes,
                },
            }
        )
    for route in plan.routes:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": route.geometry},
                "properties": {
                    "kind": "route",
                    "group": route.group_no,
                    "travel_s": route.travel_s,
                    "dwell_s": route.dwell_s,
                    "loop_s": route.loop_s,
                    "repeats": route.repeats,
                },
            }
        )
        for stop in route.stops:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [stop["lon"], stop["lat"]]},
                    "properties": {
                        "kind": "stop",
                        "group": route.group_no,
                        "order": stop["order"],
                        "hotspot": stop["hotspot"],
                        "arrival_s": stop["arrival_s"],
                        "departure_s": stop["departure_s"],
                        "dwell_s": stop["dwell_s"],
                    },
                }
            )
    for post in plan.posts:
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(post.lon, 6), round(post.lat, 6)],
                },
                "properties": {"kind": "post", "group": post.group_no, "fixed": post.fixed},
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "plan_id": plan.id,
            "name": plan.name,
            "shift": f"{plan.shift_start}-{plan.shift_end}",
            "attribution": "© OpenStreetMap contributors (ODbL)",
        },
    }


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Family name of a CJK font matplotlib can use (registered from Debian's
    ``fonts-noto-cjk`` files when present), or ``None``."""
    from matplotlib import font_manager

    for path in CJK_FONT_FILES:
        if path.exists():
            try:
                font_manager.fontManager.addfont(str(path))
                return str(font_manager.FontProperties(fname=str(path)).get_name())
            except (OSError, RuntimeError, ValueError):
                continue
    names = {f.name for f in font_manager.fontManager.ttflist}
    for wanted in CJK_FONTS:
        if wanted in names:
            return wanted
    return next((n for n in sorted(names) if "CJK" in n), None)


def _clock(start: str, offset_s: float) -> str:
    base = datetime(2000, 1, 1, int(start[:2]), int(start[3:]))
    return (base + timedelta(seconds=round(offset_s))).strftime("%H:%M")


def _stop_table(
    table_ax: Any,
    plan: Plan,
    route: PlanRoute | None,
    label: Callable[[str, str], str],
    font: str | None,
) -> None:
    """The loop's stops as a table: order, hot spot, arrival, departure, dwell, location."""
    rows: list[list[str]] = []
    if route is not None:
        for stop in route.stops:
            rows.append(
                [
                    str(stop["order"]),
                    f"#{stop['hotspot']}",
                    _clock(plan.shift_start, stop["arrival_s"]),
                    _clock(plan.shift_start, stop["departure_s"]),
                    f"{stop['dwell_s'] / 60:.0f}",
                    f"{stop['lat']:.5f}, {stop['lon']:.5f}",
                ]
            )
    if rows:
        header = [
            label("序", "#"),
            label("点位", "spot"),
            label("到达", "arrive"),
            label("离开", "leave"),
            label("停留(分)", "dwell min"),
            label("位置", "location"),
        ]
        table = table_ax.table(cellText=rows, colLabels=header, loc="upper center")
        table.auto_set_font_size(False)
        table.set_fontsize(8)
        if font:
            for cell in table.get_celld().values():
                cell.get_text().set_fontfamily([font, "DejaVu Sans"])


def group_sheet_pdf(plan: Plan, group: int, graph: RoadGraph, *, fmt: str = "pdf") -> bytes:
    """The printable sheet of one group (1-based) as PDF bytes (``fmt="png"`` for an image)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Polygon as PolygonPatch

    post = next((p for p in plan.posts if p.group_no == group), None)
    if post is None:
        raise NotFound(f"plan {plan.id} has no group {group}")
    route = next((r for r in plan.routes if r.group_no == group), None)
    beat = next((b for b in plan.beats if b.beat_no == group), None)
    font = cjk_font()

    def label(zh: str, en: str) -> str:
        return f"{zh} {en}" if font else en

    fig = Figure(figsize=(8.27, 11.69))
    FigureCanvasAgg(fig)
    text_kw: dict[str, Any] = {"fontfamily": [font, "DejaVu Sans"]} if font else {}
    fig.suptitle(
        label("巡逻勤务单", "Patrol sheet")
        + f" — {plan.name} · "
        + label(f"第{group}组", f"group {group}"),
        fontsize=13,
        **text_kw,
    )
    fig.text(
        0.5,
        0.945,
        f"{label('班次', 'shift')} {plan.shift_start}-{plan.shift_end} ({plan.day_type}) · "
        f"{label('岗位', 'post')} {post.lat:.5f}, {post.lon:.5f}"
        + (f" ({label('固定岗', 'fixed')})" if post.fixed else ""),
        ha="center",
        fontsize=9,
        **text_kw,
    )
    ax = fig.add_axes((0.07, 0.42, 0.86, 0.5))
    points = [(post.lon, post.lat)]
    if route is not None:
        points += [(c[0], c[1]) for c in route.geometry]
    if beat is not None and beat.outline.get("type") == "Polygon":
        ring = beat.outline["coordinates"][0]
        points += [(c[0], c[1]) for c in ring]
        ax.add_patch(
            PolygonPatch(ring, closed=True, facecolor="#fde9c9", edgecolor="#d9822b", alpha=0.6)
        )
    lons = np.array([p[0] for p in points])
    lats = np.array([p[1] for p in points])
    pad_lon = max(float(lons.max() - lons.min()) * 0.1, 0.002)
    pad_lat = max(float(lats.max() - lats.min()) * 0.1, 0.001)
    west, east = float(lons.min()) - pad_lon, float(lons.max()) + pad_lon
    south, north = float(lats.min()) - pad_lat, float(lats.max()) + pad_lat
    tail = graph.tail
    inside = (
        (graph.lon[tail] >= west)
        & (graph.lon[tail] <= east)
        & (graph.lat[tail] >= south)
        & (graph.lat[tail] <= north)
    )
    edges = np.flatnonzero(inside)
    segments = np.stack(
        [
            np.column_stack([graph.lon[tail[edges]], graph.lat[tail[edges]]]),
            np.column_stack([graph.lon[graph.head[edges]], graph.lat[graph.head[edges]]]),
        ],
        axis=1,
    )
    ax.add_collection(LineCollection(list(segments), colors="#bbbbbb", linewidths=0.6))
    if route is not None and len(route.geometry) > 1:
        line = np.asarray(route.geometry)
        ax.plot(line[:, 0], line[:, 1], color="#1f5fbf", linewidth=2.0)
        for stop in route.stops:
            ax.plot(stop["lon"], stop["lat"], "o", color="#c0392b", markersize=9)
            ax.annotate(
                str(stop["order"]),
                (stop["lon"], stop["lat"]),
                color="white",
                ha="center",
                va="center",
                fontsize=7,
            )
    ax.plot(post.lon, post.lat, "s", color="#1a1a1a", markersize=10)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1.0 / max(np.cos(np.radians((south + north) / 2)), 0.1))
    ax.tick_params(labelsize=6)
    ax.set_title(
        label("■ 岗位  ● 必到点  — 巡逻路线", "■ post  ● hot spot  — loop"), fontsize=8, **text_kw
    )

    table_ax = fig.add_axes((0.07, 0.05, 0.86, 0.33))
    table_ax.axis("off")
    _stop_table(table_ax, plan, route, label, font)
    summary = label("无必到点", "no hot spots on this loop")
    if route is not None and route.stops:
        summary = (
            f"{label('一圈', 'loop')} {route.loop_s / 60:.0f} min "
            f"({label('行驶', 'driving')} {route.travel_s / 60:.0f} min, "
            f"{label('停留', 'dwell')} {route.dwell_s / 60:.0f} min) · "
            f"{label('本班重复', 'repeat')} × {route.repeats}"
        )
    table_ax.text(0.0, 0.0, summary, fontsize=9, transform=table_ax.transAxes, **text_kw)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=80 if fmt == "png" else None)
    return buffer.getvalue()

"""The campaign report: a four-page PDF and PNG charts (matplotlib), in zh-CN or en.

Pages: (1) summary — totals with 环比 and 同比 and the exact Poisson test's verdict, and the
table by type; (2) counts by type, this period against the period before and the same period
last year; (3) incidents per day against the same days last year; (4) counts by station.
Chinese text uses Noto Sans CJK from Debian's ``fonts-noto-cjk``; when that font is missing
the report is still drawn (CJK characters may show as boxes) and a warning says so.

:func:`report_data` gathers the numbers (:mod:`pingan.analytics.stats`); :func:`render_pdf`
and :func:`render_png` draw them.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

from pingan.algo.stats import same_period_last_year
from pingan.analytics.stats import check_stats_range, daily_counts, incident_stats
from pingan.config import Settings
from pingan.db import utcnow
from pingan.incidents.open311 import SERVICE_NAMES
from pingan.principal import Principal

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
LANGUAGES = ("zh-CN", "en")
#: Page count of the PDF.
PAGES = 4
CHARTS = ("types", "daily", "stations")

TEXT: dict[str, dict[str, str]] = {
    "zh-CN": {
        "title": "专项行动报告",
        "period": "统计期间",
        "generated": "生成时间",
        "simulated": "注意：含模拟数据，仅供演示，不能用于评估。",
        "total": "警情总数",
        "previous": "上期（环比）",
        "last_year": "去年同期（同比）",
        "count": "本期",
        "type": "类型",
        "station": "派出所",
        "mom": "环比",
        "yoy": "同比",
        "verdict_note": "检验：精确泊松（条件二项）检验，α = 0.05。",
        "types_title": "按类型统计",
        "daily_title": "每日警情",
        "stations_title": "按派出所统计",
        "this_period": "本期",
        "day": "日期",
        "incidents": "警情数",
        "beyond": "超出随机波动",
        "within": "在随机波动范围内",
        "none": "无数据",
    },
    "en": {
        "title": "Campaign report",
        "period": "Period",
        "generated": "Generated",
        "simulated": "Note: includes simulated data, for demonstration only; not an evaluation.",
        "total": "Incidents",
        "previous": "Period before (环比)",
        "last_year": "Same period last year (同比)",
        "count": "This period",
        "type": "Type",
        "station": "Station",
        "mom": "vs before",
        "yoy": "vs last year",
        "verdict_note": "Test: exact Poisson (conditional binomial) test, alpha = 0.05.",
        "types_title": "Incidents by type",
        "daily_title": "Incidents per day",
        "stations_title": "Incidents by station",
        "this_period": "This period",
        "day": "Day",
        "incidents": "Incidents",
        "beyond": "beyond chance",
        "within": "within chance",
        "none": "no data",
    },
}


@dataclass(frozen=True)
class ReportData:
    """What the report shows (built by the service from stored incidents)."""

    start: dt.date
    end: dt.date
    by_type: dict[str, Any]
    by_station: dict[str, Any]
    daily: dict[dt.date, int]
    daily_last_year: dict[dt.date, int]
    type_names: dict[str, tuple[str, str]]
    simulated: bool
    generated_at: dt.datetime


_font_checked: dict[str, str | None] = {}


def report_data(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    *,
    start: dt.date,
    end: dt.date,
    city: str | None = None,
) -> ReportData:
    """Everything the campaign report of ``start`` … ``end`` (inclusive) shows."""
    check_stats_range(start, end)
    by_type = incident_stats(
        db_session, settings, principal, start=start, end=end, group_by="type", city=city
    )
    by_station = incident_stats(
        db_session, settings, principal, start=start, end=end, group_by="station", city=city
    )
    last_start, last_stop = same_period_last_year(start, end + dt.timedelta(days=1))
    daily = daily_counts(db_session, settings, principal, start=start, end=end, city=city)
    daily_last_year = daily_counts(
        db_session,
        settings,
        principal,
        start=last_start,
        end=last_stop - dt.timedelta(days=1),
        city=city,
    )
    return ReportData(
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


def font_family() -> str | None:
    """Register the CJK font once; ``None`` (with a warning) when it is not installed."""
    if "family" in _font_checked:
        return _font_checked["family"]
    from matplotlib import font_manager

    family: str | None = None
    if CJK_FONT.exists():
        font_manager.fontManager.addfont(str(CJK_FONT))
        bold = CJK_FONT.with_name(CJK_FONT.name.replace("Regular", "Bold"))
        if bold.exists():
            font_manager.fontManager.addfont(str(bold))
        family = font_manager.FontProperties(fname=str(CJK_FONT)).get_name()
    else:
        warnings.warn(
            f"{CJK_FONT} is missing (install Debian's fonts-noto-cjk): Chinese text in the "
            "report will not render",
            RuntimeWarning,
            stacklevel=2,
        )
    _font_checked["family"] = family
    return family


def _rc() -> dict[RcKeyType, Any]:
    family = font_family()
    rc: dict[RcKeyType, Any] = {"pdf.fonttype": 42, "axes.unicode_minus": False}
    if family:
        rc["font.family"] = [family, "DejaVu Sans"]
    return rc


def _pct(change: float | None) -> str:
    if change is None:
        return "–"
    return f"{change * 100:+.0f}%".replace("-", "−")


def _verdict(comparison: dict[str, Any], words: dict[str, str]) -> str:
    if comparison["change"] is None:
        return "–"
    word = words["beyond"] if comparison["significant"] else words["within"]
    return f"{_pct(comparison['change'])}, {word} (p = {comparison['p_value']:.2g})"


def _name(data: ReportData, key: str, lang: str, group: dict[str, Any] | None = None) -> str:
    if key in data.type_names:
        zh, en = data.type_names[key]
        return zh if lang == "zh-CN" else en
    if group is not None:
        return str(group["name_zh"] if lang == "zh-CN" else group["name_en"]) or key
    return key


def _summary_page(data: ReportData, lang: str) -> Any:
    from matplotlib.figure import Figure

    words = TEXT[lang]
    fig = Figure(figsize=(8.27, 11.69))
    fig.text(0.08, 0.94, f"平安 pingan · {words['title']}", fontsize=20, weight="bold")
    fig.text(
        0.08,
        0.905,
        f"{words['period']}: {data.start.isoformat()} – {data.end.isoformat()}    "
        f"{words['generated']}: {data.generated_at:%Y-%m-%d %H:%M}",
        fontsize=10,
    )
    y = 0.87
    if data.simulated:
        fig.text(0.08, y, words["simulated"], fontsize=10, color="#b00020")
        y -= 0.03
    total = data.by_type["total"]
    lines = [
        f"{words['total']}: {total['count']}",
        f"{words['previous']}: {total['previous']} → "
        f"{_verdict(total['period_over_period'], words)}",
        f"{words['last_year']}: {total['last_year']} → {_verdict(total['year_over_year'], words)}",
    ]
    for line in lines:
        fig.text(0.08, y, line, fontsize=12)
        y -= 0.03
    fig.text(0.08, y, words["verdict_note"], fontsize=9, color="#555555")
    ax = fig.add_axes((0.05, 0.05, 0.9, y - 0.08))
    ax.axis("off")
    header = [words["type"], words["count"], words["mom"], words["yoy"]]
    rows = [
        [
            _name(data, g["key"], lang, g),
            str(g["count"]),
            f"{g['previous']} ({_pct(g['period_over_period']['change'])}"
            f"{'*' if g['period_over_period']['significant'] else ''})",
            f"{g['last_year']} ({_pct(g['year_over_year']['change'])}"
            f"{'*' if g['year_over_year']['significant'] else ''})",
        ]
        for g in data.by_type["groups"][:25]
    ] or [[words["none"], "0", "–", "–"]]
    table = ax.table(cellText=rows, colLabels=header, loc="upper center", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    table.scale(1.0, 1.3)
    return fig


def _bars(data: ReportData, stats: dict[str, Any], lang: str, title: str, label: str) -> Any:
    import numpy as np
    from matplotlib.figure import Figure

    words = TEXT[lang]
    groups = stats["groups"][:15]
    fig = Figure(figsize=(11.69, 8.27))
    ax = fig.add_subplot(1, 1, 1)
    ax.set_title(f"{title} ({data.start} – {data.end})")
    if groups:
        names = [_name(data, g["key"], lang, g) for g in groups]
        y = np.arange(len(groups))
        ax.barh(y - 0.27, [g["count"] for g in groups], 0.27, label=words["this_period"])
        ax.barh(y, [g["previous"] for g in groups], 0.27, label=words["previous"])
        ax.barh(y + 0.27, [g["last_year"] for g in groups], 0.27, label=words["last_year"])
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.legend(loc="lower right")
        for k, g in enumerate(groups):
            if g["year_over_year"]["significant"]:
                ax.annotate(
                    "*",
                    (g["count"], k - 0.27),
                    xytext=(3, -4),
                    textcoords="offset points",
                )
    else:
        ax.text(0.5, 0.5, words["none"], ha="center", transform=ax.transAxes)
    ax.set_xlabel(words["incidents"])
    ax.set_ylabel(label)
    if data.simulated:
        fig.text(0.01, 0.01, words["simulated"], fontsize=9, color="#b00020")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def _daily(data: ReportData, lang: str) -> Any:
    from matplotlib.figure import Figure

    words = TEXT[lang]
    fig = Figure(figsize=(11.69, 8.27))
    ax = fig.add_subplot(1, 1, 1)
    days = sorted(data.daily)
    # matplotlib plots dates through its unit converters; its stubs take numbers only
    ax.plot(days, [data.daily[d] for d in days], marker="o", ms=3, label=words["this_period"])  # type: ignore[arg-type]
    last = sorted(data.daily_last_year)
    if len(last) == len(days):
        ax.plot(
            days,  # type: ignore[arg-type]  # dates, as above
            [data.daily_last_year[d] for d in last],
            marker="o",
            ms=3,
            linestyle="--",
            label=words["last_year"],
        )
    ax.set_title(f"{words['daily_title']} ({data.start} – {data.end})")
    ax.set_xlabel(words["day"])
    ax.set_ylabel(words["incidents"])
    ax.set_ylim(bottom=0)
    ax.legend()
    fig.autofmt_xdate()
    if data.simulated:
        fig.text(0.01, 0.01, words["simulated"], fontsize=9, color="#b00020")
    return fig


def _figures(data: ReportData, lang: str) -> dict[str, Callable[[], Any]]:
    words = TEXT[lang]
    return {
        "summary": lambda: _summary_page(data, lang),
        "types": lambda: _bars(data, data.by_type, lang, words["types_title"], words["type"]),
        "daily": lambda: _daily(data, lang),
        "stations": lambda: _bars(
            data, data.by_station, lang, words["stations_title"], words["station"]
        ),
    }


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        from pingan.errors import InvalidInput

        raise InvalidInput(f"lang must be one of {', '.join(LANGUAGES)}", field="lang")


def render_pdf(data: ReportData, lang: str = "zh-CN") -> bytes:
    """The report as PDF bytes (:data:`PAGES` pages)."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    _check_lang(lang)
    out = io.BytesIO()
    metadata = {"Title": f"pingan {TEXT[lang]['title']}"}
    with matplotlib.rc_context(_rc()), PdfPages(out, metadata=metadata) as pdf:
        for make in _figures(data, lang).values():
            pdf.savefig(make())
    return out.getvalue()


def render_png(data: ReportData, chart: str, lang: str = "zh-CN", dpi: int = 120) -> bytes:
    """One chart (:data:`CHARTS`) as PNG bytes."""
    import matplotlib

    _check_lang(lang)
    if chart not in CHARTS:
        from pingan.errors import InvalidInput

        raise InvalidInput(f"chart must be one of {', '.join(CHARTS)}", field="chart")
    out = io.BytesIO()
    with matplotlib.rc_context(_rc()):
        _figures(data, lang)[chart]().savefig(out, format="png", dpi=dpi)
    return out.getvalue()

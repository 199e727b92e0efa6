"""Analytics commands that work on incident files: forecast evaluation and near repeat."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pingan.algo import hotspots as hs
from pingan.algo.nearrepeat import knox_test
from pingan.analytics.io import IncidentTable, read_incidents_csv
from pingan.errors import InvalidInput

console = Console()
app = typer.Typer(help="Analysis: hot-spot forecasts, near repeat.", no_args_is_help=True)

DataOpt = Annotated[Path, typer.Option("--data", help="Incident CSV file.")]
LayoutOpt = Annotated[
    str,
    typer.Option(
        "--layout",
        help="CSV layout: default (occurred_at, lat, lon, type) or toronto-mci "
        "(occurrencedate, occurrencehour, MCI, Lat, Long).",
    ),
]

_HORIZON = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdw])\s*$")


def parse_horizon_h(text: str) -> float:
    """``"7d"`` → 168.0, ``"12h"`` → 12.0, ``"2w"`` → 336.0 (hours)."""
    match = _HORIZON.match(text)
    if match is None or float(match.group(1)) <= 0:
        raise InvalidInput(f"horizon {text!r}: write it as 12h, 1d, 7d or 2w", field="horizon")
    return float(match.group(1)) * {"h": 1.0, "d": 24.0, "w": 168.0}[match.group(2)]


def _day_hours(text: str, field: str) -> float:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD)", field=field) from None
    return float(hs.to_hours(np.array([np.datetime64(day, "D")]))[0])


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _filter_types(table: IncidentTable, types: list[str]) -> np.ndarray:
    if not types:
        return np.ones(len(table), dtype=bool)
    unknown = sorted(set(types) - set(table.type.tolist()))
    if unknown:
        known = ", ".join(sorted(set(table.type.tolist())))
        raise InvalidInput(f"no incidents of type {', '.join(unknown)} (known: {known})", "types")
    return np.isin(table.type, types)


@app.command("evaluate")
def evaluate(
    data: DataOpt,
    date_from: Annotated[str, typer.Option("--from", help="First day evaluated (YYYY-MM-DD).")],
    date_to: Annotated[str, typer.Option("--to", help="Last day evaluated, inclusive.")],
    horizon: Annotated[str, typer.Option(help="Forecast window: 12h, 1d, 7d, 2w.")] = "7d",
    cell: Annotated[float, typer.Option(help="Grid cell size, metres.")] = 150.0,
    models: Annotated[
        str, typer.Option(help=f"Comma-separated models among {', '.join(hs.MODELS)}.")
    ] = "naive,kde,prospective,sepp,best",
    types: Annotated[str | None, typer.Option(help="Only these types (comma-separated).")] = None,
    layout: LayoutOpt = "default",
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the rows here.")] = None,
) -> None:
    """Rolling evaluation of hot-spot forecasts: hit rate, PAI and PEI at 0.5/1/5/10% of area.

    Each window is forecast from the events before it only. Area shares are over the grid cells
    that hold at least one incident of the file (all types). The oracle row is the best fixed
    map for the whole period (knowing its outcome).
    """
    names = _split(models)
    bad = [m for m in names if m not in hs.MODELS]
    if not names or bad:
        raise InvalidInput(
            f"unknown model(s) {', '.join(bad) or '(none)'}; choose from {', '.join(hs.MODELS)}",
            field="models",
        )
    start_h = _day_hours(date_from, "from")
    end_h = _day_hours(date_to, "to") + 24.0
    if end_h <= start_h:
        raise InvalidInput("--to is before --from", field="to")
    horizon_h = parse_horizon_h(horizon)
    if not cell > 0:
        raise InvalidInput("cell size must be positive", field="cell")
    table = read_incidents_csv(data, layout, drop_duplicates=True)
    if len(table) == 0:
        raise InvalidInput("the file holds no incidents", field="data")
    grid = hs.make_grid(table.lon, table.lat, cell)
    keep = _filter_types(table, _split(types))
    events = hs.events_on_grid(
        grid, table.time_h()[keep], table.lon[keep], table.lat[keep], table.type[keep]
    )
    if not len(events.between(start_h, end_h)):
        raise InvalidInput("no incidents in the evaluation period", field="from")
    if not len(events.before(start_h)):
        raise InvalidInput("no incidents before the evaluation period to learn from", "from")
    settings = {name: (name, dict(hs.BEST_DEFAULTS) if name == "best" else {}) for name in names}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} windows"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("forecasting", total=None)

        def advance(i: int, n: int) -> None:
            progress.update(task, completed=i + 1, total=n)

        result = hs.evaluate_forecasts(
            events, grid, start_h, end_h, horizon_h, settings, on_window=advance
        )
    dropped = table.duplicates_dropped
    note = f" ({dropped} duplicate lines dropped)" if dropped else ""
    console.print(
        f"{result.n_events} incidents in {len(result.windows)} windows of {horizon}, "
        f"{grid.n_cells} cells of {cell:g} m{note}"
    )
    out = Table("model", "coverage", "hit rate", "PAI", "PEI")
    rows = []
    for row in result.rows:
        out.add_row(
            row.model,
            f"{row.coverage * 100:g}%",
            f"{row.hit_rate * 100:.1f}%",
            f"{row.pai:.2f}",
            f"{row.pei:.3f}",
        )
        rows.append(
            {
                "model": row.model,
                "coverage": row.coverage,
                "hit_rate": row.hit_rate,
                "pai": row.pai,
                "pei": row.pei,
            }
        )
    console.print(out)
    if json_path is not None:
        json_path.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
        console.print(f"wrote {json_path}")


@app.command("near-repeat")
def near_repeat(
    data: DataOpt,
    crime_type: Annotated[str, typer.Option("--type", help="Crime type to test.")],
    layout: LayoutOpt = "default",
    space: Annotated[str, typer.Option(help="Space band edges, metres.")] = "0,100,200,300,400",
    time: Annotated[str, typer.Option(help="Time band edges, days.")] = "0,7,14,21,28",
    permutations: Annotated[int, typer.Option(help="Monte Carlo permutations.")] = 99,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
    date_from: Annotated[str | None, typer.Option("--from", help="First day used.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day used, inclusive.")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the table here.")] = None,
) -> None:
    """Knox test: are incidents close in space also close in time more often than chance?

    Bands are (lo, hi] with the first one including 0; expected counts come from permuting
    times among the incidents; p = (1 + #permutations >= observed) / (1 + permutations).
    """
    try:
        space_edges = [float(v) for v in _split(space)]
        time_edges = [float(v) for v in _split(time)]
    except ValueError:
        raise InvalidInput("band edges must be numbers separated by commas", "space") from None
    table = read_incidents_csv(data, layout, drop_duplicates=True)
    keep = _filter_types(table, [crime_type])
    t_h = table.time_h()
    if date_from:
        keep &= t_h >= _day_hours(date_from, "from")
    if date_to:
        keep &= t_h < _day_hours(date_to, "to") + 24.0
    if keep.sum() < 2:
        raise InvalidInput("need at least two incidents of that type", field="type")
    lon, lat = table.lon[keep], table.lat[keep]
    grid = hs.make_grid(lon, lat, 1000.0)
    x, y = grid.project(lon, lat)
    result = knox_test(
        x, y, t_h[keep] / 24.0, space_edges, time_edges, n_permutations=permutations, seed=seed
    )
    console.print(
        f"Knox test, {crime_type}: {result.n_events} incidents, {result.n_pairs} pairs, "
        f"{permutations} permutations (seed {seed}). Cells: observed / expected = ratio (p)."
    )
    out = Table("distance \\ time", *result.time_labels())
    for i, label in enumerate(result.space_labels()):
        cells = []
        for j in range(len(result.time_labels())):
            star = " *" if result.p_value[i, j] < 0.05 else ""
            cells.append(
                f"{result.observed[i, j]} / {result.expected[i, j]:.1f} = "
                f"{result.ratio[i, j]:.2f} (p {result.p_value[i, j]:.2f}){star}"
            )
        out.add_row(label, *cells)
    console.print(out)
    console.print("* p < 0.05: more pairs than chance at that distance and time")
    if json_path is not None:
        payload = {
            "type": crime_type,
            "space_edges_m": result.space_edges_m,
            "time_edges_days": result.time_edges_days,
            "observed": result.observed.tolist(),
            "expected": result.expected.tolist(),
            "ratio": [[None if np.isnan(v) else v for v in row] for row in result.ratio.tolist()],
            "p_value": result.p_value.tolist(),
            "n_events": result.n_events,
            "n_permutations": permutations,
            "seed": seed,
        }
        json_path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


# ------------------------------------------------------------------ stored incidents
# (added with pingan.analytics' domain package: these work on the database, not on files)


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD)", field=field) from None


@app.command("forecast")
def forecast(
    city: Annotated[str, typer.Option("--city", help="City name, e.g. helsinki.")],
    horizon: Annotated[str, typer.Option(help="Window: 12h, 1d, 7d, 2w.")] = "7d",
    model: Annotated[str, typer.Option(help=f"One of {', '.join(hs.MODELS)}.")] = "best",
    cell: Annotated[float, typer.Option(help="Cell side, metres.")] = 150.0,
    jurisdiction: Annotated[
        str | None, typer.Option(help="Jurisdiction code (default: the city's).")
    ] = None,
) -> None:
    """Forecast hot spots from the city's stored incidents and store it for the map and
    patrol planning."""
    from pingan.analytics import forecasts
    from pingan.analytics.schemas import ForecastCreate
    from pingan.cli.core import session_factory
    from pingan.config import get_settings
    from pingan.db import unit_of_work

    settings = get_settings()
    body = ForecastCreate(
        city=city, horizon=horizon, model=model, cell_m=cell, jurisdiction_code=jurisdiction
    )
    with unit_of_work(session_factory(settings)) as db_session:
        made = forecasts.create_forecast(db_session, settings, body, actor="cli")
        read = forecasts.forecast_read(db_session, made)
    note = f" [{read['label']}]" if read["label"] else ""
    console.print(
        f"forecast {read['id']}: {read['city']}, model {read['model']}, "
        f"{read['horizon_h']:g} h from {read['starts_at']:%Y-%m-%d %H:%M} UTC, "
        f"{read['n_cells']} cells from {read['n_events']} incidents{note}",
        highlight=False,
        markup=False,
    )
    print(json.dumps({"forecast_id": read["id"], "simulated": read["simulated"]}))


@app.command("report")
def report(
    date_from: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
    date_to: Annotated[str, typer.Option("--to", help="Last day, inclusive.")],
    out: Annotated[Path, typer.Option("--out", help="PDF file to write.")],
    lang: Annotated[str, typer.Option(help="zh-CN or en.")] = "zh-CN",
    city: Annotated[str | None, typer.Option(help="Only this city.")] = None,
    png_dir: Annotated[
        Path | None, typer.Option("--png-dir", help="Also write the charts as PNG here.")
    ] = None,
) -> None:
    """The campaign report of a date range (every incident in the database) as PDF."""
    from pingan.analytics import report as reports
    from pingan.cli.core import session_factory
    from pingan.config import get_settings
    from pingan.db import unit_of_work

    settings = get_settings()
    start, end = _date(date_from, "from"), _date(date_to, "to")
    with unit_of_work(session_factory(settings)) as db_session:
        data = reports.report_data(db_session, settings, None, start=start, end=end, city=city)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(reports.render_pdf(data, lang))
    written = [str(out)]
    if png_dir is not None:
        png_dir.mkdir(parents=True, exist_ok=True)
        for chart in reports.CHARTS:
            png = png_dir / f"{chart}-{lang}.png"
            png.write_bytes(reports.render_png(data, chart, lang))
            written.append(str(png))
    total = data.by_type["total"]
    console.print(
        f"{start} – {end}: {total['count']} incidents; 环比 "
        f"{total['period_over_period']['verdict']}; 同比 {total['year_over_year']['verdict']}"
        + (" [simulated data]" if data.simulated else ""),
        highlight=False,
        markup=False,
    )
    for name in written:
        console.print(f"wrote {name}", highlight=False)

"""``pingan city …`` and ``pingan route …``: import OSM extracts, travel times, reach."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from pingan.cli.core import console, progress_bar, session_factory
from pingan.config import get_settings
from pingan.db import unit_of_work

if TYPE_CHECKING:
    from rich.progress import TaskID

    from pingan.city.service import ImportReport

app = typer.Typer(
    help="Cities: import OpenStreetMap extracts into travel-time networks.", no_args_is_help=True
)
route_app = typer.Typer(
    help="Road travel times and reach on a city's network.", no_args_is_help=True
)


def import_with_progress(path: Path, name: str, jurisdiction: str | None) -> ImportReport:
    from pingan.city import service

    settings = get_settings()
    factory = session_factory(settings)
    with progress_bar() as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, fraction: float) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=1.0)
            bar.update(tasks[stage], completed=fraction)

        with unit_of_work(factory) as db_session:
            result = service.import_city(
                db_session, settings, path, name, jurisdiction_code=jurisdiction, progress=report
            )
            city = result.city
        service.remove_stale_versions(settings, city)
    return result


@app.command("import")
def city_import(
    file: Path,
    name: Annotated[str, typer.Option(help="Name of the city, e.g. helsinki.")],
    jurisdiction: Annotated[
        str | None, typer.Option(help="Jurisdiction code owning the city.")
    ] = None,
) -> None:
    """Import FILE.osm.pbf: car, e-bike and foot networks, places and the gazetteer."""
    result = import_with_progress(file, name, jurisdiction)
    table = Table(title=f"city {result.city.name}")
    for column in ("mode", "nodes", "edges", "dropped nodes", "dropped edges", "components"):
        table.add_column(column, justify="right")
    for mode, stats in result.modes.items():
        table.add_row(
            mode,
            str(stats["nodes"]),
            str(stats["edges"]),
            str(stats["dropped_nodes"]),
            str(stats["dropped_edges"]),
            str(stats["components"]),
        )
    console.print(table)
    for mode, reason in result.skipped_modes.items():
        console.print(f"[yellow]no {mode} network[/yellow]: {reason}")
    places = ", ".join(f"{k} {v}" for k, v in sorted(result.places.items()))
    console.print(f"places: {places or 'none'}")


@app.command("list")
def city_list() -> None:
    """List the imported cities."""
    from pingan.city import service

    with unit_of_work(session_factory(get_settings())) as db_session:
        for city in service.list_cities(db_session):
            car = city.stats.get("modes", {}).get("car", {})
            console.print(f"{city.name}: {car.get('nodes', 0)} car nodes, {city.source_file}")


def _point(text: str, field: str) -> tuple[float, float]:
    from pingan.city.points import parse_latlon

    return parse_latlon(text, field)


@route_app.command("eta")
def route_eta(
    city: Annotated[str, typer.Option(help="City name.")],
    from_: Annotated[str, typer.Option("--from", help="LAT,LON")],
    to: Annotated[str, typer.Option(help="LAT,LON")],
    mode: Annotated[str, typer.Option(help="car, ebike or foot")] = "car",
) -> None:
    """Fastest road travel time between two points."""
    from pingan.city import service

    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        result = service.eta(
            db_session, settings, city, _point(from_, "--from"), _point(to, "--to"), mode
        )
    console.print(
        f"{mode}: {result['travel_time_s']:.1f} s ({result['travel_time_s'] / 60:.1f} min), "
        f"{result['distance_m']:.0f} m; "
        f"snapped {result['from_snap_m']:.0f} m / {result['to_snap_m']:.0f} m"
    )


@route_app.command("reach")
def route_reach(
    city: Annotated[str, typer.Option(help="City name.")],
    at: Annotated[str, typer.Option(help="LAT,LON")],
    cutoffs: Annotated[str, typer.Option(help="Seconds, comma-separated.")] = "60,180,300",
    mode: Annotated[str, typer.Option(help="car, ebike or foot")] = "car",
) -> None:
    """Areas reachable within each cut-off, as GeoJSON on stdout."""
    from pingan.city import service
    from pingan.city.points import parse_cutoffs

    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        collection = service.reach(
            db_session, settings, city, _point(at, "--at"), parse_cutoffs(cutoffs), mode
        )
    typer.echo(json.dumps(collection, ensure_ascii=False))

"""Population demand works from an installed wheel (issue 12): the bundled data ship as
package data, found without the checkout.

The wheel is built from a copy of the sources, installed with ``--no-deps`` into a fresh
virtual environment that borrows this environment's dependencies (a ``.pth`` line naming
their folder, which does not run the checkout's editable-install hook), and a script run
from outside the checkout imports Coquimbo from the bundled extract and computes a shift's
demand for the whole city.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TEST_AUDIT_KEY = "test-audit-key-0123456789abcdef0123456789"

#: Run inside the fresh environment, with cwd outside the checkout; prints one JSON line.
SCRIPT = """
import json, sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pingan
from pingan.audit import keys
from pingan.bundled import bundled_file
from pingan.city import service as cities
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Level
from pingan.jurisdictions.schemas import JurisdictionCreate
from pingan.migrations import upgrade
from pingan.patrol import demand
from pingan.patrol.models import DayType

settings = Settings(data_dir=Path(sys.argv[1]), audit_key=sys.argv[2])
settings.data_dir.mkdir()
upgrade(settings.effective_database_url)
engine = keys.keyed(make_engine(settings.effective_database_url), keys.load_key(settings))
with unit_of_work(make_session_factory(engine)) as db_session:
    bureau = jurisdictions.create(
        db_session,
        JurisdictionCreate(code="bureau", level=Level.bureau, name_zh="局", name_en="Bureau"),
    )
    city = cities.import_city(
        db_session, settings, bundled_file("osm/coquimbo.osm.pbf"), "coquimbo",
        jurisdiction_code="bureau",
    ).city
    graph = cities.load_graph(settings, city, "car")
    found = demand.shift_demand(
        db_session, graph, city, demand.plan_area(graph, bureau, city),
        demand.ShiftWindow.parse("20:00-02:00"), DayType.weekday, ZoneInfo("Asia/Shanghai"),
    )
print(json.dumps({
    "package": pingan.__file__,
    "population": found.sources["population"],
    "population_sum": float(found.components["population"].sum()),
    "nodes": graph.n_nodes,
    "notes": list(found.notes),
}))
"""


def build_wheel(work: Path) -> Path:
    """Build pingan's wheel from a copy of the sources (the checkout is left untouched)."""
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(
        REPO / "src",
        source / "src",
        symlinks=False,
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "node_modules"),
    )
    wheels = work / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run([*build, "-w", str(wheels), str(source)], check=True, cwd=work)
    (wheel,) = wheels.glob("pingan-*.whl")
    return wheel


def fresh_environment(work: Path, wheel: Path) -> Path:
    """A new virtual environment with the wheel installed and this one's dependencies
    visible; returns its python."""
    env = work / "env"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # a plain path line: the folder is searched after the new environment's own
    # site-packages, and its own .pth files (the editable install of the checkout) do not run
    Path(purelib, "borrowed_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
    )
    return python


@pytest.mark.slow
def test_population_demand_from_an_installed_wheel(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    python = fresh_environment(tmp_path, wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        [str(python), "-c", SCRIPT, str(tmp_path / "data"), TEST_AUDIT_KEY],
        check=True,
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env={"PATH": "/usr/bin:/bin", "HOME": str(elsewhere)},
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # the installed package, not the checkout
    assert Path(result["package"]).is_relative_to(tmp_path / "env")
    assert not Path(result["package"]).is_relative_to(REPO)
    # the city's whole area: every zone's people spread over its nodes; the 133 zones hold
    # ≈451,900 people (src/pingan/data/README.md), a few zones without a road node are lost
    assert result["population"]["used"] is True
    assert 400_000 < result["population_sum"] <= 451_900
    assert result["population"]["count"] == round(result["population_sum"])
    assert not any("population source skipped" in note for note in result["notes"])

"""Analytics and patrol modules use each other's public functions only (issue 12).

``series`` and ``canvass`` once imported ``_counted``, ``_path_of`` … from the analytics
service, and the patrol plan's observed visibility read the units' tables directly; both are
checked here on the modules' import statements.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGES = ("pingan/analytics", "pingan/patrol")


def imported_names(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every ``from module import name`` in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.module or "", alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]


def modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (SRC / package).rglob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(SRC).as_posix())
def test_no_private_name_is_imported_from_another_pingan_module(path: Path) -> None:
    private = [
        f"{module}.{name}"
        for module, name in imported_names(path)
        if module.startswith("pingan") and name.startswith("_")
    ]
    assert private == []


def test_observed_visibility_reads_units_through_their_service() -> None:
    imported = {module for module, _ in imported_names(SRC / "pingan/patrol/visibility.py")}
    assert "pingan.units.models" not in imported
    assert "pingan.units" in imported  # ``from pingan.units import service as units``


def test_the_old_service_modules_are_gone() -> None:
    assert not (SRC / "pingan/analytics/service.py").exists()
    assert not (SRC / "pingan/patrol/service.py").exists()

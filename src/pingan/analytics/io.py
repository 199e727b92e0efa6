"""Reading incident CSV files for analysis (file I/O kept apart from ``pingan.algo``).

Two layouts:

``default``
    Columns ``occurred_at`` (ISO 8601 date-time, local clock), ``lat``, ``lon``, ``type``.
``toronto-mci``
    The Toronto Police Service "Major Crime Indicators" layout: ``occurrencedate`` (its date
    part; the clock part is a UTC-offset artefact), ``occurrencehour`` (0–23), ``MCI``,
    ``Lat``, ``Long``.

Other columns are kept as text attributes (``premises_type``, ``brand``, ...).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from pingan.errors import InvalidInput

LAYOUTS = ("default", "toronto-mci")


@dataclass(frozen=True)
class IncidentTable:
    """Incidents read from a CSV file, in file order.

    Attributes
    ----------
    occurred_at
        ``datetime64[s]`` local time of each incident.
    lat, lon
        Degrees.
    type
        Crime type.
    attributes
        The other columns, by name, as text.
    duplicates_dropped
        Exact duplicate lines left out (when asked).
    """

    occurred_at: NDArray[np.datetime64]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    type: NDArray[np.str_]
    attributes: dict[str, NDArray[np.str_]] = field(default_factory=dict)
    duplicates_dropped: int = 0

    def __len__(self) -> int:
        return int(self.lat.size)

    def time_h(self) -> NDArray[np.float64]:
        """Hours since 1970-01-01 00:00 of each incident."""
        seconds = self.occurred_at.astype("datetime64[s]").astype(np.int64)
        return seconds.astype(float) / 3600.0


_COLUMNS = {
    "default": ("occurred_at", "lat", "lon", "type"),
    "toronto-mci": ("occurrencedate", "occurrencehour", "MCI", "Lat", "Long"),
}


def read_incidents_csv(
    path: str | Path, layout: str = "default", *, drop_duplicates: bool = False
) -> IncidentTable:
    """Read an incident CSV file; a bad line raises :class:`InvalidInput` naming it."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", field="data") from exc
    return parse_incidents_csv([text], layout, drop_duplicates=drop_duplicates)


Row = tuple[int, list[str]]


def _read_rows(texts: Iterable[str], layout: str) -> tuple[list[str], list[Row]]:
    """The common header and the non-empty lines (with their line numbers) of the texts."""
    needed = _COLUMNS[layout]
    header: list[str] | None = None
    rows: list[Row] = []
    for text in texts:
        reader = csv.reader(io.StringIO(text))
        this_header = next(reader, None)
        if this_header is None:
            continue
        this_header = [h.strip() for h in this_header]
        if header is None:
            header = this_header
            missing = [c for c in needed if c not in header]
            if missing:
                raise InvalidInput(
                    f"missing column(s) {', '.join(missing)} for layout {layout}", field="line 1"
                )
        elif this_header != header:
            raise InvalidInput("the files have different headers", field="line 1")
        rows.extend((line_no, row) for line_no, row in enumerate(reader, start=2) if row)
    if header is None:
        raise InvalidInput("the file is empty", field="line 1")
    return header, rows


def _without_duplicates(rows: list[Row]) -> tuple[list[Row], int]:
    """The rows without exact repeats of an earlier line, and how many were left out."""
    seen: set[tuple[str, ...]] = set()
    unique: list[Row] = []
    for line_no, row in rows:
        key = tuple(row)
        if key not in seen:
            seen.add(key)
            unique.append((line_no, row))
    return unique, len(rows) - len(unique)


def _parse_row(
    row: list[str], pos: dict[str, int], layout: str
) -> tuple[np.datetime64, float, float, str]:
    """Time, latitude, longitude and type of one line (``ValueError`` when malformed)."""
    if layout == "default":
        return (
            _parse_time(row[pos["occurred_at"]]),
            float(row[pos["lat"]]),
            float(row[pos["lon"]]),
            row[pos["type"]].strip(),
        )
    day = np.datetime64(row[pos["occurrencedate"]].strip()[:10].replace("/", "-"), "D")
    hour = int(row[pos["occurrencehour"]])
    if not 0 <= hour <= 23:
        raise ValueError("occurrencehour out of 0-23")
    return (
        day + np.timedelta64(hour, "h"),
        float(row[pos["Lat"]]),
        float(row[pos["Long"]]),
        row[pos["MCI"]].strip(),
    )


def parse_incidents_csv(
    texts: Iterable[str], layout: str = "default", *, drop_duplicates: bool = False
) -> IncidentTable:
    """Parse one or more CSV texts with the same header (merged in order).

    Line numbers in errors count from 1 with the header as line 1 of each text.
    """
    if layout not in _COLUMNS:
        raise InvalidInput(f"unknown layout {layout!r}; choose from {', '.join(LAYOUTS)}")
    header, rows = _read_rows(texts, layout)
    dropped = 0
    if drop_duplicates:
        rows, dropped = _without_duplicates(rows)
    pos = {name: i for i, name in enumerate(header)}
    n = len(rows)
    when = np.empty(n, dtype="datetime64[s]")
    lat = np.empty(n)
    lon = np.empty(n)
    kinds: list[str] = []
    for j, (line_no, row) in enumerate(rows):
        if len(row) != len(header):
            raise InvalidInput(
                f"line {line_no} has {len(row)} fields, the header {len(header)}",
                field=f"line {line_no}",
            )
        try:
            when[j], lat[j], lon[j], kind = _parse_row(row, pos, layout)
        except (ValueError, TypeError) as exc:
            raise InvalidInput(f"line {line_no}: {exc}", field=f"line {line_no}") from exc
        kinds.append(kind)
        if not (-90 <= lat[j] <= 90 and -180 <= lon[j] <= 180):
            raise InvalidInput(f"line {line_no}: coordinates out of range", field=f"line {line_no}")
    used = {"occurred_at", "lat", "lon", "type"} if layout == "default" else set(_COLUMNS[layout])
    attributes = {
        name: np.array([r[i].strip() for _, r in rows], dtype=np.str_)
        for name, i in pos.items()
        if name not in used
    }
    return IncidentTable(
        occurred_at=when,
        lat=lat,
        lon=lon,
        type=np.array(kinds, dtype=np.str_),
        attributes=attributes,
        duplicates_dropped=dropped,
    )


def _parse_time(value: str) -> np.datetime64:
    text = value.strip().replace(" ", "T")
    if text.endswith("Z"):
        text = text[:-1]
    if len(text) > 19 and text[19] in "+-":  # drop a UTC offset: keep the local clock
        text = text[:19]
    return np.datetime64(text, "s")

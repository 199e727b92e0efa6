"""Points and travel-time cut-offs as the API and the CLI take them in text."""

from __future__ import annotations

from pingan.errors import InvalidInput


def parse_latlon(text: str, field: str) -> tuple[float, float]:
    """``"LAT,LON"`` in degrees."""
    parts = text.split(",")
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise InvalidInput("give a point as LAT,LON in degrees", field=field) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput("latitude must be within ±90 and longitude within ±180", field=field)
    return lat, lon


def parse_cutoffs(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(p) for p in text.split(",") if p.strip())
    except ValueError:
        raise InvalidInput("cut-offs are seconds separated by commas", field="cutoffs") from None
    if len(values) > 10:
        raise InvalidInput("give at most 10 cut-offs", field="cutoffs")
    if not values or any(not v > 0 or v > 7200 for v in values):
        raise InvalidInput("cut-offs must be between 0 and 7200 s", field="cutoffs")
    return values

"""The incident profile: shares by hour, type, month and weekday, and pingan's type shares."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from pingan.algo import _io
from pingan.algo.taxonomy import INCIDENT_TYPES
from pingan.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


TORONTO_TYPE_MAP: dict[str, str] = {
    "Assault": "assault",
    "Break and Enter": "theft.burglary",
    "Auto Theft": "theft.vehicle",
    "Robbery": "robbery",
    "Theft Over": "theft.other",
}
"""Toronto MCI type → pingan type."""

TORONTO_COVERED_SHARE = 0.40
"""Share of simulated incidents whose types Toronto's records cover."""

CHOSEN_TYPE_SHARES: dict[str, float] = {
    "dispute": 0.12,
    "theft.ebike": 0.10,
    "fraud": 0.08,
    "noise": 0.06,
    "theft.phone": 0.05,
    "traffic": 0.05,
    "theft.bicycle": 0.04,
    "suspicious": 0.04,
    "fire_hazard": 0.02,
    "other": 0.02,
    "missing_person": 0.01,
    "vice": 0.01,
}
"""Our chosen shares (of all incidents) for the types Toronto lacks; they sum to 0.60."""


@dataclass(frozen=True)
class IncidentProfile:
    """Shares of incidents by hour of day, type, and optionally month and weekday.

    Attributes
    ----------
    hour_share
        24 shares (hour 0 to 23), summing to 1.
    type_share
        Share per Toronto MCI type, summing to 1.
    month_share
        12 shares (January first) summing to 1, or ``None``.
    weekday_share
        7 shares (Monday first) summing to 1, or ``None``.
    source
        Where the shares come from.
    """

    hour_share: tuple[float, ...]
    type_share: Mapping[str, float]
    month_share: tuple[float, ...] | None = None
    weekday_share: tuple[float, ...] | None = None
    source: str = ""

    def __post_init__(self) -> None:
        """Check that every share vector is complete and sums to 1."""
        _check_shares(self.hour_share, 24, "hour_share")
        _check_shares(tuple(self.type_share.values()), len(self.type_share), "type_share")
        if self.month_share is not None:
            _check_shares(self.month_share, 12, "month_share")
        if self.weekday_share is not None:
            _check_shares(self.weekday_share, 7, "weekday_share")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> IncidentProfile:
        """Build a profile from the parsed ``toronto_profile.json``.

        Shares may be counts: each group is normalised to sum to 1. Expected keys:
        ``by_hour`` (a list of 24, or a mapping ``"0"``..``"23"``), ``by_type`` (MCI type
        → share), optional ``by_month`` (12, or ``"1"``..``"12"``), ``by_weekday`` (7,
        Monday first, or weekday names), and ``source``. ``hour``/``type``/``mci``/
        ``month``/``weekday`` with or without a ``by_``/``_share(s)`` affix are accepted;
        months may be keyed ``"1"``..``"12"`` or by English name, weekdays by English
        name (Monday first) or ``"0"``..``"6"``; keys are trimmed and case-insensitive.
        """
        hours = _find(data, "hour")
        types = _find(data, "type", "mci")
        if hours is None or types is None:
            raise InvalidInput("the profile needs shares by hour and by type", field="profile")
        month = _find(data, "month")
        weekday = _find(data, "weekday", "dayofweek", "day_of_week")
        source = data.get("source", "")
        return cls(
            hour_share=_normalised(_as_list(hours, _HOUR_KEYS, "hour")),
            type_share=_normalised_map(types),
            month_share=None
            if month is None
            else _normalised(_as_list(month, _MONTH_KEYS, "month")),
            weekday_share=None
            if weekday is None
            else _normalised(_as_list(weekday, _WEEKDAY_KEYS, "weekday")),
            source=source if isinstance(source, str) else json.dumps(source),
        )


def _find(data: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        for key in (f"by_{name}", name, f"{name}_share", f"{name}_shares", f"{name}s"):
            if key in data:
                return data[key]
    return None


def _as_list(value: Any, key_sets: Sequence[Sequence[str]], what: str) -> list[float]:
    """Shares as a list: from a list, or from a mapping keyed by any of ``key_sets``."""
    if isinstance(value, Mapping):
        lowered = {str(k).strip().lower(): v for k, v in value.items()}
        for keys in key_sets:
            if all(k.lower() in lowered for k in keys):
                return [float(lowered[k.lower()]) for k in keys]
        raise InvalidInput(
            f"the profile's {what} shares lack some of {', '.join(key_sets[0])}", field=what
        )
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [float(v) for v in value]
    raise InvalidInput(f"the profile's {what} shares must be a list or a mapping", field=what)


_HOUR_KEYS = ([str(h) for h in range(24)], [f"{h:02d}" for h in range(24)])
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_KEYS = (
    [str(m) for m in range(1, 13)],
    [f"{m:02d}" for m in range(1, 13)],
    list(_MONTH_NAMES),
    [m[:3] for m in _MONTH_NAMES],
)
_WEEKDAY_KEYS = (list(_WEEKDAY_NAMES), [d[:3] for d in _WEEKDAY_NAMES], [str(d) for d in range(7)])


def _normalised(values: Sequence[float]) -> tuple[float, ...]:
    total = float(sum(values))
    if not total > 0:
        raise InvalidInput("shares must not all be zero", field="profile")
    return tuple(v / total for v in values)


def _normalised_map(value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping) or not value:
        raise InvalidInput("type shares must map each type to a share", field="type")
    shares = _normalised([float(v) for v in value.values()])
    return {str(k): s for k, s in zip(value.keys(), shares, strict=True)}


def _check_shares(shares: Sequence[float], n: int, field: str) -> None:
    if len(shares) != n:
        raise InvalidInput(f"{field} needs {n} shares", field=field)
    if any(not (s >= 0 and math.isfinite(s)) for s in shares) or not math.isclose(
        sum(shares), 1.0, abs_tol=1e-6
    ):
        raise InvalidInput(f"{field} must be shares >= 0 summing to 1", field=field)


def load_profile(path: str | Path | None = None) -> IncidentProfile:
    """Read an incident profile (by default the Toronto one shipped with pingan).

    Parameters
    ----------
    path
        A JSON file in the shape :meth:`IncidentProfile.from_mapping` reads; by default
        ``pingan/algo/data/toronto_profile.json``.
    """
    if path is None:
        data = _io.read_package_json(
            "pingan.algo", "data/toronto_profile.json", "the Toronto incident profile"
        )
    else:
        data = _io.read_json(path, "profile file")
    return IncidentProfile.from_mapping(data)


def pingan_type_shares(profile: IncidentProfile) -> dict[str, float]:
    """Shares of pingan's incident types: Toronto's five mapped, our twelve chosen.

    Toronto's types share :data:`TORONTO_COVERED_SHARE` in Toronto's proportions (MCI
    types not in :data:`TORONTO_TYPE_MAP` are ignored); the rest follow
    :data:`CHOSEN_TYPE_SHARES`. Returns a share for every type in :data:`INCIDENT_TYPES`.
    """
    mapped: dict[str, float] = {}
    for mci, share in profile.type_share.items():
        target = TORONTO_TYPE_MAP.get(mci)
        if target is not None:
            mapped[target] = mapped.get(target, 0.0) + share
    total = sum(mapped.values())
    if not total > 0:
        raise InvalidInput("the profile has none of Toronto's MCI types", field="type")
    shares = dict.fromkeys(INCIDENT_TYPES, 0.0)
    for t, s in mapped.items():
        shares[t] += TORONTO_COVERED_SHARE * s / total
    for t, s in CHOSEN_TYPE_SHARES.items():
        shares[t] += s
    return shares

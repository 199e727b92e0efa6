"""Near repeat: the Knox test on a city's stored incidents of one type (see
:func:`pingan.algo.nearrepeat.knox_test`)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from pingan.algo.nearrepeat import knox_test
from pingan.analytics.history import (
    MAX_ANALYSIS_EVENTS,
    day_range,
    label,
    load_history,
    project_utm,
)
from pingan.city import service as cities
from pingan.config import Settings
from pingan.errors import InvalidInput
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal


def near_repeat(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    city: str,
    incident_type: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    space_edges_m: Sequence[float] = (0, 100, 200, 300, 400),
    time_edges_days: Sequence[float] = (0, 7, 14, 21, 28),
    permutations: int = 99,
    seed: int = 42,
) -> dict[str, Any]:
    """Knox test on the stored incidents of one type in a city (see
    :func:`pingan.algo.nearrepeat.knox_test`)."""
    principal.require("analytics", "read")
    if not 1 <= permutations <= 999:
        raise InvalidInput("permutations must be in 1..999", field="permutations")
    lo, hi = day_range(settings, start, end)
    history = load_history(
        db_session,
        settings,
        city=cities.get_city(db_session, city).name,
        visible=principal.visible_clause("analytics", "read", Jurisdiction.path),
        incident_type=incident_type,
        start=lo,
        end=hi,
    )
    if len(history) < 2:
        raise InvalidInput("need at least two incidents of that type", field="type")
    if len(history) > MAX_ANALYSIS_EVENTS:
        raise InvalidInput(
            f"{len(history)} incidents: narrow the dates (at most {MAX_ANALYSIS_EVENTS})", "from"
        )
    x, y = project_utm(history.lon, history.lat)
    result = knox_test(
        x,
        y,
        history.time_h / 24.0,
        list(space_edges_m),
        list(time_edges_days),
        n_permutations=permutations,
        seed=seed,
    )
    simulated = bool(history.simulated.any())
    return {
        "city": city.lower(),
        "type": incident_type,
        "space_edges_m": list(result.space_edges_m),
        "time_edges_days": list(result.time_edges_days),
        "space_labels": result.space_labels(),
        "time_labels": result.time_labels(),
        "observed": result.observed.tolist(),
        "expected": result.expected.tolist(),
        "ratio": [[None if math.isnan(v) else v for v in row] for row in result.ratio.tolist()],
        "p_value": result.p_value.tolist(),
        "n_events": result.n_events,
        "n_pairs": result.n_pairs,
        "n_permutations": result.n_permutations,
        "seed": result.seed,
        "simulated": simulated,
        "label": label(simulated),
    }

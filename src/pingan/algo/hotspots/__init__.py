"""Hot-spot forecasting on a square grid, and its honest evaluation.

A :class:`Grid` of square cells (``cell_m`` metres, default 150 m) is laid in a projected metric
CRS (the local UTM zone of the data); its *study cells* are the cells that hold at least one
event of the whole data set (or the cells the caller names). Every model returns one score per
study cell for the window ``[at, at + horizon)``: a higher score means more expected crime.
Only events strictly before ``at`` are used; :func:`forecast_hotspots` drops the others itself,
and :func:`evaluate_forecasts` never even hands them over.

Models (``model=`` name and its ``params``):

``naive``
    Counts of the last ``window_days`` (default 365) days.
``decay``
    Exponentially decayed counts: ``sum_i 0.5 ** (age_i / half_life_days)`` over the last
    ``max_days`` (default 2922) days.
``kde``
    Gaussian kernel density (``bandwidth_m``, default 150 m) of the events of the last
    ``window_days`` days, integrated over each cell (binned on a sub-grid of a third of a cell).
``prospective``
    Prospective hot-spotting (Bowers, Johnson & Pease 2004): each event of the last
    ``window_days`` (default 56) days within ``radius_m`` (default 400 m) of the cell centre adds
    ``1 / (1 + d_cells) * 1 / (1 + age_weeks)``, with ``d_cells`` the centre-to-centre distance
    in cells and ``age_weeks`` the whole weeks elapsed.
``sepp``
    Self-exciting point process (Mohler et al. 2011; on a grid as in Mohler et al. 2015):
    ``lambda_c(t) = mu_c + sum_{t_j < t} theta * omega * exp(-omega (t - t_j)) * G_c(x_j)``
    with a constant background rate ``mu_c`` per cell, an exponential triggering kernel in time
    and a Gaussian one in space (``G_c`` the mass of an isotropic Gaussian of s.d. ``sigma_m``
    around ``x_j`` that falls in cell ``c``), fitted by expectation–maximisation on the events of
    the last ``window_days`` (default 365) days (:func:`fit_sepp`). The score is the expected
    count in the window.
``best``
    pingan's blend: per crime type, an exponentially decayed rate with a type-specific half-life
    (``half_life_days``, a mapping type → days; on Toronto: half a year for assault, one year
    for auto theft, two for break and enter, four for robbery and theft over — the rarer or the
    more place-bound the crime, the longer the memory), each turned into events per day, summed over
    types, plus a short-term boost: each event of the last ``short_days`` days adds
    ``short_weight / 365.25`` per day (it counts ``short_weight`` times extra, as one more event
    of a year's history would). Its settings are tuned on a validation period only.

Evaluation (:func:`evaluate_forecasts`): rolling windows ``[start + k h, start + (k+1) h)``; for
each window and model the top ``round(f * n_cells)`` cells for each coverage ``f`` (ties broken by
cell order) are flagged, and over all windows

- hit rate = sum of events in flagged cells / sum of events,
- PAI = hit rate / area share, with area share = flagged cells / study cells,
- PEI = sum of hits / sum of *window-oracle* hits, the window oracle being the best possible map
  for that window (its top cells by the window's own counts) at the same number of cells.

The ``oracle`` row is the best *fixed* map for the whole evaluation period: the top cells by the
counts of ``[start, end)`` themselves, scored against every window (its PEI uses the same
window-oracle denominator).
"""

from __future__ import annotations

from pingan.algo.hotspots.evaluation import (
    DEFAULT_COVERAGES,
    Evaluation,
    EvaluationRow,
    evaluate_forecasts,
    flagged_cells,
    top_cells,
)
from pingan.algo.hotspots.grid import (
    DAYS_PER_YEAR,
    HOURS_PER_DAY,
    Events,
    FloatArray,
    Grid,
    IntArray,
    events_on_grid,
    grid_from_cells,
    make_grid,
    to_hours,
    utm_epsg,
)
from pingan.algo.hotspots.models import (
    BEST_DEFAULTS,
    MODELS,
    ModelFn,
    SeppFit,
    fit_sepp,
    forecast_hotspots,
    sepp_expected,
)

__all__ = [
    "BEST_DEFAULTS",
    "DAYS_PER_YEAR",
    "DEFAULT_COVERAGES",
    "HOURS_PER_DAY",
    "MODELS",
    "Evaluation",
    "EvaluationRow",
    "Events",
    "FloatArray",
    "Grid",
    "IntArray",
    "ModelFn",
    "SeppFit",
    "evaluate_forecasts",
    "events_on_grid",
    "fit_sepp",
    "flagged_cells",
    "forecast_hotspots",
    "grid_from_cells",
    "make_grid",
    "sepp_expected",
    "to_hours",
    "top_cells",
    "utm_epsg",
]

"""A simulated demo history of incidents for a city (never an evaluation).

pingan's demo cities have a road network and places but no police records, so the
board, dashboards, plans and forecasts of the demo work on a **simulated** year of
incidents. Every incident made here carries ``simulated=True`` and its description
ends in "（模拟）"; nothing made here may be used to evaluate a method.

The model
---------
*Background* incidents follow an inhomogeneous Poisson process:

* **how many**: ``incidents_per_year × days / 365 × (1 − branching_ratio)`` expected
  background incidents, so that with their follow-ups the expected total is
  ``incidents_per_year × days / 365`` (less the follow-ups that fall past the end);
* **which day**: day weights ∝ month share / days in that month × weekday share ×
  7 (month and weekday shares of the Toronto records when the profile has them,
  otherwise a ±10 % seasonal wave peaking in mid July and flat weekdays);
* **what hour**: the hour-of-day shares of the Toronto records, uniform within the hour;
* **what type**: see :func:`pingan_type_shares`;
* **where**: a candidate point drawn with probability ∝ its weight × the affinity of
  the incident type for the point's kind (:data:`KIND_AFFINITY`; e.g. noise near
  bars, burglary where people live, traffic on roads).

*Near-repeat follow-ups* (a self-exciting, Hawkes-style branching process): every
incident, background or follow-up, has ``Poisson(branching_ratio)`` follow-ups, so
each generation is ``branching_ratio`` times the one before and a background incident
has ``1 / (1 − branching_ratio)`` incidents in its family on average. A follow-up

* happens ``Exponential(trigger_mean_days)`` days after its parent, on that day at an
  hour drawn from the same hour profile (moved one day later if that would put it
  before its parent), so the hour profile holds for every incident;
* lies at the candidate point nearest to the parent's position moved by an isotropic
  Gaussian offset of ``trigger_sigma_m`` metres per axis (so it sits on the map);
* keeps its parent's type with probability ``same_type_share``, else draws a type
  from the shares. Follow-ups that fall past the end are dropped.

The defaults (branching ratio 0.3, 7 days, 150 m) are in the range near-repeat
studies of burglary and theft report (elevated risk for one to two weeks within a
few hundred metres); they are chosen for a plausible demo, not fitted.

Mapping of the Toronto "Major Crime Indicators" onto pingan's types
-------------------------------------------------------------------
Toronto has five types: Assault → ``assault``, Break and Enter → ``theft.burglary``,
Auto Theft → ``theft.vehicle``, Robbery → ``robbery``, Theft Over → ``theft.other``.
They take :data:`TORONTO_COVERED_SHARE` (40 %) of the simulated incidents, split in
Toronto's proportions. The other twelve pingan types, which Toronto's record does
not hold, take the remaining 60 % with the shares in :data:`CHOSEN_TYPE_SHARES`,
chosen by us to resemble the call mix of an urban police station (disputes, e-bike
thefts and fraud common; missing persons and vice rare). They are assumptions.
"""

from __future__ import annotations

from pingan.algo.synth.history import (
    DESCRIPTIONS_ZH,
    KIND_AFFINITY,
    SIMULATED_MARK_ZH,
    SimulatedHistory,
    SimulatedIncident,
    synthesize_history,
)
from pingan.algo.synth.profile import (
    CHOSEN_TYPE_SHARES,
    TORONTO_COVERED_SHARE,
    TORONTO_TYPE_MAP,
    FloatArray,
    IncidentProfile,
    IntArray,
    load_profile,
    pingan_type_shares,
)
from pingan.algo.taxonomy import INCIDENT_TYPES

__all__ = [
    "CHOSEN_TYPE_SHARES",
    "DESCRIPTIONS_ZH",
    "INCIDENT_TYPES",
    "KIND_AFFINITY",
    "SIMULATED_MARK_ZH",
    "TORONTO_COVERED_SHARE",
    "TORONTO_TYPE_MAP",
    "FloatArray",
    "IncidentProfile",
    "IntArray",
    "SimulatedHistory",
    "SimulatedIncident",
    "load_profile",
    "pingan_type_shares",
    "synthesize_history",
]

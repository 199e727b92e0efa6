"""The demo: a district with one bureau, two police stations and a few grids, one account
per role, two bundled cities, units, a simulated history and a few live incidents.

Only the CLI (``pingan demo``) imports this package (an import-linter contract keeps it
so). Each step is a function ``(db_session, settings, progress)`` in :data:`DEMO_STEPS`,
safe to run again, and calls only the services of the domain packages:

* :mod:`pingan.demo.accounts`: the demo tree and accounts;
* :mod:`pingan.demo.cities`: the bundled cities and the stations' areas;
* :mod:`pingan.demo.units`: the demo units;
* :mod:`pingan.demo.history`: two simulated years of incidents and assignments;
* :mod:`pingan.demo.live`: a few live incidents, and the units' simulated positions
  while the demo serves;
* :mod:`pingan.demo.analytics`: a forecast, a candidate series and two cameras;
* :mod:`pingan.demo.patrol`: an active night-shift patrol plan.
* :mod:`pingan.demo.community`: two simulated volunteer teams with a month of shifts,
  check-ins and clues;
* :mod:`pingan.demo.community_groups`: about 60 police–citizen groups fed through the
  chat intake, and a month of drills (all simulated);
* :mod:`pingan.demo.ledgers`: the fire-safety ledgers (OSM venues, simulated control
  rooms, a summer of duty records, inspections, hazards and drills);
* :mod:`pingan.demo.campaign`: a campaign over the simulated summer, with targets set
  from the demo's own figures.

Demo accounts exist only in demo mode; their password is ``settings.demo_password``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pingan.config import Settings
from pingan.db import unit_of_work
from pingan.demo.accounts import DEMO_ACCOUNTS, DEMO_TREE, Progress, operator, seed_accounts
from pingan.demo.analytics import seed_analytics
from pingan.demo.campaign import seed_campaign
from pingan.demo.cities import import_cities, station_halves
from pingan.demo.community import seed_community
from pingan.demo.community_groups import seed_community_groups
from pingan.demo.history import demo_counts, seed_history
from pingan.demo.ledgers import seed_ledgers
from pingan.demo.live import seed_live_incidents, simulated_position_feed
from pingan.demo.patrol import seed_plan
from pingan.demo.units import seed_units
from pingan.errors import ConfigError

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_STEPS",
    "DEMO_TREE",
    "DemoAccount",
    "Progress",
    "demo_counts",
    "load_demo",
    "operator",
    "seed_accounts",
    "seed_analytics",
    "seed_campaign",
    "seed_community",
    "seed_community_groups",
    "seed_history",
    "seed_ledgers",
    "seed_live_incidents",
    "seed_plan",
    "seed_units",
    "simulated_position_feed",
    "station_halves",
]

Step = Callable[[Session, Settings, Progress], object]

#: The demo's steps, in order; each runs in its own transaction.
DEMO_STEPS: tuple[Step, ...] = (
    seed_accounts,
    import_cities,
    seed_units,
    seed_history,
    seed_live_incidents,
    seed_analytics,
    seed_plan,
    seed_community,
    seed_community_groups,
    seed_ledgers,
    seed_campaign,
)


@dataclass(frozen=True)
class DemoAccount:
    """A demo account as ``pingan demo`` prints it."""

    username: str
    role: str
    jurisdiction: str


def load_demo(
    db_session_factory: Callable[[], Session], settings: Settings, progress: Progress
) -> list[DemoAccount]:
    """Run every demo step, each in its own transaction.

    Raises
    ------
    ConfigError
        Outside demo mode.
    """
    if not settings.demo_mode:
        raise ConfigError("the demo runs only in demo mode (PINGAN_DEMO_MODE=1)")
    for step in DEMO_STEPS:
        with unit_of_work(db_session_factory) as session:
            step(session, settings, progress)
    return [DemoAccount(u, r.value, w) for u, r, w, _ in DEMO_ACCOUNTS]

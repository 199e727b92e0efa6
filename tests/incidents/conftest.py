"""Fixtures for the incidents tests (see incidents_helpers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from incidents_helpers import EAST, WEST, Env

from pingan.config import Settings
from pingan.jurisdictions import service as jurisdictions
from support.app import seeded_client


@pytest.fixture
def env(settings: Settings) -> Iterator[Env]:
    setup = Env(None, settings)  # type: ignore[arg-type]
    with setup.session() as session:
        jurisdictions.set_boundary(session, jurisdictions.get_by_code(session, "station-a"), EAST)
        jurisdictions.set_boundary(session, jurisdictions.get_by_code(session, "station-b"), WEST)
    setup.close()
    with seeded_client(settings) as client:
        env = Env(client, settings)
        yield env
        env.close()

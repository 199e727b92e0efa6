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
    with Env(None, settings).session() as session:  # type: ignore[arg-type]
        jurisdictions.set_boundary(session, jurisdictions.get_by_code(session, "station-a"), EAST)
        jurisdictions.set_boundary(session, jurisdictions.get_by_code(session, "station-b"), WEST)
    with seeded_client(settings) as client:
        yield Env(client, settings)

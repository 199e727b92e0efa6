"""The one unit of work: ``pingan.db.unit_of_work`` commits on success, rolls back on error."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.errors import InvalidInput
from pingan.jurisdictions.models import Jurisdiction, Level


def _codes(factory) -> set[str]:
    with unit_of_work(factory) as session:
        return set(session.scalars(select(Jurisdiction.code)))


def _write_then_fail(factory) -> None:
    with unit_of_work(factory) as session:
        session.add(Jurisdiction(code="uow-dropped", name_zh="丢弃", level=Level.station))
        session.flush()  # written inside the transaction, then rolled back
        raise InvalidInput("refused")


def test_unit_of_work_commits_on_success_and_rolls_back_on_error(db_url: str) -> None:
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        session.add(Jurisdiction(code="uow-kept", name_zh="保留", level=Level.station))
    with pytest.raises(InvalidInput, match="refused"):
        _write_then_fail(factory)
    codes = _codes(factory)
    assert "uow-kept" in codes
    assert "uow-dropped" not in codes
    engine.dispose()

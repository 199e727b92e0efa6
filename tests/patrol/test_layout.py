"""Shift windows, candidate thinning, hot-spot choice and naive grid posts, checked by hand."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from pingan.errors import InvalidInput
from pingan.patrol.demand import ShiftWindow, day_type_of
from pingan.patrol.layout import choose_hotspots, thin_nodes
from pingan.patrol.models import DayType

TZ = ZoneInfo("Asia/Shanghai")


def test_shift_window_crossing_midnight() -> None:
    window = ShiftWindow.parse("20:00-02:00")
    assert window.length_s == 6 * 3600
    assert window.text == "20:00-02:00"
    # Saturday 01:30 belongs to Friday's shift, 5.5 hours in
    assert window.place(datetime(2026, 6, 6, 1, 30, tzinfo=TZ)) == (date(2026, 6, 5), 19800.0)
    assert window.place(datetime(2026, 6, 5, 20, 0, tzinfo=TZ)) == (date(2026, 6, 5), 0.0)
    assert window.place(datetime(2026, 6, 6, 2, 0, tzinfo=TZ)) is None
    assert window.place(datetime(2026, 6, 6, 12, 0, tzinfo=TZ)) is None
    assert day_type_of(date(2026, 6, 5)) is DayType.weekday  # Friday
    assert day_type_of(date(2026, 6, 6)) is DayType.weekend  # Saturday
    assert ShiftWindow.parse("08:00-20:00").length_s == 12 * 3600


@pytest.mark.parametrize("text", ["20-02", "25:00-02:00", "20:00-20:00", "night"])
def test_shift_window_refuses_bad_text(text: str) -> None:
    with pytest.raises(InvalidInput, match="shift"):
        ShiftWindow.parse(text)


def test_thin_nodes_keeps_one_node_per_cell() -> None:
    # a 10 x 10 lattice with 100 m spacing thinned to at most 25 nodes
    x, y = np.meshgrid(np.arange(10) * 100.0, np.arange(10) * 100.0)
    nodes = np.arange(100)
    kept = thin_nodes(x.ravel(), y.ravel(), nodes, 25)
    assert 16 <= kept.size <= 25
    assert np.unique(kept).size == kept.size
    assert np.array_equal(thin_nodes(x.ravel(), y.ravel(), nodes, 100), nodes)


class _Line:
    """Five nodes on a line, 100 m apart (only ``x`` and ``y`` are read)."""

    x = np.array([0.0, 100.0, 200.0, 300.0, 400.0])
    y = np.zeros(5)


def test_hot_spots_are_the_highest_scores_150_m_apart() -> None:
    score = np.array([5.0, 4.0, 3.0, 0.0, 1.0])
    chosen = choose_hotspots(_Line(), score, 5)  # type: ignore[arg-type]
    # node 1 is 100 m from node 0; node 3 has no score
    assert chosen.tolist() == [0, 2, 4]
    assert choose_hotspots(_Line(), score, 1).tolist() == [0]  # type: ignore[arg-type]

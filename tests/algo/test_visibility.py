"""Tests of pingan.algo.visibility with hand-computed shares."""

from __future__ import annotations

import pytest

from pingan.algo.visibility import hotspot_visibility, presence_from_positions
from pingan.errors import InvalidInput

H20, H21, H22, H23 = 20 * 3600.0, 21 * 3600.0, 22 * 3600.0, 23 * 3600.0


def test_hotspot_hours_by_hand() -> None:
    # Hot spot 0: 20:00-22:00 (two hours), visited 20:10-20:25 -> 1 of 2 hours seen.
    # Hot spot 1: 21:30-23:00 (half hour + hour), visited 22:13:20-22:28:20 -> the hour.
    result = hotspot_visibility(
        2,
        window_hotspot=[0, 1],
        window_start_s=[H20, H21 + 1800],
        window_end_s=[H22, H23],
        presence_hotspot=[0, 1],
        presence_start_s=[H20 + 600, H22 + 800],
        presence_end_s=[H20 + 1500, H22 + 1700],
    )
    assert result.n_slots == 4
    assert result.share == pytest.approx(7200 / 12600)
    assert result.time_share == pytest.approx(1800 / 12600)
    assert result.per_hotspot == pytest.approx((0.5, 3600 / 5400))


def test_overlapping_presence_is_merged_and_min_presence_applies() -> None:
    result = hotspot_visibility(
        1,
        [0],
        [H20],
        [H21],
        presence_hotspot=[0, 0],
        presence_start_s=[H20, H20 + 100],
        presence_end_s=[H20 + 200, H20 + 300],
        min_presence_s=301,
    )
    assert result.time_share == pytest.approx(300 / 3600)
    assert result.share == 0.0


def test_presence_from_positions() -> None:
    # Unit 7 reports at t = 0, 30 and 200 s; the first two are 50 m from hot spot 0.
    hotspot, start, end = presence_from_positions(
        [0.0, 1000.0],
        [0.0, 0.0],
        unit=[7, 7, 7],
        time_s=[30.0, 0.0, 200.0],
        x_m=[50.0, 0.0, 500.0],
        y_m=[0.0, 50.0, 0.0],
        radius_m=100.0,
        max_gap_s=60.0,
    )
    assert hotspot.tolist() == [0, 0]
    assert start.tolist() == [0.0, 30.0]
    assert end.tolist() == [30.0, 90.0]


def test_bad_index_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="hot spot index out of range"):
        hotspot_visibility(1, [1], [0.0], [1.0], [], [], [])

"""Series linkage on a hand-made set of e-bike thefts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pingan.algo.series import link_series
from pingan.errors import InvalidInput

DAY_H = 24.0

# Five e-bike thefts: 0-2 outside one apartment block (within 60 m, 2-5 days apart, at night,
# same brand); 3 at the block too but a month and a half later; 4 across town.
X = np.array([0.0, 40.0, 20.0, 30.0, 8000.0])
Y = np.array([0.0, 30.0, 50.0, 10.0, 0.0])
T = np.array([22.0, 22.0 + 3 * DAY_H, 23.0 + 5 * DAY_H, 22.0 + 50 * DAY_H, 22.0 + DAY_H])
ATTRS = {
    "brand": ["Yadea", "yadea", "Yadea", "Yadea", "Yadea"],
    "colour": ["black", "", "black", "black", "white"],
    "method": ["cut lock", "cut lock", "", "cut lock", "cut lock"],
}


def test_the_block_thefts_form_one_series() -> None:
    result = link_series(X, Y, T, ATTRS)
    assert [s.members for s in result.series] == [(0, 1, 2)]
    top = result.series[0]
    assert top.span_days == pytest.approx(5 + 1 / 24)
    assert top.extent_m == pytest.approx(math.hypot(20, 50))  # incidents 0 and 2
    assert len(top.links) == 3


def test_pair_score_by_hand() -> None:
    result = link_series(X, Y, T, ATTRS)
    link = next(p for p in result.pairs if (p.i, p.j) == (0, 1))
    # 50 m, 3 days, same hour; same brand (+1), colour unknown for 1, same method (+1)
    expected = math.exp(-50 / 200) + math.exp(-3 / 7) + 0.5 * 1.0 + 1.0 + 1.0
    assert link.score == pytest.approx(expected)
    assert link.evidence == (
        "50 m apart",
        "3.0 days apart",
        "0 h apart in time of day (22:00, 22:00)",
        "same brand: Yadea",
        "same method: cut lock",
    )


def test_a_different_attribute_counts_against() -> None:
    attrs = {"brand": ["Yadea", "Niu"], "colour": ["", ""], "method": ["", ""]}
    result = link_series(X[:2], Y[:2], T[:2], attrs)
    (pair,) = result.pairs
    assert pair.score == pytest.approx(math.exp(-50 / 200) + math.exp(-3 / 7) + 0.5 - 0.5)
    assert "brand differs: Yadea / Niu" in pair.evidence
    assert result.series == ()  # below the threshold of 2


def test_cut_offs_exclude_far_pairs() -> None:
    result = link_series(X, Y, T, ATTRS, max_days=30)
    assert all(3 not in (p.i, p.j) for p in result.pairs)  # 45+ days after the others
    assert all(4 not in (p.i, p.j) for p in result.pairs)  # 8 km away


def test_attribute_lengths_are_checked() -> None:
    with pytest.raises(InvalidInput, match="attribute brand needs one value per incident"):
        link_series(X, Y, T, {"brand": ["Yadea"]})

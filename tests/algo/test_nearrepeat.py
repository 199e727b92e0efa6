"""Knox test on hand-made sets."""

from __future__ import annotations

import numpy as np
import pytest

from pingan.algo.nearrepeat import band_index, knox_test
from pingan.errors import InvalidInput


def test_band_edges_are_half_open_with_zero_in_the_first() -> None:
    edges = np.array([0.0, 7.0, 14.0])
    lags = np.array([0.0, 0.5, 7.0, 7.01, 14.0, 14.5, 100.0])
    assert band_index(lags, edges).tolist() == [0, 0, 0, 1, 1, 2, 2]


def test_knox_counts_by_hand() -> None:
    # four events on a line: A(0 m, day 0), B(50 m, day 2), C(150 m, day 9), D(1000 m, day 30)
    x = np.array([0.0, 50.0, 150.0, 1000.0])
    y = np.zeros(4)
    t = np.array([0.0, 2.0, 9.0, 30.0])
    r = knox_test(x, y, t, (0, 100, 200), (0, 7, 14), n_permutations=19, seed=1)
    # pairs: AB 50 m 2 d; AC 150 m 9 d; BC 100 m 7 d (edges: first bands); AD 1000 m 30 d;
    # BD 950 m 28 d; CD 850 m 21 d
    assert r.observed.tolist() == [
        [2, 0, 0],  # [0, 100] m: AB (2 d), BC (exactly 100 m, exactly 7 d)
        [0, 1, 0],  # (100, 200] m: AC, 9 d
        [0, 0, 3],  # > 200 m: AD, BD, CD, all > 14 d
    ]
    assert r.observed.sum() == r.n_pairs == 6
    assert r.expected.sum() == pytest.approx(6.0)
    assert r.p_value.min() >= 1 / 20
    assert r.time_labels() == ["[0, 7] d", "(7, 14] d", "> 14 d"]


def test_expected_counts_are_the_mean_of_permutations() -> None:
    # two events: one pair, 10 m apart, 3 days apart; any permutation keeps the same lag
    r = knox_test([0.0, 10.0], [0.0, 0.0], [0.0, 3.0], (0, 100), (0, 7), n_permutations=9)
    assert r.observed.tolist() == [[1, 0], [0, 0]]
    assert r.expected.tolist() == [[1.0, 0.0], [0.0, 0.0]]
    assert r.ratio[0, 0] == 1.0
    assert np.isnan(r.ratio[1, 1])
    assert r.p_value[0, 0] == 1.0  # every permutation reaches the observed count


def test_clustered_repeats_are_significant() -> None:
    rng = np.random.default_rng(42)
    # 60 "seeds" spread over 5 km and a year, each followed by a repeat 20 m and 2 days away
    sx, sy = rng.uniform(0, 5000, 60), rng.uniform(0, 5000, 60)
    st = rng.uniform(0, 365, 60)
    x = np.concatenate([sx, sx + 20])
    y = np.concatenate([sy, sy])
    t = np.concatenate([st, st + 2])
    r = knox_test(x, y, t, (0, 100, 200), (0, 7, 14), n_permutations=99, seed=42)
    assert r.observed[0, 0] >= 60
    assert r.ratio[0, 0] > 5
    assert r.p_value[0, 0] == pytest.approx(0.01)  # none of 99 permutations gets there


def test_same_seed_same_result() -> None:
    rng = np.random.default_rng(3)
    x, y, t = rng.uniform(0, 500, 50), rng.uniform(0, 500, 50), rng.uniform(0, 60, 50)
    one = knox_test(x, y, t, seed=7)
    two = knox_test(x, y, t, seed=7)
    np.testing.assert_array_equal(one.expected, two.expected)


def test_edges_must_start_at_zero() -> None:
    with pytest.raises(InvalidInput, match="must start at 0"):
        knox_test([0.0], [0.0], [0.0], (10, 100))


@pytest.mark.parametrize(
    "edges", [(0, float("nan")), (0, 10, float("nan")), (0, 10, float("inf")), (float("nan"), 10)]
)
def test_edges_must_be_finite(edges: tuple[float, ...]) -> None:
    # NaN compares false with everything, so np.diff(edges) <= 0 alone lets it through
    with pytest.raises(InvalidInput, match="must be finite") as err:
        knox_test([0.0, 1.0], [0.0, 0.0], [0.0, 1.0], edges, (0, 7))
    assert err.value.field == "space_edges_m"


def test_at_most_fifty_edges() -> None:
    fifty = tuple(float(k) for k in range(50))
    r = knox_test([0.0, 1.0], [0.0, 0.0], [0.0, 1.0], (0, 100), fifty, n_permutations=1)
    assert r.observed.shape == (2, 50)
    assert int(r.observed.sum()) == 1
    with pytest.raises(InvalidInput, match="at most 50 edges") as err:
        knox_test([0.0, 1.0], [0.0, 0.0], [0.0, 1.0], (0, 100), (*fifty, 50.0))
    assert err.value.field == "time_edges_days"

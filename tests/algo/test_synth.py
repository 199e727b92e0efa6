"""Tests of pingan.algo.synth: the simulated demo history."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from scipy.spatial import cKDTree
from scipy.stats import chisquare

from pingan.algo.synth import (
    CHOSEN_TYPE_SHARES,
    INCIDENT_TYPES,
    SIMULATED_MARK_ZH,
    TORONTO_COVERED_SHARE,
    TORONTO_TYPE_MAP,
    IncidentProfile,
    load_profile,
    pingan_type_shares,
    synthesize_history,
)
from pingan.errors import InvalidInput, NotFound

# A small test-only profile in the shape of algo/data/toronto_profile.json (counts,
# not shares: the loader normalises). The product reads the real file.
FIXTURE = {
    "source": "test fixture, shaped like the Toronto MCI profile",
    "by_hour": [
        60,
        45,
        40,
        30,
        22,
        18,
        20,
        25,
        35,
        40,
        42,
        44,
        55,
        48,
        48,
        50,
        52,
        54,
        56,
        55,
        56,
        57,
        56,
        60,
    ],
    "by_type": {
        "Assault": 52,
        "Break and Enter": 21,
        "Auto Theft": 12,
        "Robbery": 11,
        "Theft Over": 4,
    },
}
PROFILE = IncidentProfile.from_mapping(FIXTURE)
START = date(2025, 1, 1)


def grid_points(side_m: float, spacing_m: float) -> tuple[np.ndarray, np.ndarray]:
    """A square grid of points around central Helsinki, in degrees."""
    n = round(side_m / spacing_m)
    offsets = np.arange(n) * spacing_m
    gx, gy = np.meshgrid(offsets, offsets)
    lat0, lon0 = 60.16, 24.93
    lat = lat0 + np.degrees(gy.ravel() / 6_371_008.8)
    lon = lon0 + np.degrees(gx.ravel() / (6_371_008.8 * math.cos(math.radians(lat0))))
    return lat, lon


def local_xy(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    lat0 = math.radians(float(lat.mean()))
    return np.column_stack(
        [np.radians(lon) * 6_371_008.8 * math.cos(lat0), np.radians(lat) * 6_371_008.8]
    )


def close_pairs(xy: np.ndarray, time_s: np.ndarray, radius_m: float, window_s: float) -> int:
    pairs = cKDTree(xy).query_pairs(radius_m, output_type="ndarray")
    return int(np.count_nonzero(np.abs(time_s[pairs[:, 0]] - time_s[pairs[:, 1]]) <= window_s))


def test_profile_is_normalised_and_types_mapped() -> None:
    assert PROFILE.hour_share[0] == pytest.approx(60 / 1068)
    assert sum(PROFILE.hour_share) == pytest.approx(1.0)
    shares = pingan_type_shares(PROFILE)
    assert set(shares) == set(INCIDENT_TYPES)
    assert sum(shares.values()) == pytest.approx(1.0)
    assert sum(CHOSEN_TYPE_SHARES.values()) == pytest.approx(1.0 - TORONTO_COVERED_SHARE)
    # Assault is 52 % of Toronto's records and so 0.40 x 0.52 of ours.
    assert shares["assault"] == pytest.approx(0.4 * 0.52)
    assert shares["theft.burglary"] == pytest.approx(0.4 * 0.21)
    assert shares["dispute"] == 0.12


def test_profile_accepts_mappings_and_rejects_bad_shapes() -> None:
    as_mapping = dict(FIXTURE, by_hour={str(h): v for h, v in enumerate(FIXTURE["by_hour"])})
    assert IncidentProfile.from_mapping(as_mapping).hour_share == PROFILE.hour_share
    with pytest.raises(InvalidInput, match="24 shares"):
        IncidentProfile.from_mapping(dict(FIXTURE, by_hour=[1, 2, 3]))
    with pytest.raises(InvalidInput, match="by hour and by type"):
        IncidentProfile.from_mapping({"by_hour": FIXTURE["by_hour"]})


def test_load_profile_from_a_file(tmp_path) -> None:
    import json

    path = tmp_path / "profile.json"
    path.write_text(json.dumps(FIXTURE), encoding="utf-8")
    assert load_profile(path) == PROFILE
    with pytest.raises(NotFound, match="no profile file"):
        load_profile(tmp_path / "missing.json")


def test_shipped_toronto_profile_loads() -> None:
    toronto = load_profile()
    assert "Toronto" in toronto.source
    assert "Licence" in toronto.source
    assert len(toronto.hour_share) == 24
    assert set(toronto.type_share) == set(TORONTO_TYPE_MAP)
    assert toronto.month_share is not None
    assert toronto.weekday_share is not None
    # Toronto's quietest hour is early morning, its busiest midnight (occurrencehour 0).
    assert int(np.argmin(toronto.hour_share)) in (5, 6)
    assert int(np.argmax(toronto.hour_share)) == 0


def test_hour_profile_follows_the_toronto_profile_by_chi_square() -> None:
    toronto = load_profile()
    lat, lon = grid_points(2000.0, 50.0)
    h = synthesize_history(
        lat, lon, np.ones(lat.size), None, toronto, start=START, incidents_per_year=20_000, seed=42
    )
    counts = np.bincount(h.hour, minlength=24)
    expected = np.asarray(toronto.hour_share) * len(h)
    assert chisquare(counts, expected).pvalue > 0.001
    # A clearly different profile (flat hours) is rejected by the same test.
    assert chisquare(counts, np.full(24, len(h) / 24)).pvalue < 1e-6
    # And so is the test fixture's hand-made hour profile.
    fixture_expected = np.asarray(PROFILE.hour_share) * len(h)
    assert chisquare(counts, fixture_expected).pvalue < 1e-6


def test_type_shares_follow_the_mapping() -> None:
    lat, lon = grid_points(2000.0, 50.0)
    h = synthesize_history(
        lat, lon, np.ones(lat.size), None, PROFILE, start=START, incidents_per_year=20_000, seed=3
    )
    shares = pingan_type_shares(PROFILE)
    counts = np.array([np.count_nonzero(h.type == t) for t in INCIDENT_TYPES])
    expected = np.array([shares[t] for t in INCIDENT_TYPES]) * len(h)
    assert chisquare(counts, expected).pvalue > 0.001


def test_near_repeat_clustering_beats_a_shuffled_control() -> None:
    # 5 km x 5 km of uniform points; pairs within 200 m and 7 days (a Knox count)
    # against the same events with their times shuffled.
    lat, lon = grid_points(5000.0, 50.0)
    rng = np.random.default_rng(42)

    def knox_ratio(branching_ratio: float) -> float:
        h = synthesize_history(
            lat,
            lon,
            np.ones(lat.size),
            None,
            PROFILE,
            start=START,
            incidents_per_year=5000,
            branching_ratio=branching_ratio,
            seed=42,
        )
        xy = local_xy(h.lat, h.lon)
        observed = close_pairs(xy, h.time_s, 200.0, 7 * 86400.0)
        control = np.mean(
            [close_pairs(xy, rng.permutation(h.time_s), 200.0, 7 * 86400.0) for _ in range(5)]
        )
        return observed / control

    assert knox_ratio(0.3) > 1.15
    assert knox_ratio(0.0) == pytest.approx(1.0, abs=0.08)


def test_follow_ups_are_near_their_parent_and_after_it() -> None:
    lat, lon = grid_points(3000.0, 50.0)
    h = synthesize_history(
        lat,
        lon,
        np.ones(lat.size),
        None,
        PROFILE,
        start=START,
        incidents_per_year=3000,
        branching_ratio=0.4,
        seed=9,
    )
    child = np.flatnonzero(h.parent >= 0)
    parent = h.parent[child]
    # Expected share of follow-ups: 0.4 of all incidents (less the ones past the end).
    assert 0.3 < child.size / len(h) < 0.45
    assert np.all(h.time_s[child] > h.time_s[parent])
    xy = local_xy(h.lat, h.lon)
    dist = np.linalg.norm(xy[child] - xy[parent], axis=1)
    # Offsets of sigma 150 m per axis: the median distance is 150 x sqrt(2 ln 2) = 177 m.
    assert np.median(dist) == pytest.approx(177.0, rel=0.15)


def test_every_record_is_simulated_and_described_in_chinese() -> None:
    lat, lon = grid_points(1000.0, 100.0)
    kinds = ["bar" if i % 10 == 0 else "road" for i in range(lat.size)]
    h = synthesize_history(
        lat,
        lon,
        np.ones(lat.size),
        kinds,
        PROFILE,
        start=START,
        days=30,
        incidents_per_year=36_500,
        branching_ratio=0.0,
        seed=1,
    )
    assert h.simulated is True
    records = h.records()
    assert len(records) == len(h) > 100
    assert all(r.simulated for r in records)
    assert all(r.description.endswith(SIMULATED_MARK_ZH) for r in records)
    assert all(START <= r.occurred_at.date() < date(2025, 1, 31) for r in records)
    assert [r.occurred_at.hour for r in records] == h.hour.tolist()
    assert np.all(np.diff(h.time_s) >= 0)
    assert set(h.type.tolist()) <= set(INCIDENT_TYPES)
    # Noise leans to bars (affinity 4 on 10 % of the points, 1 elsewhere): 40/130 of it.
    noise_points = h.point[h.type == "noise"]
    assert noise_points.size > 100
    assert np.mean(noise_points % 10 == 0) == pytest.approx(40 / 130, abs=0.07)


def test_same_seed_same_history_and_seasons() -> None:
    lat, lon = grid_points(1000.0, 100.0)
    args = (lat, lon, np.ones(lat.size), None)
    profile = IncidentProfile.from_mapping(
        dict(FIXTURE, by_weekday=[1, 1, 1, 1, 3, 3, 1], by_month=[1] * 6 + [3] * 6)
    )
    a = synthesize_history(*args, profile, start=START, incidents_per_year=4000, seed=5)
    b = synthesize_history(*args, profile, start=START, incidents_per_year=4000, seed=5)
    c = synthesize_history(*args, profile, start=START, incidents_per_year=4000, seed=6)
    np.testing.assert_array_equal(a.time_s, b.time_s)
    assert a.description == b.description
    assert len(a) != len(c) or not np.array_equal(a.time_s, c.time_s)
    background = a.parent < 0
    # Fridays and Saturdays weigh 3 against 1: 6/11 of background incidents.
    assert np.mean(np.isin(a.weekday[background], [4, 5])) == pytest.approx(6 / 11, abs=0.03)
    # July-December weigh 3 against 1 per month: 3/4 of background incidents.
    assert np.mean(a.month[background] >= 7) == pytest.approx(0.75, abs=0.03)


def test_bad_input_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="branching_ratio"):
        synthesize_history([60.0], [25.0], [1.0], None, PROFILE, start=START, branching_ratio=1.0)
    with pytest.raises(InvalidInput, match="not all zero"):
        synthesize_history([60.0], [25.0], [0.0], None, PROFILE, start=START)


def test_profile_months_and_weekdays_by_name() -> None:
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    days = ["Monday    ", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    profile = IncidentProfile.from_mapping(
        dict(
            FIXTURE,
            by_month={m: (2 if m == "July" else 1) for m in months},
            by_weekday={d: (3 if d == "Friday" else 1) for d in days},
        )
    )
    assert profile.month_share is not None
    assert profile.month_share[6] == pytest.approx(2 / 13)
    assert profile.weekday_share is not None
    assert profile.weekday_share[4] == pytest.approx(3 / 9)

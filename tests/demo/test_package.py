"""The demo package's public names, its accounts as the production guard knows them, and the
bundled data it reads."""

from __future__ import annotations

import hashlib
import json

import pytest

from pingan import demo
from pingan.auth.demo_guard import DEMO_USERNAMES
from pingan.bundled import bundled_file, bundled_path
from pingan.errors import NotFound


def test_the_guard_knows_every_demo_account() -> None:
    # a demo account the guard did not know would let a production server start on a
    # database that still has it
    assert sorted(DEMO_USERNAMES) == sorted(username for username, *_ in demo.DEMO_ACCOUNTS)


def test_the_steps_run_in_order_and_are_the_modules_functions() -> None:
    assert [step.__module__ for step in demo.DEMO_STEPS] == [
        "pingan.demo.accounts",
        "pingan.demo.cities",
        "pingan.demo.units",
        "pingan.demo.history",
        "pingan.demo.live",
        "pingan.demo.analytics",
        "pingan.demo.patrol",
        "pingan.demo.community",
        "pingan.demo.community_groups",
        "pingan.demo.ledgers",
        "pingan.demo.campaign",
    ]


def test_the_bundled_zones_are_the_documented_file() -> None:
    path = bundled_file("zones/coquimbo_zones.geojson")
    # the sha256 and the zone count in src/pingan/data/README.md
    assert (
        hashlib.sha256(path.read_bytes()).hexdigest()
        == "d7d583293618d56c937b474a26361ebe4f83b4b42920feaeb9d721e20368c61b"
    )
    zones = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert len(zones) == 133
    assert round(sum(float(z["properties"]["population"] or 0) for z in zones), -2) == 451_900


def test_a_file_not_shipped_is_none_or_not_found() -> None:
    assert bundled_path("zones/nowhere.geojson") is None
    with pytest.raises(NotFound, match=r"'zones/nowhere\.geojson' is missing"):
        bundled_file("zones/nowhere.geojson")

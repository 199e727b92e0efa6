"""The lexicons are read from the TSV files under pingan/algo/text/lexicons/."""

from __future__ import annotations

from importlib import resources

import pytest

from pingan.algo.text import lexicon

TABLES = [
    "brands",
    "chatter_words",
    "colours",
    "fraud_advice",
    "fraud_sign_labels",
    "fraud_signs",
    "fraud_type_keywords",
    "fraud_words",
    "item_words",
    "place_words",
    "trigger_words",
    "type_keywords",
]


def test_every_tsv_is_a_known_table() -> None:
    folder = resources.files("pingan.algo.text").joinpath("lexicons")
    names = sorted(p.name.removesuffix(".tsv") for p in folder.iterdir() if p.name.endswith(".tsv"))
    assert names == TABLES


@pytest.mark.parametrize("name", TABLES)
def test_tables_have_no_blank_or_padded_cells(name: str) -> None:
    rows = lexicon.read_table(name)
    assert rows
    for row in rows:
        assert all(cell and cell == cell.strip() for cell in row), row


def test_values_come_from_the_tables() -> None:
    assert lexicon.BRANDS["yadea"] == ("雅迪", "ebike")
    assert lexicon.TYPE_KEYWORDS["抢劫"] == ("robbery", 4.0)
    assert lexicon.FRAUD_WORDS["被骗"] == 5.0
    assert lexicon.COLOURS["黑色"] == "black"
    assert lexicon.THEFT_WORDS[:2] == ("被偷", "偷了")
    assert "broken into" in lexicon.BURGLARY_WORDS
    assert lexicon.PLACE_SUFFIXES[0] == "农贸市场"
    assert lexicon.PLACE_GATES[-1] == "交叉口"
    assert len(lexicon.TYPE_KEYWORDS) == len(lexicon.read_table("type_keywords"))


def test_labels_are_known_types() -> None:
    assert {kind for kind, _ in lexicon.TYPE_KEYWORDS.values()} <= set(lexicon.INCIDENT_TYPES)
    assert {kind for kind, _ in lexicon.FRAUD_TYPE_KEYWORDS.values()} <= set(lexicon.FRAUD_TYPES)
    assert {kind for _, kind in lexicon.BRANDS.values()} <= {
        "ebike",
        "bicycle",
        "phone",
        "car",
        "other",
    }

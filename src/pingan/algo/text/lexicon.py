"""Lexicons for report extraction: incident and fraud types, brands, colours, place suffixes.

The words live in tab-separated files under ``pingan/algo/text/lexicons/`` (package data):
one header row naming the columns, then one entry per row; lines starting with ``#`` are
comments. Order matters: a keyword listed twice keeps its last row, and word lists keep
their order (place suffixes are longest first where one is a suffix of another). The
tables are read once, at import.

Canonical forms (what the extractor returns):

- brands: the Chinese name where one is in common use (``雅迪``, ``九号``, ``苹果`` for
  Apple/iPhone, ``捷安特`` for Giant, ``丰田`` for Toyota); brands usually written in Latin
  letters keep them (``OPPO``, ``vivo``, ``iQOO``);
- colours: lower-case English words (``green``, ``black``, ``silver``);
- item kinds: ``ebike``, ``bicycle``, ``phone``, ``car``, ``other``.

Keyword weights are summed per type over the (non-overlapping) matches in a message; the
largest total wins. Latin keywords are matched case-insensitively.
"""

from __future__ import annotations

from functools import cache

from pingan.algo import _io
from pingan.algo.taxonomy import FRAUD_TYPES, INCIDENT_TYPES

__all__ = [
    "BICYCLE_WORDS",
    "BRANDS",
    "BURGLARY_WORDS",
    "CAR_WORDS",
    "CHATTER_WORDS",
    "COLOURS",
    "EBIKE_WORDS",
    "FRAUD_TYPES",
    "FRAUD_TYPE_KEYWORDS",
    "FRAUD_WORDS",
    "INCIDENT_TYPES",
    "ITEM_WORDS",
    "MEASURE_WORDS",
    "PHONE_WORDS",
    "PLACE_GATES",
    "PLACE_SUFFIXES",
    "PLACE_UNITS",
    "THEFT_WORDS",
    "TYPE_KEYWORDS",
    "read_table",
]


@cache
def read_table(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of the lexicon table ``lexicons/<name>.tsv``, without comments and header.

    Parameters
    ----------
    name
        File name without the ``.tsv`` suffix, e.g. ``"brands"``.

    Returns
    -------
    tuple of tuple of str
        One tuple of cells per row, as many cells as the header has columns.
    """
    text = _io.read_package_text(__name__.rpartition(".")[0], f"lexicons/{name}.tsv")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    header, *body = (tuple(line.split("\t")) for line in lines)
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ValueError(f"lexicons/{name}.tsv: row {number} has {len(row)} cells")
    return tuple(body)


def _words(table: str, which: str) -> tuple[str, ...]:
    return tuple(word for group, word in read_table(table) if group == which)


def _pairs(table: str) -> dict[str, str]:
    return {row[0]: row[1] for row in read_table(table)}


def _weights(table: str) -> dict[str, float]:
    return {key: float(weight) for key, weight in read_table(table)}


def _labelled(table: str) -> dict[str, tuple[str, float]]:
    return {key: (label, float(weight)) for key, label, weight in read_table(table)}


#: Words that say something was stolen (a theft verb).
THEFT_WORDS: tuple[str, ...] = _words("trigger_words", "theft")
EBIKE_WORDS: tuple[str, ...] = _words("trigger_words", "ebike")
BICYCLE_WORDS: tuple[str, ...] = _words("trigger_words", "bicycle")
PHONE_WORDS: tuple[str, ...] = _words("trigger_words", "phone")
CAR_WORDS: tuple[str, ...] = _words("trigger_words", "car")
BURGLARY_WORDS: tuple[str, ...] = _words("trigger_words", "burglary")

#: Keyword → (type, weight). Matched after the theft logic; see ``classify``.
TYPE_KEYWORDS: dict[str, tuple[str, float]] = _labelled("type_keywords")

#: Keyword → weight for fraud in general (independent of the fraud type).
FRAUD_WORDS: dict[str, float] = _weights("fraud_words")

#: Keyword → (fraud type, weight).
FRAUD_TYPE_KEYWORDS: dict[str, tuple[str, float]] = _labelled("fraud_type_keywords")

#: Words that mark a message as small talk, thanks, greetings, a question, a notice or an
#: advert → weight (notices weigh more: they name crimes without reporting one).
CHATTER_WORDS: dict[str, float] = _weights("chatter_words")

#: Brand aliases (lower case for Latin) → (canonical brand, item kind).
BRANDS: dict[str, tuple[str, str]] = {
    alias: (brand, kind) for alias, brand, kind in read_table("brands")
}

#: Colour words → canonical English colour.
COLOURS: dict[str, str] = _pairs("colours")

#: Item words → item kind ("other" items: things people commonly report stolen).
ITEM_WORDS: dict[str, str] = _pairs("item_words")

#: Classifiers (measure words) for counting items.
MEASURE_WORDS: str = "辆台部个只块把部"

#: Place-name suffixes, longest first where one is a suffix of another.
PLACE_SUFFIXES: tuple[str, ...] = _words("place_words", "suffix")

#: Sub-parts that may follow a place name ("3栋", "2单元", "东门").
PLACE_UNITS: tuple[str, ...] = _words("place_words", "unit")
PLACE_GATES: tuple[str, ...] = _words("place_words", "gate")

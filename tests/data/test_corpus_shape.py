"""The labelled message corpus has the shape the text benchmarks and the classifier rely on.

``tests/data/text/corpus.jsonl`` (the first 421 messages, pass "w0") and
``tests/data/text/voices.jsonl`` (the many-voiced passes w1…, issue 16) are read as they
are: every label is checked against the taxonomy, every interval against the message's own
time, and the counts per type against the issue's floor of 60.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pingan.algo.taxonomy import FRAUD_TYPES, INCIDENT_TYPES

TEXT = Path(__file__).resolve().parent / "text"
KINDS = {"ebike", "bicycle", "phone", "car", "other"}
COLOURS = {
    "black", "blue", "brown", "gold", "green", "grey", "orange",
    "pink", "purple", "red", "silver", "white", "yellow",
}  # fmt: skip
CHANNELS = {"group_chat", "web_form", "phone_transcript"}
FLOOR = 60


def _rows() -> list[dict[str, Any]]:
    old = [json.loads(x) for x in (TEXT / "corpus.jsonl").read_text("utf-8").splitlines() if x]
    new = [json.loads(x) for x in (TEXT / "voices.jsonl").read_text("utf-8").splitlines() if x]
    for row in old:
        row.setdefault("pass", "w0")
    return old + new


ROWS = _rows()


def test_ids_unique_and_texts_distinct() -> None:
    ids = Counter(r["id"] for r in ROWS)
    assert [i for i, n in ids.items() if n > 1] == []
    texts = Counter(r["text"] for r in ROWS)
    assert [t for t, n in texts.items() if n > 1] == []


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["id"])
def test_row_labels_are_valid(row: dict[str, Any]) -> None:
    assert row["type"] in INCIDENT_TYPES
    if row["type"] == "fraud":
        assert row["fraud_type"] in FRAUD_TYPES
    else:
        assert row["fraud_type"] is None
    if not row["is_report"]:
        assert row["type"] == "other"
        assert row["time"] is None
        assert row["place"] is None
        assert row["items"] == []
    at = datetime.fromisoformat(row["at"])
    assert at.utcoffset() is not None
    if row["time"] is not None:
        start = datetime.fromisoformat(row["time"]["start"])
        end = datetime.fromisoformat(row["time"]["end"])
        assert start <= end <= at + timedelta(minutes=1)
        assert at - start <= timedelta(days=62)
    if row["place"] is not None:
        assert row["place"].lower() in row["text"].lower()
    for item in row["items"]:
        assert item["kind"] in KINDS
        assert item["colour"] is None or item["colour"] in COLOURS
        assert isinstance(item["count"], int)
        assert item["count"] >= 1
    assert row["amount_yuan"] is None or (
        isinstance(row["amount_yuan"], int) and row["amount_yuan"] > 0
    )
    for phone in row["phones"]:
        assert re.fullmatch(r"1[3-9]\d{9}", phone)
        assert phone in row["text"]
    if row["pass"] != "w0":
        assert row["split"] in {"train", "heldout"}
        assert row["channel"] in CHANNELS
        assert row["persona"]


def test_every_type_has_its_floor() -> None:
    types = Counter(r["type"] for r in ROWS)
    frauds = Counter(r["fraud_type"] for r in ROWS if r["type"] == "fraud")
    short = {t: types[t] for t in INCIDENT_TYPES if types[t] < FLOOR}
    short |= {f: frauds[f] for f in FRAUD_TYPES if frauds[f] < FLOOR}
    assert short == {}
    assert sum(not r["is_report"] for r in ROWS) >= FLOOR
    assert len(ROWS) >= 2000


def test_passes_and_held_out_passes() -> None:
    passes: dict[str, set[str]] = {}
    for row in ROWS:
        passes.setdefault(row["pass"], set()).add(row["split"])
    written = [p for p in passes if p != "w0"]
    assert len(written) >= 8
    held = [p for p in written if passes[p] == {"heldout"}]
    assert len(held) >= 2
    # a pass is held out whole or not at all
    assert all(passes[p] in ({"heldout"}, {"train"}) for p in written)
    assert passes["w0"] == {"train", "test"}

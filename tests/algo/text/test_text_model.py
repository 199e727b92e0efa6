"""The trained type / fraud type / report classifier: real encoder, real sentences."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pingan.algo import _io
from pingan.algo.taxonomy import FRAUD_TYPES, INCIDENT_TYPES
from pingan.algo.text import extract_report
from pingan.algo.text.typemodel import CHATTER, guess_type, shipped_model
from pingan.algo.text.typetrain import TrainingRow, fit
from pingan.cli.text import training_rows

AT = datetime(2026, 7, 10, 21, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
CORPUS = Path(__file__).resolve().parents[2] / "data" / "text" / "corpus.jsonl"


def _subset() -> list[TrainingRow]:
    """A few training rows of each of four kinds (train split only)."""
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    wanted = {"theft.ebike": 6, "fraud": 10, "noise": 5, "other": 6}
    picked: list[TrainingRow] = []
    for row in rows:
        if row["split"] != "train" or wanted.get(row["type"], 0) == 0:
            continue
        wanted[row["type"]] -= 1
        picked.append(TrainingRow(row["text"], row["type"], row["fraud_type"], row["is_report"]))
    return picked


def test_same_seed_gives_the_same_weights_byte_for_byte(tmp_path: Path) -> None:
    rows = _subset()
    first, second = fit(rows, seed=7), fit(rows, seed=7)
    _io.write_npz_reproducible(tmp_path / "a.npz", first.to_arrays())
    _io.write_npz_reproducible(tmp_path / "b.npz", second.to_arrays())
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert first.threshold == second.threshold
    assert CHATTER in first.kinds
    assert "fraud" in first.kinds
    # and the file reads back to the same model
    back = _io.read_npz(tmp_path / "a.npz")
    assert (back["kind_coef"] == first.kind_coef).all()


def test_shipped_model_names_only_known_classes() -> None:
    model = shipped_model()
    assert set(model.kinds) <= {*INCIDENT_TYPES, CHATTER}
    assert set(model.fraud_types) == set(FRAUD_TYPES)
    assert model.kind_coef.shape == (len(model.kinds), model.mean.shape[0])
    assert 0.0 < model.threshold < 1.0


def test_messages_written_in_other_voices() -> None:
    # written for this test, in none of the corpus files
    cases = {
        "我家楼下的电动车半夜被人偷走了 电瓶也没了": ("theft.ebike", None),
        "someone stole my phone on the metro this morning": ("theft.phone", None),
        "有个人在微信上说是我们公司老板 让我给一个新账户转了两万块": (
            "fraud",
            "impersonating_acquaintance",
        ),
        "接到电话说是公安局的，说我涉嫌洗钱要把钱转到安全账户": (
            "fraud",
            "impersonating_officials",
        ),
        "谢谢警察叔叔，辛苦了": ("other", None),
    }
    for text, (kind, fraud_type) in cases.items():
        guess = guess_type(text)
        assert (guess.type, guess.fraud_type) == (kind, fraud_type), text
        assert guess.is_report == (kind != "other"), text
        assert 0.0 <= guess.confidence <= 1.0


def test_below_the_threshold_the_draft_says_uncertain() -> None:
    text = "我家楼下的电动车半夜被人偷走了"
    sure = guess_type(text)
    assert not sure.uncertain
    assert sure.confidence >= shipped_model().threshold
    strict = replace(shipped_model(), threshold=1.01)
    assert guess_type(text, strict).uncertain
    data = extract_report(text, AT).to_json()
    assert data["type_uncertain"] is False
    assert data["type_confidence"] == round(sure.confidence, 3)


def test_rules_only_extractor_is_still_there() -> None:
    report = extract_report("我的电瓶车昨晚被偷了", AT, rules_only=True)
    assert report.type == "theft.ebike"
    assert report.type_uncertain is False


def test_training_rows_leave_out_held_out_rows(tmp_path: Path) -> None:
    lines = [
        {"text": "电瓶车被偷了", "type": "theft.ebike", "fraud_type": None, "is_report": True},
        {"text": "谢谢", "type": "other", "fraud_type": None, "is_report": False},
    ]
    corpus = [{**lines[0], "split": "train"}, {**lines[1], "split": "test"}]
    voices = [{**lines[1], "split": "train", "pass": "p1"}, {**lines[0], "split": "heldout"}]
    for name, rows in (("corpus.jsonl", corpus), ("voices.jsonl", voices)):
        (tmp_path / name).write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    got = training_rows(tmp_path)
    assert [(r.text, r.is_report) for r in got] == [("电瓶车被偷了", True), ("谢谢", False)]


def test_a_short_report_the_model_reads_as_chatter_stands_flagged() -> None:
    # the rules read 打架 and no chatter cue; the report stands, and the officer checks it
    report = extract_report("东街有人打架", AT)
    assert report.is_report
    assert report.type == "assault"
    assert report.type_uncertain is (not guess_type("东街有人打架").is_report)
    chatter = extract_report("王警官辛苦了👍", AT)
    assert not chatter.is_report

"""The learned fraud model and the money-moved cues: training data, determinism, behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pingan.algo.taxonomy import FRAUD_TYPES
from pingan.algo.text.fraud import screen_situation
from pingan.algo.text.fraud.cues import money_moved
from pingan.algo.text.fraud.learned import read_training, shipped_model, train_model
from pingan.algo.text.fraud.rules import normalize_situation

CORPUS = Path(__file__).parents[2] / "data" / "fraud" / "situations.jsonl"
HELD_OUT_PASSES = frozenset({"p5", "p6"})


def _corpus() -> list[dict[str, object]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def test_shipped_training_data_holds_no_held_out_situation() -> None:
    rows = read_training()
    held_out = {
        normalize_situation(str(row["text"])) for row in _corpus() if row["pass"] in HELD_OUT_PASSES
    }
    assert len(held_out) >= 190
    assert {row.writing_pass for row in rows}.isdisjoint(HELD_OUT_PASSES)
    assert not held_out & {normalize_situation(row.text) for row in rows}


def test_shipped_training_data_is_the_current_tuning_passes() -> None:
    tuning = [row for row in _corpus() if row["pass"] not in HELD_OUT_PASSES]
    shipped = read_training()
    assert len(shipped) == len(tuning) >= 790
    assert [(r.writing_pass, r.is_fraud, r.fraud_type, r.tier) for r in shipped] == [
        (row["pass"], row["is_fraud"], row["type"], row["tier"]) for row in tuning
    ]
    assert {"p9", "p10", "p11"} <= {row.writing_pass for row in shipped}


def test_training_twice_gives_the_same_weights() -> None:
    rows = read_training()[::3]
    first, second = train_model(rows), train_model(rows)
    assert first.kinds == second.kinds == tuple(sorted(FRAUD_TYPES))
    assert first.tiers == ("orange", "red", "yellow")
    np.testing.assert_array_equal(first.weights, second.weights)
    np.testing.assert_array_equal(first.intercepts, second.intercepts)


def test_training_needs_both_fraud_and_not_fraud() -> None:
    only_fraud = [row for row in read_training() if row.is_fraud]
    with pytest.raises(ValueError, match="both fraud and not-fraud"):
        train_model(only_fraud)


def test_guess_is_a_distribution_and_reads_a_clear_case() -> None:
    guess = shipped_model().guess("网贷客服说我银行卡号填错了，钱被冻结，要先交三千解冻金才能放款")
    assert set(guess.fraud_type) == set(FRAUD_TYPES)
    assert sum(guess.fraud_type.values()) == pytest.approx(1.0)
    assert sum(guess.tier.values()) == pytest.approx(1.0)
    assert guess.fraud > 0.5
    assert max(guess.fraud_type, key=lambda k: guess.fraud_type[k]) == "loan"
    benign = shipped_model().guess("快递员打电话说快递放在小区驿站了，下班去取")
    assert benign.fraud < 0.5


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("他让我转钱，我已经转了两万", "已经转了两万"),
        ("对方让我把验证码发过去，验证码给他了", "验证码给他了"),
        ("按他说的装了一个会议软件，他在那边看着", "装了一个会议软件"),
        ("我把钱取出来交给了他派来的人", "把钱取出来交给了"),
        ("I already sent him 5000 for the customs fee", "I already sent"),
        ("He asked for the code and I gave him the code from the SMS", "I gave"),
    ],
)
def test_money_moved_cues_find_the_words(text: str, words: str) -> None:
    assert money_moved(normalize_situation(text)) == normalize_situation(words)


@pytest.mark.parametrize(
    "text",
    [
        "他让我转钱，我还没转",
        "对方让我先交三千保证金，我没交",
        "He wants me to send 5000 first, I haven't sent anything",
        "有人打电话说我的快递丢了，要给我理赔",
    ],
)
def test_money_not_moved_has_no_cue(text: str) -> None:
    assert money_moved(normalize_situation(text)) is None


def test_cash_handed_to_a_courier_for_a_grandson_in_trouble_is_red_impersonation() -> None:
    # the rules alone typed this as customer service (赔钱) and tiered it orange
    r = screen_situation("对方说是我外甥 出了车祸要赔钱 我把钱取出来交给了他派来的人")
    assert (r.is_fraud, r.fraud_type, r.tier) == (True, "impersonating_acquaintance", "red")
    assert any(s.code == "transfer_now" and "交给了" in s.evidence for s in r.signs)


@pytest.mark.parametrize(
    "text",
    [
        "我儿子在游戏里认识的网友说能低价卖装备 他偷偷用我手机付了六百多 对方把他删了",
        "A guy in my kid's game chat sold him a skin, my kid paid through my phone and got nothing",
    ],
)
def test_game_item_paid_for_is_red_game_trade(text: str) -> None:
    # the rules alone said romance (网友) for the first and orange for the second
    r = screen_situation(text)
    assert (r.is_fraud, r.fraud_type, r.tier) == (True, "game_trade", "red")

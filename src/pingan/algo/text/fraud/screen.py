r"""The screening decision: signs found, fraud or not, the type, the tier and the advice.

The model, written out:

- every sign of :func:`~pingan.algo.text.fraud.rules.sign_rules` that matches counts once,
  with the largest weight among its matching rows and the words of its first match;
- the fraud score :math:`s` is the sum of the weights of the signs found (the words of a
  real, checked situation weigh negatively); the situation is fraud when
  :math:`s \ge 3` and at least one sign weighs 2 or more;
- the type is the fraud type whose signs weigh most; ties and type-less fraud fall back to
  the keyword scores of :func:`pingan.algo.text.classify.fraud_type_scores`;
- the tier is red when a red sign is found (money moving, a safe account, screen sharing
  on, a card number given), else orange when a sign of contact is found, else yellow when
  only a received message or an advert is told (an invitation to add a chat account in it
  does not count as contact), else orange;
- the rules' confidence is :math:`1 - e^{-(s-1)/3}` scaled by the best type's share of the
  type scores for fraud, and :math:`1 / (1 + e^{s - 1.5})` for not fraud.

The rules are then combined with the learned model of :mod:`pingan.algo.text.fraud.learned`
(character n-grams, trained on the tuning passes only):

- fraud when :math:`\tfrac12 p_\text{model} + \tfrac12 p_\text{rules} \ge 0.45`, with
  :math:`p_\text{rules} = \tfrac12 \pm \tfrac12 c_\text{rules}` (plus when the rules say fraud);
- the type maximises :math:`P_\text{model}(t) + 0.3\, c_\text{rules} [t = t_\text{rules}]`:
  the model decides where the rules are unsure;
- red when the rules find a red sign, when a cue of :func:`~pingan.algo.text.fraud.cues.money_moved`
  shows money moved or moving, or when the model gives red at least 0.5; otherwise the
  rules' orange or yellow where the rules found fraud, else the model's likelier of the two;
- the confidence is the mean of the rules' and of the model's (:math:`P(\text{fraud})`
  times the chosen type's probability, or :math:`1 - P(\text{fraud})`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pingan.algo.text.classify import fraud_type_scores
from pingan.algo.text.fraud.cues import money_moved
from pingan.algo.text.fraud.learned import Guess, shipped_model
from pingan.algo.text.fraud.rules import (
    SignRule,
    advice_rows,
    normalize_situation,
    sign_labels,
    sign_rules,
)
from pingan.errors import InvalidInput

__all__ = ["MAX_SITUATION_CHARS", "Screening", "Sign", "Tier", "screen_situation"]

Tier = Literal["red", "orange", "yellow", "none"]

MAX_SITUATION_CHARS = 4_000
FRAUD_THRESHOLD = 3.0
STRONG_SIGN = 2.0
RULE_TYPE_WEIGHT = 0.3
MODEL_RED = 0.5
FRAUD_P = 0.45


@dataclass(frozen=True)
class Sign:
    """A tell-tale sign found in the text.

    Attributes
    ----------
    code
        Stable id, e.g. ``"upfront_fee"``, ``"safe_account"``, ``"new_account_transfer"``.
    label_zh, label_en
        What the sign is, in Chinese and English.
    evidence
        The words of the text that show it.
    """

    code: str
    label_zh: str
    label_en: str
    evidence: str


@dataclass(frozen=True)
class Screening:
    """The answer to "is this a scam?".

    Attributes
    ----------
    is_fraud
        Whether the situation reads as fraud.
    fraud_type
        One of the ten MPS types (:data:`pingan.algo.taxonomy.FRAUD_TYPES`) or None.
    signs
        The tell-tale signs found (not-fraud signs such as "checked at the counter" are
        left out).
    tier
        ``"red"`` (money moving or about to), ``"orange"`` (in contact, no money yet),
        ``"yellow"`` (exposure only) or ``"none"``.
    reason_zh, reason_en
        Why this tier, in plain words.
    advice_zh, advice_en
        What to do now, most urgent first.
    confidence
        0..1; a group-chat bot answers only above a threshold.
    """

    is_fraud: bool
    fraud_type: str | None
    signs: tuple[Sign, ...]
    tier: Tier
    reason_zh: str
    reason_en: str
    advice_zh: tuple[str, ...]
    advice_en: tuple[str, ...]
    confidence: float


@dataclass(frozen=True)
class _Hit:
    rule: SignRule
    weight: float
    evidence: str


def _check(text: object) -> str:
    if not isinstance(text, str):
        raise InvalidInput("the text must be a string", field="text")
    if not text.strip():
        raise InvalidInput("the text is empty", field="text")
    if len(text) > MAX_SITUATION_CHARS:
        raise InvalidInput(
            f"the text has {len(text)} characters; at most {MAX_SITUATION_CHARS} are accepted",
            field="text",
        )
    return text


def _find(norm: str, original: str) -> dict[str, _Hit]:
    hits: dict[str, _Hit] = {}
    same_length = len(norm) == len(original)
    for rule in sign_rules():
        m = rule.pattern.search(norm)
        if m is None:
            continue
        evidence = original[m.start() : m.end()] if same_length else m.group(0)
        old = hits.get(rule.code)
        if old is None:
            hits[rule.code] = _Hit(rule, rule.weight, evidence.strip())
        elif abs(rule.weight) > abs(old.weight):
            hits[rule.code] = _Hit(old.rule, rule.weight, old.evidence)
    return hits


def _type_of(hits: dict[str, _Hit], text: str) -> tuple[str | None, float]:
    scores: dict[str, float] = {}
    for hit in hits.values():
        if hit.rule.fraud_type is not None and hit.weight > 0:
            scores[hit.rule.fraud_type] = scores.get(hit.rule.fraud_type, 0.0) + hit.weight
    for kind, value in fraud_type_scores(text).items():
        scores[kind] = scores.get(kind, 0.0) + 0.1 * value
    if not scores:
        return None, 0.0
    best = max(scores.items(), key=lambda kv: kv[1])
    return best[0], best[1] / sum(scores.values())


def _tier_of(hits: dict[str, _Hit]) -> Tier:
    tiers = {
        hit.rule.tier for code, hit in hits.items() if hit.weight >= 0 and code != "private_chat"
    }
    if "red" in tiers:
        return "red"
    if "orange" in tiers:
        return "orange"
    if "yellow" in tiers:
        # "add us on QQ" in a message or an advert is still exposure only
        return "yellow"
    return "orange"


_REASONS: dict[str, tuple[str, str]] = {
    "red": ("钱正在转出或即将转出", "money is moving or about to move"),
    "orange": ("正在与对方接触，尚未转钱", "in contact with the other side, no money moved yet"),
    "yellow": ("只是收到可疑信息，尚未接触", "only a suspicious message received so far"),
    "none": ("未发现诈骗迹象", "no sign of fraud found"),
}


def _reasons(tier: Tier, signs: tuple[Sign, ...]) -> tuple[str, str]:
    zh, en = _REASONS[tier]
    if signs:
        zh += "：" + "、".join(s.label_zh for s in signs)
        en += ": " + "; ".join(s.label_en for s in signs)
    return zh + "。", en + "."


def _advice(tier: Tier, fraud_type: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    table = advice_rows()
    keys = [f"tier:{tier}"]
    if tier != "none":
        keys += [f"type:{fraud_type}", "general"]
    lines = [line for key in keys for line in table.get(key, ())]
    return tuple(zh for zh, _ in lines), tuple(en for _, en in lines)


def _confidence(is_fraud: bool, score: float, share: float) -> float:
    if is_fraud:
        value = (1.0 - math.exp(-(score - 1.0) / 3.0)) * (0.5 + 0.5 * share)
    else:
        value = 1.0 / (1.0 + math.exp(score - 1.5))
    return round(min(1.0, max(0.0, value)), 3)


@dataclass(frozen=True)
class _Verdict:
    is_fraud: bool
    fraud_type: str | None
    tier: Tier
    confidence: float


def _rules_verdict(hits: dict[str, _Hit], text: str) -> _Verdict:
    score = sum(hit.weight for hit in hits.values())
    strong = any(hit.weight >= STRONG_SIGN for hit in hits.values())
    is_fraud = score >= FRAUD_THRESHOLD and strong
    fraud_type, share = _type_of(hits, text) if is_fraud else (None, 0.0)
    tier: Tier = _tier_of(hits) if is_fraud else "none"
    return _Verdict(is_fraud, fraud_type, tier, _confidence(is_fraud, score, share))


def _combine(rules: _Verdict, guess: Guess, moved: str | None) -> _Verdict:
    p_rules = 0.5 + 0.5 * rules.confidence if rules.is_fraud else 0.5 - 0.5 * rules.confidence
    p_fraud = 0.5 * guess.fraud + 0.5 * p_rules
    if p_fraud < FRAUD_P:
        confidence = 0.5 * (rules.confidence if not rules.is_fraud else 0.0)
        return _Verdict(False, None, "none", round(confidence + 0.5 * (1.0 - guess.fraud), 3))
    scores = dict(guess.fraud_type)
    if rules.fraud_type is not None:
        scores[rules.fraud_type] += RULE_TYPE_WEIGHT * rules.confidence
    fraud_type = max(scores, key=lambda kind: scores[kind])
    tier: Tier
    if rules.tier == "red" or moved is not None or guess.tier["red"] >= MODEL_RED:
        tier = "red"
    elif rules.tier in ("orange", "yellow"):
        tier = rules.tier
    else:
        tier = "orange" if guess.tier["orange"] >= guess.tier["yellow"] else "yellow"
    model_confidence = guess.fraud * guess.fraud_type[fraud_type]
    rules_confidence = rules.confidence if rules.is_fraud else 0.0
    confidence = round(0.5 * rules_confidence + 0.5 * model_confidence, 3)
    return _Verdict(True, fraud_type, tier, confidence)


def _moved_sign(moved: str | None, hits: dict[str, _Hit]) -> dict[str, _Hit]:
    """Report the money-moved cue as the sign ``transfer_now`` when the tables missed it."""
    if moved is None or "transfer_now" in hits:
        return hits
    rule = next(rule for rule in sign_rules() if rule.code == "transfer_now")
    return {**hits, "transfer_now": _Hit(rule, rule.weight, moved)}


def screen_situation(text: str) -> Screening:
    """Screen a situation told in a person's own words for fraud.

    Parameters
    ----------
    text
        The situation, Chinese or English, 1 to :data:`MAX_SITUATION_CHARS` characters.

    Returns
    -------
    Screening
        Fraud or not, the type, the signs with their words, the tier, the reason, the advice
        and a confidence (see the module docstring for the model).

    Raises
    ------
    InvalidInput
        The text is not a string, is empty or blank, or is longer than the limit.
    """
    _check(text)
    norm = normalize_situation(text)
    hits = _find(norm, text)
    moved = money_moved(norm)
    verdict = _combine(_rules_verdict(hits, text), shipped_model().guess(text), moved)
    is_fraud, fraud_type, tier = verdict.is_fraud, verdict.fraud_type, verdict.tier
    if is_fraud:
        hits = _moved_sign(moved, hits)
    labels = sign_labels()
    signs = tuple(
        Sign(code, *labels.get(code, (code, code)), hit.evidence)
        for code, hit in hits.items()
        if hit.weight >= 0 and (is_fraud or hit.weight >= STRONG_SIGN)
    )
    reason_zh, reason_en = _reasons(tier, signs if is_fraud else ())
    advice_zh, advice_en = _advice(tier, fraud_type)
    return Screening(
        is_fraud=is_fraud,
        fraud_type=fraud_type,
        signs=signs,
        tier=tier,
        reason_zh=reason_zh,
        reason_en=reason_en,
        advice_zh=advice_zh,
        advice_en=advice_en,
        confidence=verdict.confidence,
    )

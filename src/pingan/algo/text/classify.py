"""Incident type, fraud type and report-or-chatter, from lexicon rules.

Model
-----
Each type has weighted keywords (:mod:`lexicon`); a message's score for a type is the sum of
the weights of its keywords found (longest match first, no overlaps). Theft is scored from
theft words; its sub-type is the property named nearest the theft word (e-bike or battery →
``theft.ebike``; bicycle; phone; car or things from a car → ``theft.vehicle``; otherwise
``theft.other``), or ``theft.burglary`` when a break-in word is present. Robbery words beat
theft. The fraud score sums general fraud words plus half of the best fraud-type score; the
fraud type is the best-scoring of the ten.

A message is a report when its best score reaches :data:`REPORT_THRESHOLD` and is larger
than its chatter score (thanks, greetings, questions, notices, adverts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pingan.algo.text.lexicon import (
    BICYCLE_WORDS,
    BRANDS,
    BURGLARY_WORDS,
    CAR_WORDS,
    CHATTER_WORDS,
    EBIKE_WORDS,
    FRAUD_TYPE_KEYWORDS,
    FRAUD_WORDS,
    PHONE_WORDS,
    THEFT_WORDS,
    TYPE_KEYWORDS,
)
from pingan.algo.text.numbers import normalize

REPORT_THRESHOLD = 2.0

_THEFT_WEIGHTS: dict[str, float] = dict.fromkeys(THEFT_WORDS, 3.0)
_THEFT_WEIGHTS.update(
    {
        "偷": 2.5,
        "没了": 1.5,
        "丢了": 2.0,
        "不见了": 2.5,
        "gone": 1.5,
        "贼": 2.0,
        "被偷": 4.0,
        "被盗": 4.0,
        "偷了": 3.5,
    }
)


def _alternation(words: list[str]) -> re.Pattern[str]:
    """Longest-first alternation; Latin words match whole words only ("bike" not in "ebike")."""
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile(
        "|".join(
            rf"(?<![a-z-]){re.escape(w)}(?![a-z])" if w.isascii() else re.escape(w) for w in ordered
        ),
        re.IGNORECASE,
    )


_THEFT_RE = _alternation(list(_THEFT_WEIGHTS))
_TYPE_RE = _alternation(list(TYPE_KEYWORDS))
_FRAUD_RE = _alternation(list(FRAUD_WORDS))
_FRAUD_TYPE_RE = _alternation(list(FRAUD_TYPE_KEYWORDS))
_CHATTER_RE = _alternation(list(CHATTER_WORDS))
_BURGLARY_RE = _alternation(list(BURGLARY_WORDS))


def _brands_of(kind: str) -> list[str]:
    return [alias for alias, (_, brand_kind) in BRANDS.items() if brand_kind == kind]


_OBJECT_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("theft.ebike", _alternation([*EBIKE_WORDS, *_brands_of("ebike")])),
    ("theft.bicycle", _alternation([*BICYCLE_WORDS, *_brands_of("bicycle")])),
    ("theft.phone", _alternation([*PHONE_WORDS, *_brands_of("phone")])),
    ("theft.vehicle", _alternation([*CAR_WORDS, *_brands_of("car")])),
)
_NOT_REPORT_RE = re.compile(
    r"(?:找回来了|找到了|已经找到|追回|破案了|抓到了|已经报警了吗|有没有人|有人知道|谁知道|怎么办|"
    r"是不是骗|是骗子吗|靠谱吗|是真的吗|\?$|？$)"
)
_PERSON_LOST_RE = re.compile(
    r"(?:孩子|小孩|儿子|女儿|老人|老爷子|老太太|爷爷|奶奶|外婆|外公|姥姥|姥爷|老妈|老爸|我妈|我爸"
    r"|母亲|父亲|老伴|媳妇|老公|mother|father|son|daughter|grandma|grandpa|kid|child)"
    r"[^，。,.!！]{0,10}(?:丢了|不见了|找不到了|走丢|没回|联系不上|失踪|missing)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Classification:
    """Outcome of the rules for one message.

    Attributes
    ----------
    type
        One of :data:`lexicon.INCIDENT_TYPES`.
    fraud_type
        One of :data:`lexicon.FRAUD_TYPES` when ``type == "fraud"``, else None.
    is_report
        False for chatter.
    confidence
        0–1, the winning score's share of all scores.
    scores
        Score per type (only non-zero ones).
    """

    type: str
    fraud_type: str | None
    is_report: bool
    confidence: float
    scores: dict[str, float]


def _score(pattern: re.Pattern[str], weights: dict[str, float], text: str) -> float:
    return sum(weights[m.group(0).lower()] for m in pattern.finditer(text))


def _theft_subtype(text: str, theft_pos: list[int]) -> str:
    if _BURGLARY_RE.search(text):
        return "theft.burglary"
    found = [
        (m.start(), m.end(), subtype)
        for subtype, pattern in _OBJECT_RES
        for m in pattern.finditer(text)
    ]
    # A word inside a longer object word does not count on its own:
    # 电动自行车 is an e-bike, not the 自行车 inside it.
    found = [
        (start, end, subtype)
        for start, end, subtype in found
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in found)
    ]
    best: tuple[float, str] | None = None
    for start, _end, subtype in found:
        distance = min(abs(start - p) for p in theft_pos)
        if best is None or distance < best[0]:
            best = (distance, subtype)
    return best[1] if best else "theft.other"


def score_types(text: str) -> dict[str, float]:
    """Rule scores per incident type (types with no keyword are left out)."""
    norm = normalize(text).lower()
    scores: dict[str, float] = {}
    theft_matches = list(_THEFT_RE.finditer(norm))
    theft = sum(_THEFT_WEIGHTS[m.group(0)] for m in theft_matches)
    if _BURGLARY_RE.search(norm):
        theft += 3.0
    if theft:
        subtype = _theft_subtype(norm, [m.start() for m in theft_matches] or [0])
        # a named object makes a theft word count more (车没了, 台铃不见了)
        scores[subtype] = theft + (2.0 if subtype not in ("theft.other", "theft.burglary") else 0)
    for m in _TYPE_RE.finditer(norm):
        kind, weight = TYPE_KEYWORDS[m.group(0)]
        scores[kind] = scores.get(kind, 0.0) + weight
    if _PERSON_LOST_RE.search(norm):
        scores["missing_person"] = scores.get("missing_person", 0.0) + 6.0
    fraud = _score(_FRAUD_RE, FRAUD_WORDS, norm)
    best_fraud_type = max(fraud_type_scores(norm).values(), default=0.0)
    if fraud or best_fraud_type >= 6.0:
        # the scheme's own words (刷单, 荐股, 杀猪盘) say fraud even without 被骗
        scores["fraud"] = fraud + 0.5 * best_fraud_type
    if "robbery" in scores:
        for key in list(scores):
            if key.startswith("theft.") and key != "theft.burglary":
                scores["robbery"] += 0.5 * scores.pop(key)
    return scores


def fraud_type_scores(text: str) -> dict[str, float]:
    """Rule scores per fraud type."""
    norm = normalize(text).lower()
    scores: dict[str, float] = {}
    for m in _FRAUD_TYPE_RE.finditer(norm):
        kind, weight = FRAUD_TYPE_KEYWORDS[m.group(0)]
        scores[kind] = scores.get(kind, 0.0) + weight
    return scores


def chatter_score(text: str) -> float:
    """How much a message reads as thanks, greetings, questions, notices or adverts."""
    norm = normalize(text).lower()
    score = sum(CHATTER_WORDS[w] for w in _CHATTER_RE.findall(norm))
    score += 3.0 * len(_NOT_REPORT_RE.findall(norm.strip()))
    if norm.strip().endswith(("?", "？")):
        score -= 1.5
    if len(norm.strip()) <= 4:
        score += 2.0
    return score


def classify(text: str) -> Classification:
    """Type, fraud type and report-or-chatter of a message by the lexicon rules.

    Examples
    --------
    >>> classify("我的电瓶车昨晚被偷了").type
    'theft.ebike'
    >>> classify("谢谢民警同志！").is_report
    False
    """
    scores = score_types(text)
    chatter = chatter_score(text)
    if not scores:
        return Classification("other", None, False, 0.0, scores)
    best_type, best = max(scores.items(), key=lambda kv: kv[1])
    is_report = best >= REPORT_THRESHOLD and best > chatter
    fraud_type = None
    if best_type == "fraud":
        fraud_scores = fraud_type_scores(text)
        if fraud_scores:
            fraud_type = max(fraud_scores.items(), key=lambda kv: kv[1])[0]
    confidence = best / sum(scores.values())
    if not is_report:
        return Classification("other", None, False, confidence, scores)
    return Classification(best_type, fraud_type, True, confidence, scores)

"""Screening a described situation: the checks around the pure core, and its JSON shape.

Screening answers a question and stores nothing, so it takes no session. The core
(:func:`pingan.algo.text.fraud.screen_situation`) is imported where it is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pingan.antifraud.schemas import MAX_SITUATION_CHARS
from pingan.errors import InvalidInput

if TYPE_CHECKING:
    from pingan.algo.text.fraud import Screening


def screen(text: str) -> Screening:
    """Screen ``text``; blank or over-long text is refused.

    Raises
    ------
    InvalidInput
        The text is blank or longer than :data:`MAX_SITUATION_CHARS` characters.
    """
    if not text.strip():
        raise InvalidInput("describe the situation: the text is blank", field="text")
    if len(text) > MAX_SITUATION_CHARS:
        raise InvalidInput(
            f"the text has {len(text)} characters; at most {MAX_SITUATION_CHARS}", field="text"
        )
    from pingan.algo.text.fraud import screen_situation

    return screen_situation(text.strip())


def screening_json(screening: Screening) -> dict[str, Any]:
    """The screening as the API and the CLI give it (see ``ScreeningRead``)."""
    return {
        "fraud": screening.is_fraud,
        "fraud_type": screening.fraud_type,
        "risk": screening.tier,
        "reason_zh": screening.reason_zh,
        "reason_en": screening.reason_en,
        "signs": [
            {
                "sign": sign.code,
                "label_zh": sign.label_zh,
                "label_en": sign.label_en,
                "evidence": sign.evidence,
            }
            for sign in screening.signs
        ],
        "advice": {"zh": list(screening.advice_zh), "en": list(screening.advice_en)},
        "confidence": round(float(screening.confidence), 3),
    }

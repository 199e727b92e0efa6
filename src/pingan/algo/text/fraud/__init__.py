"""Screening a described situation for fraud: signs, type, risk tier and advice.

``screen_situation(text)`` reads a situation told in a person's own words (Chinese or
English) and answers whether it is fraud, which of the ten MPS types, the tell-tale signs
with the words that show them, a risk tier and the advice to give now. Rules live in
:mod:`pingan.algo.text.fraud.rules` (tables under ``algo/text/lexicons/fraud_*.tsv``); the
cues that money has moved in :mod:`pingan.algo.text.fraud.cues`; the learned model
(character n-grams, trained on the shipped tuning passes ``fraud/data/situations.tsv``) in
:mod:`pingan.algo.text.fraud.learned`; the decision that combines them in
:mod:`pingan.algo.text.fraud.screen`.
"""

from pingan.algo.text.fraud.screen import (
    MAX_SITUATION_CHARS,
    Screening,
    Sign,
    Tier,
    screen_situation,
)

__all__ = [
    "MAX_SITUATION_CHARS",
    "Screening",
    "Sign",
    "Tier",
    "screen_situation",
]

"""The sign, label and advice tables of fraud screening, read once from the lexicons.

Each row of ``lexicons/fraud_signs.tsv`` is one regular expression for one sign: its code,
the fraud type it points to (``-`` for any type), its weight and the risk tier it implies.
Several rows may share a code; a sign is reported once, with the words of its first match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from pingan.algo.taxonomy import FRAUD_TYPES
from pingan.algo.text.lexicon import read_table

__all__ = ["SignRule", "advice_rows", "normalize_situation", "sign_labels", "sign_rules"]

_TIERS = ("red", "orange", "yellow")


@dataclass(frozen=True)
class SignRule:
    """One pattern of one sign.

    Attributes
    ----------
    code
        Stable id of the sign.
    fraud_type
        The MPS fraud type the sign points to, or None for a sign of any type.
    weight
        Added to the fraud score (negative for words of a real, checked situation).
    tier
        ``"red"``, ``"orange"``, ``"yellow"`` or None when the sign says nothing of the tier.
    pattern
        The compiled, case-insensitive expression.
    """

    code: str
    fraud_type: str | None
    weight: float
    tier: str | None
    pattern: re.Pattern[str]


def normalize_situation(text: str) -> str:
    """NFKC-normalised, lower-cased text with runs of spaces folded to one."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).lower()


@cache
def sign_rules() -> tuple[SignRule, ...]:
    """Every row of ``fraud_signs.tsv`` as a :class:`SignRule`, in file order.

    Returns
    -------
    tuple of SignRule
        The rules; a row naming an unknown fraud type or tier raises ``ValueError``.
    """
    rules: list[SignRule] = []
    for code, fraud_type, weight, tier, pattern in read_table("fraud_signs"):
        if fraud_type != "-" and fraud_type not in FRAUD_TYPES:
            raise ValueError(f"fraud_signs.tsv: unknown fraud type {fraud_type!r}")
        if tier != "-" and tier not in _TIERS:
            raise ValueError(f"fraud_signs.tsv: unknown tier {tier!r}")
        rules.append(
            SignRule(
                code=code,
                fraud_type=None if fraud_type == "-" else fraud_type,
                weight=float(weight),
                tier=None if tier == "-" else tier,
                pattern=re.compile(pattern, re.IGNORECASE),
            )
        )
    return tuple(rules)


@cache
def sign_labels() -> dict[str, tuple[str, str]]:
    """Chinese and English label per sign code."""
    return {code: (zh, en) for code, zh, en in read_table("fraud_sign_labels")}


@cache
def advice_rows() -> dict[str, tuple[tuple[str, str], ...]]:
    """Advice lines (Chinese, English) per key (``tier:red``, ``type:loan``, ``general``)."""
    rows: dict[str, list[tuple[str, str]]] = {}
    for key, zh, en in read_table("fraud_advice"):
        rows.setdefault(key, []).append((zh, en))
    return {key: tuple(lines) for key, lines in rows.items()}

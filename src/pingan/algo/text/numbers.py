"""Small number helpers shared by the time and amount parsers (Chinese numerals, full-width)."""

from __future__ import annotations

_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９：．，！？（）　％￥",
    "0123456789:.,!?() %¥",
)

CN_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

#: Characters that may make up a small Chinese numeral.
CN_NUM_CHARS = "零〇一二两俩三四五六七八九十百"


def normalize(text: str) -> str:
    """Turn full-width digits and punctuation into ASCII ones (same length)."""
    return text.translate(_FULLWIDTH)


def parse_small_int(token: str) -> int | None:
    """Parse ``0``–``999`` written in Arabic digits or Chinese numerals.

    Parameters
    ----------
    token
        ``"12"``, ``"十二"``, ``"二十三"``, ``"两"``, ``"一百二"``.

    Returns
    -------
    int or None
        The value, or None when the token is not a number.
    """
    token = token.strip()
    if not token:
        return None
    if token.isdigit() and token.isascii():
        return int(token)
    total = 0
    current = 0
    seen = False
    last_unit = 1
    for ch in token:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
            seen = True
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
            seen = True
            last_unit = 10
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
            seen = True
            last_unit = 100
        else:
            return None
    if not seen:
        return None
    if current and last_unit == 100 and len(token) >= 3 and token[-2] == "百":
        # 一百二 = 120
        return total + current * 10
    return total + current

"""Chinese numerals and full-width digits: the one digit table and its parsers.

Three readings share the table :data:`CN_DIGITS` and :data:`CN_UNITS`:

- :func:`parse_small_int` for clock times, dates and counts (``一百二`` → 120, up to 999);
- :func:`parse_cn_amount` for money (up to 亿, colloquial tails: ``三千五`` → 3500);
- :func:`parse_cn_house_number` for house numbers, read digit by digit under their units
  (``一百零五`` → 105, ``一百二`` → 102).
"""

from __future__ import annotations

import re

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

#: Multipliers; 万 and 亿 also close a section (``三万五千`` = 3·10_000 + 5·1000).
CN_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}

#: Characters that may make up a small Chinese numeral.
CN_NUM_CHARS = "零〇一二两俩三四五六七八九十百"

#: Digits of amounts and house numbers (俩 counts people or things, not yuan or houses).
CN_NUMERAL_DIGITS = "零〇一二两三四五六七八九"


#: Cantonese written words with one Mandarin character of the same use: 停喺 → 停在,
#: 我嘅 → 我的, 偷咗 → 偷了, 冇 → 没 (畀 is left: it is both 被 and 给).
_CANTONESE = str.maketrans({"喺": "在", "嘅": "的", "咗": "了", "冇": "没"})
#: Cantonese words of time, each with a Mandarin word of the same length.
_CANTONESE_TIME = {
    "琴晚": "昨晚",
    "寻晚": "昨晚",
    "琴日": "昨日",
    "寻日": "昨日",
    "今朝": "今早",
    "朝早": "早上",
    "下昼": "下午",
    "头先": "刚才",
    "啱啱": "刚刚",
}
_CANTONESE_TIME_RE = re.compile("|".join(_CANTONESE_TIME))


def normalize(text: str) -> str:
    """Turn full-width characters into ASCII ones and Cantonese words into Mandarin ones.

    The Cantonese words are the commonest written ones (喺, 嘅, 咗, 冇) and words of time
    (琴晚, 寻日, 今朝, 下昼, 头先); every replacement has the length of what it replaces, so
    offsets into the text stay valid.
    """
    text = text.translate(_FULLWIDTH).translate(_CANTONESE)
    return _CANTONESE_TIME_RE.sub(lambda m: _CANTONESE_TIME[m.group(0)], text)


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


def parse_cn_amount(token: str) -> int | None:
    """Parse a Chinese numeral up to 亿, with colloquial tails.

    ``几`` stands for an unknown digit counted as 0 (``两千几`` → 2000) but may not lead.
    A digit after a unit, at the end, is one step below it (``三千五`` → 3500,
    ``一万二`` → 12000).

    Parameters
    ----------
    token
        Characters of :data:`CN_DIGITS`, :data:`CN_UNITS` and ``几``.

    Returns
    -------
    int or None
        The value, or None when the token is empty, starts with ``几`` or holds another
        character.
    """
    if not token:
        return None
    total = 0
    section = 0
    digit: int | None = None
    last_unit = 0
    if token.startswith("几"):
        return None
    for ch in token:
        if ch == "几":
            digit = 0
        elif ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in ("万", "亿"):
            unit = CN_UNITS[ch]
            section += digit or 0
            total = (total + (section or 1)) * unit
            section, digit = 0, None
            last_unit = unit
        elif ch in CN_UNITS:
            unit = CN_UNITS[ch]
            section += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
        else:
            return None
    if digit is not None:
        if last_unit >= 10 and len(token) >= 2 and token[-2] in CN_UNITS:
            digit *= last_unit // 10  # 三千五 = 3500, 一万二 = 12000
        section += digit
    return total + section


def parse_cn_house_number(text: str) -> int | None:
    """Parse a simple Chinese numeral digit by digit (``"十二"`` → 12, ``"一百零五"`` → 105).

    Parameters
    ----------
    text
        Characters of :data:`CN_DIGITS` and :data:`CN_UNITS`.

    Returns
    -------
    int or None
        The value, or None when ``text`` holds another character.
    """
    total, digit = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (digit or 1) * CN_UNITS[ch]
            digit = 0
        else:
            return None
    return total + digit

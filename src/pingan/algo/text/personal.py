"""Personal data in free text.

Phone numbers, ID numbers, bank card numbers, licence plates and names after a cue (我叫…,
联系人：…).

:func:`find_personal_data` gives non-overlapping spans in reading order, each with its kind
and a canonical value. The forms covered are the ones people write:

- mobiles ``1[3-9]x`` + 8 digits, with ``+86``/``0086``/``(+86)``/``86`` before them and
  single spaces, dots or dashes between any digits, the first three in brackets or not:
  ``138.1234.5678``, ``(138)1234-5678``, ``+86 138 1234 5678``;
- landlines with their area code (``010``, ``02x``, ``0xxx``; without the 0 after ``+86``),
  in brackets or not: ``010 6552 9988``, ``0755-12345678``, ``(021)6234-5678``;
- 18-character ID numbers (the last may be ``X``), written whole or as 6-8-4, and 15-digit
  old ones whose digits 7-12 are a date (``YYMMDD``);
- bank card numbers of 16-19 digits, whole or in groups of four;
- licence plates: province, city letter, five or six letters and digits (new energy),
  with an optional ``·``, space or dash: ``京A12345``, ``粤B·D12345``.

A bare local number without its area code (``6552 9988``) is not taken: it cannot be told
from other eight-digit numbers. Full-width digits and punctuation count as ASCII ones
(:func:`pingan.algo.text.numbers.normalize`); spans index the text as given.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from pingan.algo.text.numbers import normalize


class Kind(enum.StrEnum):
    """Kind of personal data a span holds."""

    phone = "phone"
    id_number = "id_number"
    bank_card = "bank_card"
    plate = "plate"
    name = "name"


@dataclass(frozen=True)
class PersonalSpan:
    """One piece of personal data: ``text[start:end]`` is how it was written.

    ``value`` is canonical: a mobile's 11 digits, a landline as ``area-local``, an ID number
    in upper case without separators, a card's digits, a plate without its separator, a name.
    """

    kind: Kind
    start: int
    end: int
    value: str


# Same length as the input, on top of ``normalize``: dashes, plus, no-break spaces.
_EXTRA = str.maketrans("－‐‑‒–—＋\u00a0\u3000", "------+  ")

_S = r"[ .\-]?"  # one optional separator between digits
_CC = r"(?:(?:\+ ?|00)86|\(\+?86\)|86(?=[ \-]?\(?1[3-9]))[ \-]?"  # country code
_MOBILE = r"\(?1[3-9]\d\)?(?:" + _S + r"\d){8}"
_AREA = r"0(?:10|2\d|[3-9]\d{2})"
_AREA_NO_ZERO = r"(?:10|2\d|[3-9]\d{2})"
_LOCAL = r"\d{3,4}" + _S + r"\d{4}"

_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (
        Kind.id_number,
        re.compile(r"(?<![\dA-Za-z])\d{6}[ \-]?\d{8}[ \-]?\d{3}[\dXx](?![\dA-Za-z])"),
    ),
    (
        Kind.bank_card,
        re.compile(r"(?<![\d.])\d{4}(?:[ \-]?\d{4}){3}(?:[ \-]?\d{1,3})?(?![\d])"),
    ),
    (Kind.id_number, re.compile(r"(?<![\d.])\d{6}[ \-]?\d{6}[ \-]?\d{3}(?!\d)")),
    (Kind.phone, re.compile(r"(?<![\d+])(?:" + _CC + r")?" + _MOBILE + r"(?!\d)")),
    (
        Kind.phone,
        re.compile(
            r"(?<![\d+])(?:"
            + _CC
            + r"\(?"
            + _AREA_NO_ZERO
            + r"\)?|\("
            + _AREA
            + r"\)|"
            + _AREA
            + r")"
            + _S
            + _LOCAL
            + r"(?!\d)"
        ),
    ),
    (
        Kind.plate,
        re.compile(
            r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
            r"[A-Z][·•・ \-]?(?=[A-Z0-9]*\d)(?:[A-Z0-9]{5,6}|[A-Z0-9]{4}[挂学警港澳])"
            r"(?![A-Za-z0-9])"
        ),
    ),
)

#: Common surnames: a cue (我叫, 联系人：) is a name only when one of these follows.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤欧司上诸"
)
_NAME_RE = re.compile(
    r"(?:我叫|名叫|姓名|联系人|报警人|当事人|机主|户名)\s*[:：是为]?\s*"
    r"(?P<name>[" + _SURNAMES + r"][\u4e00-\u9fff]{1,2})"
)


def _is_date(yymmdd: str) -> bool:
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    return 1 <= month <= 12 and 1 <= day <= 31


def _classify(kind: Kind, raw: str) -> tuple[Kind, str] | None:
    """Return the kind and canonical value of a match, or None when it is not personal data."""
    if kind is Kind.plate:
        return kind, re.sub(r"[·•・ \-]", "", raw)
    digits = re.sub(r"[^\dXx]", "", raw).upper()
    if kind is Kind.id_number and len(digits) == 15:
        return (kind, digits) if _is_date(digits[6:12]) else None
    if kind is Kind.id_number:
        # 18 characters: an ID when it ends in X or carries a birth date, else a card number
        birth = digits[6:14]
        dated = birth[:2] in ("18", "19", "20") and _is_date(birth[2:])
        return (kind, digits) if digits.endswith("X") or dated else (Kind.bank_card, digits)
    if kind is Kind.bank_card:
        return kind, digits
    # phones: drop the country code; landlines keep their area code with a dash
    national = digits[4:] if digits.startswith("0086") else digits
    national = national[2:] if len(national) > 11 and national.startswith("86") else national
    if re.fullmatch(r"1[3-9]\d{9}", national):
        return kind, national
    if not national.startswith("0"):
        national = "0" + national
    area = 3 if national[1] in "12" else 4
    return kind, f"{national[:area]}-{national[area:]}"


def find_personal_data(text: str) -> list[PersonalSpan]:
    """Personal data in ``text``, as non-overlapping spans in reading order.

    Where two matches overlap, the longer wins (a card number is not also a phone).

    Examples
    --------
    >>> spans = find_personal_data("电话+86 138.1234.5678，车牌粤B·D12345")
    >>> [(s.kind.value, s.value) for s in spans]
    [('phone', '13812345678'), ('plate', '粤BD12345')]
    """
    norm = normalize(text).translate(_EXTRA)
    found: list[PersonalSpan] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(norm):
            classified = _classify(kind, m.group(0))
            if classified is not None:
                found.append(PersonalSpan(classified[0], m.start(), m.end(), classified[1]))
    for m in _NAME_RE.finditer(norm):
        found.append(PersonalSpan(Kind.name, m.start("name"), m.end("name"), m.group("name")))
    chosen: list[PersonalSpan] = []
    for span in sorted(found, key=lambda s: (-(s.end - s.start), s.start)):
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def find_phones(text: str) -> list[str]:
    """Find the phone numbers in a message, each once, in reading order.

    Mobiles come as 11 digits, landlines as ``area-local``.

    Examples
    --------
    >>> find_phones("联系我13900001111或者0571-88880000")
    ['13900001111', '0571-88880000']
    """
    phones = [s.value for s in find_personal_data(text) if s.kind is Kind.phone]
    return list(dict.fromkeys(phones))

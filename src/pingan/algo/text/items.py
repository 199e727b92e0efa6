"""Property named in a message: e-bikes, bicycles, phones, cars and a few other things.

Model
-----
Every item word (电动车, 手机, "bike") or brand (雅迪, iPhone) starts or joins an item of its
kind; a brand joins the nearest item of its kind, or makes one when the kind is not named
("绿色的雅迪" next to 电瓶车 is one item). A colour joins the nearest item within 12
characters, preferring the one after it ("红色的小牛"), then the one before it. Single-character
colours (黑, 白) count only before 色/的 or right before an item word, so that 白天 is not
white. A count is a number with a measure word right before the item word (两辆电动车).
Mentions of the same kind with compatible brands are one item. Plates (浙A12345) join the
nearest car or e-bike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pingan.algo.text.lexicon import BRANDS, COLOURS, ITEM_WORDS, MEASURE_WORDS
from pingan.algo.text.numbers import normalize, parse_small_int


@dataclass(frozen=True)
class Item:
    """One kind of property in a report.

    Attributes
    ----------
    kind
        ``ebike``, ``bicycle``, ``phone``, ``car`` or ``other``.
    brand
        Canonical brand (see :mod:`lexicon`), or None.
    colour
        Canonical English colour word, or None.
    count
        How many (1 unless the text says otherwise).
    plate
        Licence plate as written without separators, or None.
    name
        The word that named the item (电瓶车, 钱包).
    """

    kind: str
    brand: str | None = None
    colour: str | None = None
    count: int = 1
    plate: str | None = None
    name: str | None = None


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_ITEM_RE = re.compile(
    "|".join(
        rf"(?<![A-Za-z]){re.escape(w)}" if w.isascii() else re.escape(w)  # not motorbike
        for w in sorted(ITEM_WORDS, key=len, reverse=True)
    ),
    re.IGNORECASE,
)
_BRAND_RE = re.compile(
    "|".join(
        rf"(?<![A-Za-z]){re.escape(alias)}(?![a-z])" if alias.isascii() else re.escape(alias)
        for alias in sorted(BRANDS, key=len, reverse=True)
    ),
    re.IGNORECASE,
)
_COLOUR_RE = re.compile(
    r"(?<![A-Za-z])(?:" + _alternation(list(COLOURS)) + r")(?![a-z])", re.IGNORECASE
)
_COUNT_RE = re.compile(
    r"(?P<n>\d{1,2}|[一二两三四五六七八九十几]{1,2})\s*[" + MEASURE_WORDS + r"]\s*"
    r"(?:[\u4e00-\u9fff]{0,4}的)?[\u4e00-\u9fffA-Za-z]{0,3}$"
)
_EN_COUNT_RE = re.compile(r"\b(?P<n>two|three|four|five|\d)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_PLATE_RE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][·\s-]?[A-Z0-9]{5,6}"
)
#: 手机店, 手机号: the word names something else; 骑电动车跑了: the offender's vehicle.
_NOT_ITEM_AFTER_RE = re.compile(
    r"店|号|壳|铺|行|卡|支架|充电|上楼|进电梯|进楼道|站|员|柜|点|小哥"
    r"|\s?(?:shed|rack|lane|parking|shelter|shop|park)\b",  # a bike shed is no bike
    re.IGNORECASE,
)
_RIDER_BEFORE_RE = re.compile(r"(?:骑|骑着|开着|坐着|开)$|\b(?:on|riding)\s+an?\s+$", re.IGNORECASE)
_BAG_RE = re.compile(r"抢包|偷包|(?:我的|她的|他的|的)包(?!子)|包被|挎包|手提包")
_BATTERY_WORDS = ("电瓶", "电池", "battery")
_EN_NUM = {"two": 2, "three": 3, "four": 4, "five": 5}
# a bare 车 after a brand of e-bike/car (雅迪车) or a kind-less brand needs nothing more
_PLURAL_EN = re.compile(r"(?:bikes|phones|cars|scooters)$", re.IGNORECASE)


@dataclass
class _Draft:
    kind: str
    pos: int
    brand: str | None = None
    colour: str | None = None
    count: int = 1
    plate: str | None = None
    name: str | None = None


def _colour_ok(text: str, m: re.Match[str]) -> bool:
    word = m.group(0)
    if len(word) > 1 or word.isascii():
        return True
    after = text[m.end() : m.end() + 1]
    if after in ("色", "的"):
        return True
    return bool(_ITEM_RE.match(text, m.end()) or _BRAND_RE.match(text, m.end()))


def find_items(text: str) -> list[Item]:
    """Items named in a message, in order of first mention.

    Examples
    --------
    >>> find_items("电瓶车被偷了，绿色的雅迪")
    [Item(kind='ebike', brand='雅迪', colour='green', count=1, plate=None, name='电瓶车')]
    """
    norm = normalize(text)
    drafts = _item_words(norm)
    _add_brands(norm, drafts)
    _add_colours(norm, drafts)
    _add_plates(norm, drafts)
    drafts.sort(key=lambda d: d.pos)
    return [
        Item(kind=d.kind, brand=d.brand, colour=d.colour, count=d.count, plate=d.plate, name=d.name)
        for d in drafts
    ]


def _item_words(norm: str) -> list[_Draft]:
    """Draft an item for each item word (with its count) and a bag.

    The e-bike of a stolen battery is dropped: the battery is what was taken.
    """
    drafts: list[_Draft] = []
    for m in _ITEM_RE.finditer(norm):
        word = m.group(0)
        kind = ITEM_WORDS[word.lower()]
        if _NOT_ITEM_AFTER_RE.match(norm, m.end()) or _RIDER_BEFORE_RE.search(
            norm[max(0, m.start() - 12) : m.start()]
        ):
            continue  # a bike shed, the thief's ride (骑电动车, "on a motorbike")
        count = _count_before(norm, m)
        same = [d for d in drafts if d.kind == kind]
        if same and count == 1:
            continue
        drafts.append(_Draft(kind=kind, pos=m.start(), count=count, name=word))
    if not any(d.kind == "other" for d in drafts):
        bag = _BAG_RE.search(norm)
        if bag is not None:
            drafts.append(_Draft(kind="other", pos=bag.start(), name="包"))
    if any(d.name in _BATTERY_WORDS for d in drafts):
        # 电动车的电瓶被偷: the battery is what was taken
        drafts = [d for d in drafts if d.kind != "ebike" or d.count > 1]
    return drafts


def _count_before(norm: str, m: re.Match[str]) -> int:
    """Count the item word ``m`` names (``两辆``, ``two bikes``; 1 when no count is said)."""
    count = 1
    before = norm[max(0, m.start() - 12) : m.start()]
    cm = _COUNT_RE.search(before)
    if cm is not None:
        count = parse_small_int(cm.group("n")) or 1
    em = _EN_COUNT_RE.search(before)
    if em is not None and _PLURAL_EN.search(norm[m.start() : m.end() + 1]):
        raw = em.group("n").lower()
        count = int(raw) if raw.isdigit() else _EN_NUM.get(raw, 1)
    return count


def _add_brands(norm: str, drafts: list[_Draft]) -> None:
    """Give each brand to the nearest item of its kind (drafting one if there is none)."""
    for m in _BRAND_RE.finditer(norm):
        brand, kind = BRANDS[m.group(0).lower()]
        same = [d for d in drafts if d.kind == kind]
        # 苹果/小米 may be fruit or rice without a phone word or a model number
        if not same and brand in ("苹果", "小米") and not re.match(r"\s*\d", norm[m.end() :]):
            continue
        if not same:
            drafts.append(_Draft(kind=kind, pos=m.start(), name=m.group(0)))
            same = drafts[-1:]
        target = min(same, key=lambda d: abs(d.pos - m.start()))
        if target.brand is None:
            target.brand = brand
        elif target.brand != brand and not any(d.brand == brand for d in same):
            # 两辆电动车，一辆爱玛一辆台铃: split the counted item by brand
            if target.count > 1:
                target.count -= 1
            drafts.append(_Draft(kind=kind, pos=m.start(), brand=brand, name=m.group(0)))


def _add_colours(norm: str, drafts: list[_Draft]) -> None:
    """Give each colour word to the item it describes.

    That is the item named just after it (or the item of the brand after it), else the one
    just before.
    """
    for m in _COLOUR_RE.finditer(norm):
        if not _colour_ok(norm, m):
            continue
        colour = COLOURS[m.group(0).lower()]
        after_items = [d for d in drafts if 0 <= d.pos - m.end() <= 12]
        before_items = [d for d in drafts if 0 <= m.start() - d.pos <= 16]
        # English words are longer: "Green Ninebot", "giant, black"
        reach = 16 if m.group(0).isascii() else 6
        brand_after = _BRAND_RE.search(norm, m.end(), m.end() + reach)
        if brand_after is None and m.group(0).isascii():
            brand_after = next(
                (
                    b
                    for b in _BRAND_RE.finditer(norm, max(0, m.start() - 12), m.start())
                    if not norm[b.end() : m.start()].strip(" ,")
                ),
                None,
            )  # "a Giant, black": the colour said right after the brand
        if brand_after is not None:
            next_brand, next_kind = BRANDS[brand_after.group(0).lower()]
            owners = [d for d in drafts if d.kind == next_kind and d.brand == next_brand] or [
                d for d in drafts if d.kind == next_kind
            ]
            if owners:
                after_items = owners
        pool = after_items or before_items
        if not pool:
            continue
        target = min(pool, key=lambda d: abs(d.pos - m.start()))
        if target.colour is None:
            target.colour = colour


def _add_plates(norm: str, drafts: list[_Draft]) -> None:
    """Give each licence plate to the nearest car or e-bike (drafting a car if there is none)."""
    for m in _PLATE_RE.finditer(norm):
        plate = re.sub(r"[·\s-]", "", m.group(0))
        owners = [d for d in drafts if d.kind in ("car", "ebike")]
        if not owners:
            drafts.append(_Draft(kind="car", pos=m.start(), name="车牌"))
            owners = drafts[-1:]
        target = min(owners, key=lambda d: abs(d.pos - m.start()))
        target.plate = target.plate or plate

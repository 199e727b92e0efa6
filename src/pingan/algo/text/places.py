"""Place text: the name of the place a message talks about (锦绣花园3栋, 水产路12号).

Model
-----
A place is a *name* followed by a *suffix* from :data:`lexicon.PLACE_SUFFIXES` (小区, 花园,
路, 街, 市场 …), then any *units* (3栋, 2单元, 12号, 5号楼, A座) and gates (东门, 交叉口).
The name is grown leftwards from the suffix over jieba tokens that look like parts of a name
(no pronouns, verbs, particles or time words), at most eight characters. Words for "near"
(门口, 楼下, 附近, 旁边) are not part of the place. ``XX路和YY路交叉口`` is kept whole.
Generic places of three or more characters (菜市场, 地铁站, 停车场) count without a name.
English: "at/on/near/outside Jinxiu Garden", "Shuichan Road", optionally "Building 3".

A gazetteer hook may add known names: ``find_places(text)`` returns spans of names it knows;
they win over the spans found here where they overlap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pingan.algo.text._placewords import CHAINS
from pingan.algo.text._timewords import DAY_WORDS, PARTS
from pingan.algo.text.lexicon import PLACE_GATES, PLACE_SUFFIXES, PLACE_UNITS
from pingan.algo.text.numbers import normalize
from pingan.algo.text.segment import token_spans


@dataclass(frozen=True)
class PlaceSpan:
    """A place name found in a text: ``text[start:end] == name``."""

    start: int
    end: int
    name: str


_SUFFIX_RE = re.compile("|".join(sorted(PLACE_SUFFIXES, key=len, reverse=True)))
_UNITS_RE = re.compile(
    r"(?:\s*(?:\d{1,4}|[一二三四五六七八九十]{1,3}|[A-Za-z])\s*(?:"
    + "|".join(PLACE_UNITS)
    + r")(?![线路车口])|"
    + "|".join(PLACE_GATES)
    + ")+"
)
_STOP_CHARS = set(
    "在的了我你他她它们把被是有就都也还又说去到从回住停放骑走偷丢买看发现刚今昨晚夜点个位呢吗啊吧呀哦嗯"
    "很太要想让给对向往着会能没不这那哪谁啥什么怎刚才俺咱搁叫"
    "，。！？、；：,.!?;: \t\n\"'“”‘’()（）【】[]《》~…"
)
_STRONG_STOP_CHARS = set(
    "我你他她它们的了在被把吗呢啊呀哦嗯过到去从说刚昨今晚夜偷丢看这那哪个有俺咱搁住"
    "，。！？、；：,.!?;: \t\n\"'“”‘’()（）【】[]《》~…"
)
#: Words for a day or a part of it, spoken ones too (昨儿个, 晌午头, 后晌, 傍黑), that may open
#: a clause before a name; 白天 is left out (白天鹅宾馆).
_DAY_PARTS = sorted(
    (w for w in (*DAY_WORDS, *PARTS) if not w.isascii() and len(w) >= 2 and w != "白天"),
    key=len,
    reverse=True,
)
_TIME_PREFIX_RE = re.compile(
    r"(?:[上这本]?(?:周|星期|礼拜)[一二三四五六日天]|[这前]?[两几一]天|[昨今前]天|[早晚]上|昨晚|今早"
    r"|(?:" + "|".join(_DAY_PARTS) + r")[个头]?)+"
)
#: Generic places that, after a named one, do not make it more precise (万达广场停车场).
_GENERIC_TAILS = ("地下停车场", "停车场", "地下车库", "车库", "图书馆", "体育馆", "驿站", "地铁站")
_STOP_TOKENS = {
    "一家",
    "那家",
    "这家",
    "有家",
    "下班",
    "上班",
    "放学",
    "回家",
    "出门",
    "路过",
    "经过",
    "和",
    "与",
    "跟",
    "及",
    "或",
    "门口",
    "楼下",
    "附近",
    "旁边",
    "对面",
    "小偷",
}
_SINGLE_CHAR_SUFFIX_MIN_NAME = 2
_NOT_BEFORE_LI = set("道区家车店屋院楼房间心子面层场园城梯库箱包这那哪夜戏信群机网司")
_NOT_BEFORE_LI |= set("棚厅堂摊吧馆厂室")  # 车棚里, 大厅里: a place and 里, no name in 里
#: Things that hold (口袋里, 抽屉里, 菜地里, 鱼塘里): 里 after them is "inside", no 幸福里.
_NOT_BEFORE_LI |= set("袋兜筐篮柜屉桌床盒手怀身水锅杯地塘池厢圈窝洞")
_MAX_NAME = 8
_CONNECTORS = {"和", "与", "跟", "、", "/"}
_EN_PLACE_RE = re.compile(
    r"\b(?!(?:The|A|An|My|Our|This|That|His|Her|Their|Your|Some)\s)"
    r"(?P<name>(?:[A-Z][a-z']+\s){1,3}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Market|Gardens?"
    r"|Plaza|Square|Park|Community|Estate|Mall|Station|Building|Tower|Residences?|Apartments?"
    r"|Village|Bridge|Temple|Hotel|Hostel|Hospital|Lake|Cent(?:er|re)|Museum|Airport|Stadium"
    r"|Pier|Zoo|Church|Palace|Pagoda|Hill|Beach|Bay|Island|University|College|Boulevard"
    # the Chinese place word in pinyin: Heping Lu, Xinhua Jie, Jinxiu Huayuan
    r"|Lu|Jie|Dajie|Hutong|Huayuan|Xiaoqu|Guangchang|Gongyuan|Shichang|Dasha|Xincun|Jiayuan"
    r"|(?-i:station|road|street|temple|park|market|metro station))\b)"
    r"(?P<unit>\s(?:Building|Block|No\.?)\s?\d+)?"
)
#: A chain's name (星巴克, "the 7-Eleven"): a proper name without a suffix.
_CHAIN_RE = re.compile(
    r"(?<![A-Za-z])(?:" + "|".join(map(re.escape, sorted(CHAINS, key=len, reverse=True))) + r")"
    r"(?![A-Za-z])"
)
#: One pinyin syllable (zhong, hua, jin, an): a consonant start and a final, or a bare final.
_SYLLABLE = (
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo"
    r"|ui|ue|a|o|e|i|u)|ang|eng|ai|ei|ao|ou|an|en|er)"
)
_PINYIN_WORD_RE = re.compile(f"(?:{_SYLLABLE}){{2,4}}")
#: A Chinese place name typed in lower-case pinyin after a preposition ("on xinhua road",
#: "at wanda plaza"): each word two to four syllables long.
_EN_PINYIN_PLACE_RE = re.compile(
    r"\b(?:at|on|in|near|from|outside|by|behind|around|opposite)\s+(?:the\s+)?"
    r"(?P<name>(?:[a-z]+\s){1,3}(?:road|rd|street|st|lu|jie|avenue|plaza|square|park|gardens?"
    r"|mall|market|station|temple|lake|bridge|village|hospital|hotel|community|estate))\b"
)


def _pinyin_places(norm: str) -> list[PlaceSpan]:
    """Place names in lower-case pinyin before an English place word (wanda plaza)."""
    found = []
    for m in _EN_PINYIN_PLACE_RE.finditer(norm):
        words = m.group("name").split()[:-1]
        if all(_PINYIN_WORD_RE.fullmatch(w) for w in words):
            found.append(PlaceSpan(m.start("name"), m.end("name"), m.group("name")))
    return found


_EN_BUILDING_RE = re.compile(r"\b(?:Building|Block)\s(?P<n>\d+)\s(?:of|at|in)\s$")


def _name_like(piece: str) -> bool:
    if not piece or piece in _STOP_TOKENS or piece.isdigit():
        return False
    if len(piece) == 1:
        return piece not in _STOP_CHARS
    return not any(ch in _STRONG_STOP_CHARS for ch in piece)


def _candidates(text: str) -> list[PlaceSpan]:
    """Find the place names in a normalised message: a name before a place suffix."""
    spans = token_spans(text)
    bounds = {s for s, _ in spans} | {e for _, e in spans}
    out: list[PlaceSpan] = []
    for m in _SUFFIX_RE.finditer(text):
        if _suffix_is_word(text, m):
            continue
        found = _named_place(text, m, spans, bounds)
        if found is not None:
            out.append(found)
    # 万达广场地下停车场 → 万达广场: a generic tail does not make a named place more precise
    out = [
        c
        for c in out
        if not (
            c.name.endswith(_GENERIC_TAILS)
            and any(o.start >= c.start and o.end < c.end for o in out if o is not c)
        )
    ]
    return _join_crossings(text, _merge_overlaps(text, out))


def _suffix_is_word(text: str, m: re.Match[str]) -> bool:
    """Tell whether a place suffix is part of another word (路过, 城管, 新华街路边 …)."""
    s, e = m.start(), m.end()
    suffix = m.group(0)
    after = text[e : e + 1]
    before = text[s - 1 : s]
    return (
        (suffix in ("路", "街") and after in ("过", "面", "人", "灯", "费", "线", "坊", "头"))
        or (suffix == "城" and after in ("管", "市", "里"))
        or (suffix == "广场" and after == "舞")
        or (suffix == "路" and after in ("边", "旁") and before in "街路道巷")
        or (suffix == "路" and (before in "跑赶绕带让" or text[s - 2 : s] in ("过马", "穿马")))
        or (suffix == "里" and before in _NOT_BEFORE_LI)
        # 老年公寓里, 幸福小区里: 里 after a place is "inside" it, no name of its own
        or (suffix == "里" and text[:s].endswith(PLACE_SUFFIXES))
        # 红星村村口, 槐树巷巷口: the village's own gate, the name ends before it
        or (suffix in ("村", "巷") and after == "口" and before == suffix)
    )


def _named_place(
    text: str, m: re.Match[str], spans: Sequence[tuple[int, int]], bounds: set[int]
) -> PlaceSpan | None:
    """Take the name tokens before the suffix ``m`` (and a unit after it) as one place."""
    s, e = m.start(), m.end()
    suffix = m.group(0)
    start = s
    for ts, te in reversed(spans):
        if ts >= s:
            continue
        piece = text[ts : min(te, s)]
        if te < start or not _name_like(piece) or s - ts > _MAX_NAME:
            break
        start = ts
    name_len = s - start
    if name_len == 0 and len(suffix) < 3:
        return None
    if len(suffix) == 1 and name_len < _SINGLE_CHAR_SUFFIX_MIN_NAME:
        return None
    if start not in bounds and start != 0:
        return None
    prefix = _TIME_PREFIX_RE.match(text, start, s)
    if prefix is not None:
        start = prefix.end()
        if s - start < (_SINGLE_CHAR_SUFFIX_MIN_NAME if len(suffix) == 1 else 1):
            return None
    unit = _UNITS_RE.match(text, e)
    end = unit.end() if unit else e
    return PlaceSpan(start, end, text[start:end])


def _merge_overlaps(text: str, out: list[PlaceSpan]) -> list[PlaceSpan]:
    """Merge overlapping candidates (a longer one that contains another wins)."""
    merged: list[PlaceSpan] = []
    for cand in sorted(out, key=lambda c: (c.start, -c.end)):
        if merged and cand.start < merged[-1].end:
            last = merged[-1]
            tail = text[last.end : cand.end].lstrip("地下")
            if tail in _GENERIC_TAILS or text[last.end : cand.end] in _GENERIC_TAILS:
                continue
            if cand.end > last.end:
                merged[-1] = PlaceSpan(last.start, cand.end, text[last.start : cand.end])
            continue
        merged.append(cand)
    return merged


def _join_crossings(text: str, merged: list[PlaceSpan]) -> list[PlaceSpan]:
    """Join ``XX路和YY路交叉口`` into one place."""
    joined: list[PlaceSpan] = []
    for cand in merged:
        if joined:
            last = joined[-1]
            between = text[last.end : cand.start]
            if between in _CONNECTORS and re.search(r"(?:交叉口|路口|交界处?|口)$", cand.name):
                joined[-1] = PlaceSpan(last.start, cand.end, text[last.start : cand.end])
                continue
        joined.append(cand)
    return joined


_EN_CORNER_RE = re.compile(r"\b(?:corner|intersection|crossing|junction)\s+of\s+(?:the\s+)?$")


def _join_en_crossings(norm: str, found: list[PlaceSpan]) -> list[PlaceSpan]:
    """Join "the corner of Nanjing Road and Xizang Road" into one place, as 和 joins 路口."""
    found = sorted(found, key=lambda f: f.start)
    joined: list[PlaceSpan] = []
    for cand in found:
        if joined:
            last = joined[-1]
            if norm[last.end : cand.start] in (" and ", " & ") and _EN_CORNER_RE.search(
                norm[: last.start]
            ):
                joined[-1] = PlaceSpan(last.start, cand.end, norm[last.start : cand.end])
                continue
        joined.append(cand)
    return joined


def find_place_spans(
    text: str, *, find_places: Callable[[str], list[PlaceSpan]] | None = None
) -> list[PlaceSpan]:
    """All place names in a message, in reading order.

    Parameters
    ----------
    text
        The message.
    find_places
        Optional gazetteer hook returning the spans of place names it knows in ``text``.

    Returns
    -------
    list of PlaceSpan
        Non-overlapping spans.
    """
    norm = normalize(text)
    found = _candidates(norm)
    for m in _EN_PLACE_RE.finditer(norm):
        start = m.start()
        pre = _EN_BUILDING_RE.search(norm[max(0, start - 20) : start])
        if pre is not None:
            start = start - (len(norm[max(0, start - 20) : start]) - pre.start())
        found.append(PlaceSpan(start, m.end(), norm[start : m.end()]))
    found.extend(_pinyin_places(norm))
    found = _join_en_crossings(norm, found)
    for m in _CHAIN_RE.finditer(norm):
        # 星巴克里 is inside the chain's shop, not a place named …里
        found = [f for f in found if not (f.start == m.start() and f.name == m.group(0) + "里")]
        if not any(f.start < m.end() and m.start() < f.end for f in found):
            found.append(PlaceSpan(m.start(), m.end(), m.group(0)))
    if find_places is not None:
        known = list(find_places(norm))
        kept = [f for f in found if not any(k.start < f.end and f.start < k.end for k in known)]
        extended = []
        for k in known:
            unit = _UNITS_RE.match(norm, k.end)
            end = unit.end() if unit else k.end
            extended.append(PlaceSpan(k.start, end, norm[k.start : end]))
        found = kept + extended
    found.sort(key=lambda p: p.start)
    return found


def find_place(
    text: str, *, find_places: Callable[[str], list[PlaceSpan]] | None = None
) -> str | None:
    """Return the place text of a message: its first place name (see :func:`find_place_spans`).

    Examples
    --------
    >>> find_place("我放在锦绣花园3栋楼下的电瓶车昨天夜里被人偷了")
    '锦绣花园3栋'
    """
    spans = find_place_spans(text, find_places=find_places)
    return spans[0].name if spans else None

"""Finding places without names in a message: generic words, shops by trade, rides.

The tables live in :mod:`pingan.algo.text._placewords`; :mod:`pingan.algo.text.spots` reads
the one place of a message from what is found here and the named places around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pingan.algo.text._placewords import (
    EN_RELATIONS,
    KIND_TAGS,
    KIND_WORDS,
    RELATIONS,
    SERVED,
    TRADES,
)
from pingan.algo.text.lexicon import PLACE_SUFFIXES

__all__ = [
    "RELATIVE_WORDS",
    "ZH_RELATION_WORDS",
    "ZH_WORDS",
    "PlaceRef",
    "find_generic",
    "is_proper",
    "kind_is_station",
    "kind_of",
]

ZH_WORDS = sorted((w for w in KIND_WORDS if not w.isascii() or w.isupper()), key=len, reverse=True)
_EN_WORDS = sorted(
    (w for w in KIND_WORDS if w.isascii() and not w.isupper()), key=len, reverse=True
)
ZH_RELATION_WORDS = sorted(
    (r for r in RELATIONS if RELATIONS[r] != "inside"), key=len, reverse=True
)
_ZH_GENERIC_RE = re.compile(
    r"(?P<pre>单元|公司|学校|地下|楼下|楼上|路边|马路边|街边|门口|男生|女生|校外|工人|员工|物业|小"
    r"|\d{3,4}(?=宿舍|寝室|教室|办公室|自习室)|小区(?=(?:地下)?(?:车棚|车库|停车|充电))"
    # a building by its number before a place of it: 3栋车棚, 4栋楼道, 8号楼楼下
    r"|(?<![^\s，。！？、；：,.!?;:在的从到是了】])(?:\d{1,3}|[A-Z])(?:栋|号楼|幢|座)(?=楼下|楼道|车棚|出租屋|电梯|楼梯|天台|顶楼))?"
    r"(?P<word>" + "|".join(map(re.escape, ZH_WORDS)) + r")"
    r"(?P<rel>" + "|".join(ZH_RELATION_WORDS) + r")?"
)
_EN_GENERIC_RE = re.compile(
    r"\b(?:(?P<rel>"
    + "|".join(map(re.escape, sorted(EN_RELATIONS, key=len, reverse=True)))
    + r")\s+)?(?:(?:the|a|an|our|my|his|her|their|your|this|that|some|[a-z]+'s)\s+"
    r"|(?<=\bat )|(?<=\bin )|(?<=\bon )|(?<=\bnear )"
    r"|(?<=\boutside )|(?<=\bfrom )|(?<=\bby )|(?<=\binside )|(?<=\bbehind ))"
    r"(?P<gate>(?:north|south|east|west|main|back|side)\s+gate\s+(?=bike|bicycle|car|parking))?"
    r"(?:(?:local|nearby|big|small|little|crowded|packed|busy|quiet|dark|empty|cheap|fancy"
    r"|popular|famous|late-night|dodgy)\s+)?"
    r"(?P<word>(?:(?:underground|outdoor|multi-storey|covered|basement|international|primary"
    r"|middle|high|public|private|24-hour)\s+)?(?:" + "|".join(map(re.escape, _EN_WORDS)) + r"))\b",
    re.IGNORECASE,
)
#: Words that end in a generic word but name something else (菜场 in 菜场价, 车站 in 火车站).
_NOT_GENERIC_BEFORE = set("火汽高动铁")
_NOT_GENERIC_AFTER = ("费", "卡", "证", "价", "员", "号", "群", "老师", "生", "系统", "税", "贩")
#: What follows a generic place and makes it more precise: a part of it, a building, a stairwell.
_PART_RE = re.compile(
    r"大堂|大厅|后厨|更衣室|厕所|卫生间|洗手间|走廊|院里|院子|道(?![歉理路])"
    r"|[东西南北]口|充电区|停放区|自行车区|仓库区"
    r"|\s?(?:\d{1,3}|[一二三四五六七八九十]{1,3}|[A-Z])(?:号楼|栋|幢|单元|座)"
)
#: English rides: a place only when ridden (on the bus, in a taxi), not when acting (by a taxi).
_EN_RIDES = frozenset(
    {"bus", "taxi", "cab", "train", "ferry", "tram", "metro", "subway", "coach", "high-speed train"}
)
_EN_RIDDEN_RE = re.compile(
    r"\b(?:on|in|inside|into|from|off|aboard)\s+(?:[\w'-]+\s+){0,2}$", re.IGNORECASE
)
#: What follows an English generic place and is a part of it: "the hotel reception".
_EN_PART_RE = re.compile(
    r"(?:\s(?:[A-Z]|\d{1,4})(?=\s[a-z]))?"  # building 5 bike rack, dorm 6 corridor
    r"\s(?:room|lobby|reception|front desk|dorm|dormitory|toilets?|restroom|bathroom"
    r"|car park|parking lot|kitchen|corridor|hallway|lift|elevator|stairwell|locker room"
    r"|changing room|waiting room|waiting hall|ticket office"
    r"|(?:(?:north|south|east|west|main|front|back|side)\s)?(?:gate|entrance)"
    r"|bike rack|bike shed|bicycle shed|taxi rank|taxi stand|taxi line|drop-off zone)\b"
)
#: Generic places numbered after the word (building 5, room 412, bus 23, Block B).
_EN_NUMBERED = frozenset({"building", "block", "dorm", "dormitory", "flat", "room", "bus"})
_EN_NUMBER_RE = re.compile(
    r"\s(?:[A-Z]|\d{1,4})\b(?![:.]\d|\s?(?:am|pm|a\.m|p\.m|yuan|rmb|kuai|mins?|minutes?"
    r"|hours?|days?|times|people|of)\b)"
)

#: Words of "inside" that end a place without a name and are not shown (饭店里, 网吧里面);
#: 上 stays (地铁上 is the ride itself).
_INSIDE_END_RE = re.compile(
    "(?:"
    + "|".join(
        sorted(
            (r for r, v in RELATIONS.items() if v == "inside" and r != "上"), key=len, reverse=True
        )
    )
    + ")$"
)
_FLOOR_RE = re.compile(r"(?:[一二三四五六七八九十]|\d{1,2})(?:楼|层)(?![下上道梯])")
_EXIT_RE = re.compile(r"[A-Za-z]\d?\s?(?:出口|口)|\d{1,2}号(?:出口|口)")


def kind_is_station(word: str) -> bool:
    """Tell whether a generic word names a station (whose exits are named: 地铁站B口)."""
    return KIND_WORDS.get(word) in ("station", "bus_stop")


#: Gates that are part of the place they close (小区南门), not a relation to it.
_PLACE_GATES = frozenset({"东门", "西门", "南门", "北门", "后门", "侧门"})
_STOP_WORD_CHARS = (
    "我你他她它们的了在被把是有就都也还又说去到从回开家个那这哪一每些该本们和与跟"
    "，。！？、；：,.!?;: \t\n\"'“”‘’()（）【】[]《》~…0123456789"
)
#: Generic words that are also words of relation to a place before them (3栋楼下).
RELATIVE_WORDS = frozenset({"楼下", "楼上", "隔壁", "对门"})
#: Kinds also named as institutions (冒充银行, 学校通知): a place only with a cue of place.
_WEAK_KINDS = frozenset(
    {
        "bank",
        "hospital",
        "school",
        "mall",
        "restaurant",
        "station",
        "park",
        "cinema",
        "office",
        "library",
        "pharmacy",
        "community_centre",
        "townhall",
        "post_office",
        "airport",
        "toilets",
    }
)
#: Endings that make a word a place by themselves (地铁口, 地铁上, 自习室).
_PLACE_ENDINGS = ("口", "上", "里", "室")
#: A word that opens a message or a clause is said as its setting (商场一楼等餐, 自习室充电的…).
_CLAUSE_START_RE = re.compile(r"(?:^|[\s，。！？、；：,.!?;:]|[了啊呀吧呢])$")

#: After an institution's name, words that make it the one acting (学校通知, 公司说): no place.
_ACTOR_AFTER_RE = re.compile(
    r"(?:说|也|让|叫|通知|打电话|打来|来电|发|要求|要|给|拖欠|不|没|都|联系)"
)


def _opens_clause(text: str, start: int) -> bool:
    """Tell whether ``text[start:]`` opens the message or a clause of it."""
    return start == 0 or _CLAUSE_START_RE.search(text[max(0, start - 1) : start]) is not None


_CUE_BEFORE_RE = re.compile(r"(?:(?<!现)在|到|去|从|进|出|回|坐|乘|搭|路过|经过|对面|旁边|附近)$")
_CUE_AFTER_RE = re.compile(r"(?:里|内|外|上|那|这边|门|边|附近|旁|对面|楼下|停车|大厅)")


@dataclass(frozen=True)
class PlaceRef:
    """A place as a message names it.

    Attributes
    ----------
    phrase
        The words as written (学校门口, 万达广场对面, "the night market").
    start, end
        ``normalize(text)[start:end] == phrase``.
    landmark
        The named landmark (万达广场, "Kamppi Mall"), None for a place without a name.
    relation
        Where from the landmark: ``gate``, ``opposite``, ``beside``, ``near``, ``below``,
        ``behind``, ``front``, ``side``, ``inside``, or None.
    kind
        The generic kind (:data:`KIND_TAGS`), or None.
    core
        A place without a name: the phrase without its relation words (菜鸟驿站门口 →
        菜鸟驿站), None when they are the same.
    """

    phrase: str
    start: int
    end: int
    landmark: str | None = None
    relation: str | None = None
    kind: str | None = None
    core: str | None = None

    @property
    def osm_tags(self) -> tuple[str, ...]:
        """OSM tags of the features of this place's kind (empty when none)."""
        return KIND_TAGS.get(self.kind or "", ())

    @property
    def text(self) -> str:
        """The place text to show and to store.

        A named place gives its name (锦绣花园门口 → 锦绣花园, "across from Kamppi Mall" →
        Kamppi Mall); a place without a name keeps its words of relation in Chinese
        (宿舍楼下, 奶茶店对面) and drops them in English ("near the school gate" → school gate).
        """
        if self.landmark is not None and (self.phrase.isascii() or is_proper(self.landmark)):
            return self.landmark
        if self.phrase.isascii():
            return self.core or self.phrase
        inside = _INSIDE_END_RE.search(self.phrase)
        if (
            self.landmark is None
            and self.relation == "inside"
            and inside is not None
            and inside.start() >= 2
            and self.phrase[: inside.start()] not in ("小区", "社区")
        ):
            return self.phrase[: inside.start()]  # 饭店里 → 饭店 (but 店里, 小区里 stay)
        return self.phrase

    def to_json(self) -> dict[str, object]:
        """Return the JSON object of the API and CLI."""
        return {
            "phrase": self.phrase,
            "landmark": self.landmark,
            "relation": self.relation,
            "kind": self.kind,
            "osm_tags": list(self.osm_tags),
        }


def _en_kind(words: str) -> str | None:
    """Return the kind of an English generic place, past its modifier (underground car park)."""
    return kind_of(words) or kind_of(words.split(maxsplit=1)[-1])


def kind_of(word: str) -> str | None:
    """Return the kind of a generic word, in any case (KTV, ktv), else None."""
    return KIND_WORDS.get(word) or KIND_WORDS.get(word.lower())


#: A shop named by its trade (早餐店, 手机维修店, 服装店) or the reporter's own (店门口, 店里).
_SHOP_RE = re.compile(
    r"(?P<word>店)(?P<rel>门口|门前|里面|里|后面|对面|旁边|隔壁|外面)?(?![员长主家铺面])"
)
#: Characters that end the trade word before 店 (我开的店, 那家店, 到店).
_SHOP_STOP = set(_STOP_WORD_CHARS) | set("关来拜")  # 关店, 来店里, 上礼拜店后面

#: Words of relation before a trade (对面夜宵店): no part of the shop's name.
_SHOP_LEAD_RE = re.compile(r"对面|隔壁|旁边|楼下|楼上")


def _shops(text: str) -> list[PlaceRef]:
    """Shops named by their trade: the words before 店 (at most four) that are no stop words."""
    found: list[PlaceRef] = []
    for m in _SHOP_RE.finditer(text):
        start = m.start()
        while start > 0 and m.start() - start < 4 and text[start - 1] not in _SHOP_STOP:
            start -= 1
        lead = _SHOP_LEAD_RE.match(text, start, m.start())
        if lead is not None:
            start = lead.end()  # 对面夜宵店, 隔壁水果店: the shop is the place
        known = next(
            (k for k in range(start, m.start()) if text[k : m.end("word")] in KIND_WORDS), None
        )
        if known is not None:
            start = known  # 进入便利店: the generic word is the shop
        if start == m.start() and not m.group("rel"):
            continue  # 店 alone names no place
        relation = RELATIONS.get(m.group("rel") or "")
        found.append(PlaceRef(text[start : m.end()], start, m.end(), None, relation, "shop"))
    return found


def _zh_generics(text: str) -> list[PlaceRef]:
    """List the Chinese generic places of a normalised message (see :func:`find_generic`)."""
    out: list[PlaceRef] = []
    for m in _ZH_GENERIC_RE.finditer(text):
        s = m.start("word")
        if text[s - 1 : s] in _NOT_GENERIC_BEFORE or text.startswith(
            _NOT_GENERIC_AFTER, m.end("word")
        ):
            continue
        word = m.group("word")
        rel_word = m.group("rel")
        relation = RELATIONS.get(rel_word) if rel_word else None
        if word in ("学校门口", "校门口", "单元门口", "小区门口"):
            relation = "gate"
        pre = m.group("pre")
        start = m.start() if pre and pre not in ("门口", "楼下") else s
        end = m.end()
        if rel_word is None and word.endswith("楼") and text.startswith("下", end):
            relation, end = "below", end + 1  # 宿舍楼下, 写字楼下
        exit_ = _EXIT_RE.match(text, end)
        if exit_ is not None and kind_is_station(word):
            relation, end = "gate", exit_.end()  # 地铁站B口
        if word == "小区" and text.startswith("里", m.end()) and rel_word is None:
            rel_word = "里"  # 小区里 is the estate itself; 在小区里 is said as one place
            end += text[s - 1 : s] == "在"
        if word in ("小区", "社区", "车站", "烧烤", "校门") and not (rel_word or pre):
            continue  # 小区 / 车站 alone name no one place; 社区 alone is the office
        if (
            kind_of(word) in _WEAK_KINDS
            and not (rel_word or pre or "门" in word or word.endswith(_PLACE_ENDINGS))
            and not _CUE_BEFORE_RE.search(text[max(0, s - 2) : s])
            and not (_opens_clause(text, s) and not _ACTOR_AFTER_RE.match(text, m.end()))
            and not _CUE_AFTER_RE.match(text, m.end())
            and not _EXIT_RE.match(text, m.end())
            and not _FLOOR_RE.match(text, m.end())
        ):
            continue
        floor = _FLOOR_RE.match(text, end)
        if floor is not None:
            end = floor.end()  # 图书馆三楼, 商场一楼
        if rel_word is None:
            part = _PART_RE.match(text, end)
            if part is not None and not (part.group(0) == "道" and not word.endswith("楼")):
                end = part.end()  # 餐厅后厨, 游泳馆更衣室, 男生宿舍5栋, 宿舍楼道
        out.append(
            PlaceRef(
                text[start:end],
                start,
                end,
                None,
                relation,
                kind_of(word),
            )
        )
    return out


#: A metro line ridden (地铁2号线, 3号线上): a place of the kind station.
_METRO_LINE_RE = re.compile(
    r"地铁\s?\d{1,2}号线|\d{1,2}号线(?=上|里|地铁|车厢)"
    r"|(?:\b(?:[Mm]etro|[Ss]ubway)\s(?=[Ll]ine)|\b(?=L))(?P<line>[Ll]ine\s\d{1,2})\b"
    r"(?!\s*(?:hours?|mins?|minutes?)\b)"
)


def _metro_lines(text: str) -> list[PlaceRef]:
    """Metro lines named by their number (在地铁2号线上被偷, "on metro Line 10" → Line 10)."""
    return [
        PlaceRef(m.group(0), m.start(), m.end(), None, None, "station", m.group("line"))
        for m in _METRO_LINE_RE.finditer(text)
    ]


def find_generic(text: str) -> list[PlaceRef]:
    """All generic places of a normalised message, in reading order (no landmark).

    Examples
    --------
    >>> [p.phrase for p in find_generic("昨晚在夜市烧烤摊旁边手机被偷了")]
    ['夜市', '烧烤摊旁边']
    """
    out = _zh_generics(text)
    for m in _EN_GENERIC_RE.finditer(text):
        if m.group("word").lower() in _EN_RIDES and not _EN_RIDDEN_RE.search(
            text[max(0, m.start() - 40) : m.start("word")]
        ):
            continue  # hit by a taxi: the ride did it, it is no place
        rel = m.group("rel")
        start = m.start("rel") if rel else m.start("word")
        if not rel and m.group("gate"):
            start = m.start("gate")  # the south gate bike shed
        part = _EN_PART_RE.match(text, m.end())
        end = part.end() if part is not None else m.end()  # the hotel reception, hostel dorm
        number = _EN_NUMBER_RE.match(text, m.end())
        if part is None and number is not None and m.group("word").lower() in _EN_NUMBERED:
            end = number.end()  # building 5, room 412, bus 23
        out.append(
            PlaceRef(
                text[start:end],
                start,
                end,
                None,
                EN_RELATIONS.get(rel.lower()) if rel else None,
                _en_kind(m.group("word")),
                text[m.start("word") : end] if rel else None,
            )
        )
    out.extend(_shops(text))
    out.extend(_metro_lines(text))
    out.sort(key=lambda p: (p.start, -p.end))
    kept: list[PlaceRef] = []
    for p in out:
        if kept and p.start < kept[-1].end:
            continue
        kept.append(p)
    return kept


#: Streets named by what they are, not by a name (商业街, 学校后街): no proper name.
_COMMON_STREETS = ("后街", "老街", "街", "路", "巷", "巷子", "市场", "广场", "中心")


def is_proper(name: str) -> bool:
    """Tell whether a place name is a proper one (和平路, 东门夜市, 锦绣花园).

    A common name says what the place is, not which one: a generic word (批发市场), a street
    or market type (商业街, 劳务市场), a generic word before one (学校后街, 城中村巷子), or
    whom a centre serves and what for (老年人活动中心, 社区服务中心).
    """
    if name in KIND_WORDS or name in PLACE_SUFFIXES:
        return False
    for street in _COMMON_STREETS:
        if name.endswith(street):
            rest = name[: -len(street)]
            return not (
                rest in TRADES
                or rest in KIND_WORDS
                or rest[-2:] in KIND_WORDS
                or (rest[-2:] in TRADES and rest[:-2] in SERVED)  # 老年人活动中心
            )
    return True

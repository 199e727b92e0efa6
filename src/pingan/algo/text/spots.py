"""Places without names: generic places and places relative to a landmark.

Generic places: 夜市, 车棚, 学校门口, "night market"; relative places: 万达广场对面,
锦绣花园南门, "across from Kamppi Mall".

Model
-----
A *generic word* (:data:`KIND_WORDS`) names a kind of place everyone understands but no
gazetteer holds: 夜市, 烧烤摊, 车棚, 楼道, 地下停车场, KTV包厢, 棋牌室, 网吧, 菜市场, 公交站 …
Each kind maps to the OSM tags of the features of that kind (:data:`KIND_TAGS`): a kind
without tags (楼道, 小区门口) can never be placed on the map, only kept as text.

A *relation* (:data:`RELATIONS`) ties a place to a landmark: ``X门口``, ``X对面``, ``X旁边``,
``X附近``, ``X楼下``, ``X东侧``, ``X南门`` after the landmark in Chinese; "across from X",
"at the gate of X", "near X", "outside X", "next to X", "behind X" before it in English.

A public ride ridden is a place (地铁上, 长途车上, 地铁4号线, "on a packed bus"); a taxi or a
ride that acts ("knocked down by a taxi") is not. Chains and banks by their house name (星巴克,
建设银行, "the 7-Eleven") are proper names, as is the name an English generic place is given
("a bar called Lucky Star").

:func:`read_place` returns one :class:`PlaceRef`: the phrase as written, the named landmark
(when a name was found: the gazetteer can geocode it), the relation, and the kind. The caller
geocodes a landmark by name, and a generic place by the nearest feature of its kind inside
the reporter's area (the service passes that lookup in; nothing here reads a database).
The place is where it happened: a caller's home said first (俺是向阳小区的) gives way to a place
the caller was at later in the message (在早市…).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from pingan.algo.text._placewords import (
    EN_NOT_PLACES,
    EN_RELATIONS,
    KIND_TAGS,
    KIND_WORDS,
    OFFSET_RELATIONS,
    RELATIONS,
    SERVED,
    TRADES,
)
from pingan.algo.text.lexicon import PLACE_SUFFIXES
from pingan.algo.text.numbers import normalize
from pingan.algo.text.places import PlaceSpan, find_place_spans

__all__ = [
    "EN_RELATIONS",
    "KIND_TAGS",
    "KIND_WORDS",
    "OFFSET_RELATIONS",
    "RELATIONS",
    "PlaceRef",
    "find_generic",
    "read_place",
]


_ZH_WORDS = sorted((w for w in KIND_WORDS if not w.isascii() or w.isupper()), key=len, reverse=True)
_EN_WORDS = sorted(
    (w for w in KIND_WORDS if w.isascii() and not w.isupper()), key=len, reverse=True
)
_REL_ZH = sorted((r for r in RELATIONS if RELATIONS[r] != "inside"), key=len, reverse=True)
_ZH_GENERIC_RE = re.compile(
    r"(?P<pre>单元|公司|学校|地下|楼下|楼上|路边|马路边|街边|门口|男生|女生|校外|工人|员工|物业|小"
    r"|\d{3,4}(?=宿舍|寝室|教室|办公室|自习室)|小区(?=(?:地下)?(?:车棚|车库|停车|充电)))?"
    r"(?P<word>" + "|".join(map(re.escape, _ZH_WORDS)) + r")"
    r"(?P<rel>" + "|".join(_REL_ZH) + r")?"
)
_EN_GENERIC_RE = re.compile(
    r"\b(?:(?P<rel>"
    + "|".join(map(re.escape, sorted(EN_RELATIONS, key=len, reverse=True)))
    + r")\s+)?(?:(?:the|a|an|our|my|his|her|their|your|this|that|some|[a-z]+'s)\s+"
    r"|(?<=\bat )|(?<=\bin )|(?<=\bon )|(?<=\bnear )"
    r"|(?<=\boutside )|(?<=\bfrom )|(?<=\bby )|(?<=\binside )|(?<=\bbehind ))"
    r"(?:(?:local|nearby|big|small|little|crowded|packed|busy|quiet|dark|empty|cheap|fancy"
    r"|popular|famous|late-night|dodgy)\s+)?"
    r"(?P<word>(?:(?:underground|outdoor|multi-storey|covered|basement|international|primary"
    r"|middle|high|public|private|24-hour)\s+)?(?:" + "|".join(map(re.escape, _EN_WORDS)) + r"))\b",
    re.IGNORECASE,
)
_EN_REL_BEFORE_RE = re.compile(
    r"\b(?P<rel>"
    + "|".join(map(re.escape, sorted(EN_RELATIONS, key=len, reverse=True)))
    + r")\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: A house number after a street's name (Mannerheimintie 5), not a time, a sum or a count
#: (2 guys).
_HOUSE_NUMBER = (
    r"(?:\s\d{1,4}[A-Za-z]?\b(?![:.]\d)(?!\s*(?i:h|hrs?|hours?|mins?|minutes?|am|pm|a\.m|p\.m"
    r"|days?|weeks?|o'?clock|yuan|kuai|rmb|bucks)\b)(?!\s+(?!this\b)[a-z]+s\b))?"
)
#: "across from Starbucks", "at the gate of People's Park": a capitalised name after a relation.
_EN_LANDMARK_RE = re.compile(
    r"\b(?P<rel>(?i:"
    + "|".join(map(re.escape, sorted(EN_RELATIONS, key=len, reverse=True)))
    + r"))\s+(?:the\s+)?(?P<name>[A-Z][\w'’&.-]*(?:\s(?:[A-Z][\w'’&.-]*|of|de|and)){0,4}"
    r"(?<!\sof)(?<!\sde)(?<!\sand)" + _HOUSE_NUMBER + ")"
)
#: "at Starbucks", "outside McDonald's": a capitalised name after a preposition of place.
_EN_AT_NAME_RE = re.compile(
    r"\b(?i:at|in|inside|outside|near|from|by|behind)\s+(?:the\s+)?[\"“‘']?"
    r"(?P<name>[A-Z][\w'’&-]*(?:\s(?:[A-Z][\w'’&-]*|of)){0,3}(?<!\sof)" + _HOUSE_NUMBER + ")"
)
_ZH_REL_AFTER_RE = re.compile(r"(?:的)?(?P<rel>" + "|".join(_REL_ZH) + r")")
#: Words that end in a generic word but name something else (菜场 in 菜场价, 车站 in 火车站).
_NOT_GENERIC_BEFORE = set("火汽高动铁")
_NOT_GENERIC_AFTER = ("费", "卡", "证", "价", "员", "号", "群", "老师", "生", "系统", "税", "贩")
#: What follows a generic place and makes it more precise: a part of it, a building, a stairwell.
_PART_RE = re.compile(
    r"大堂|大厅|后厨|更衣室|厕所|卫生间|洗手间|走廊|院里|院子|道(?![歉理路])"
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
    r"\s(?:room|lobby|reception|front desk|dorm|dormitory|toilets?|restroom|bathroom"
    r"|car park|parking lot|kitchen|corridor|hallway|lift|elevator|stairwell|locker room"
    r"|changing room|waiting room|waiting hall|ticket office)\b"
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
_RELATIVE_WORDS = frozenset({"楼下", "楼上", "隔壁", "对门"})
_JUNK_PREFIX_RE = re.compile(
    r"^(?:(?:凌晨|早上|上午|中午|下午|傍晚|晚上|半夜|夜里)?[\d一二三四五六七八九十两]*点"
    r"(?:[\d一二三四五六七八九十]{1,3}分?|[半多钟])?|[\d一二三四五六七八九十]{1,3}分?(?=[锁停放])"
    r"|最近|刚才|然后|回来|发现|地址是|地址|进入|停进|停到|停在|停(?!车)|放在|放|锁在|锁|搁在|搁|去|在|进"
    # 上超市, 上医院: spoken "go to" before a generic place (上海路 keeps its 上)
    r"|上(?=" + "|".join(_ZH_WORDS) + r"))+"
)
#: Characters that tell a span before a generic word is a story, not a name (逛, 带, 时候).
_VERBISH = frozenset("带逛候冒充送发现回来孩子时去到在是了")
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
#: Between an English generic place and a named one: "the car park of 江景花园".
_EN_OF_RE = re.compile(r"^[\s,]*(?:of|at|in|on|near|by|behind|outside)?\s*$", re.IGNORECASE)
#: A longer gap: "the flat above me in 幸福里小区".
_EN_GAP_RE = re.compile(
    r"^[\s,]*(?:[a-z]+\s+){0,3}?(?:of|at|in|on|near|by|behind|outside)?\s*$", re.IGNORECASE
)


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
        if self.landmark is not None and (self.phrase.isascii() or _is_proper(self.landmark)):
            return self.landmark
        if self.phrase.isascii():
            return self.core or self.phrase
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
    return _kind_of(words) or _kind_of(words.split(maxsplit=1)[-1])


def _kind_of(word: str) -> str | None:
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
            _kind_of(word) in _WEAK_KINDS
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
                _kind_of(word),
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
        part = _EN_PART_RE.match(text, m.end())
        end = part.end() if part is not None else m.end()  # the hotel reception, hostel dorm
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


def _generic_name(name: str) -> str | None:
    """Return the kind of a name that is only a generic word (菜市场, 车棚里), else None."""
    bare = re.sub(r"(?:[东西南北后侧大正]?门|门口)?[里内上]?$", "", name) or name
    return _kind_of(bare) if bare in KIND_WORDS or bare.lower() in KIND_WORDS else None


def _named_ref(norm: str, span: PlaceSpan, generics: list[PlaceRef]) -> PlaceRef:
    """Read a named place with the relation around it and the kind of its generic tail."""
    relation: str | None = None
    end = span.end
    after = _ZH_REL_AFTER_RE.match(norm, span.end)
    gate = re.search(r"[东西南北]门$", span.name)
    if gate is not None:
        relation = "gate"
    elif after is not None and not norm.startswith(("上班", "上学", "上车"), after.start("rel")):
        relation = RELATIONS[after.group("rel")]
        end = after.end()
    start = span.start
    before = _EN_REL_BEFORE_RE.search(norm[max(0, span.start - 30) : span.start])
    if before is not None:
        relation = EN_RELATIONS[before.group("rel").lower()]
        start = span.start - (min(span.start, 30) - before.start())
    kind = None
    for g in generics:
        if span.start <= g.start < span.end + 6 and g.phrase not in _RELATIVE_WORDS:
            kind = g.kind
            break
    if kind is None:
        for word in _ZH_WORDS:
            if span.name.endswith(word):
                kind = KIND_WORDS[word]
                break
    return PlaceRef(norm[start:end], start, end, span.name, relation, kind)


#: Between a place and the generic place it holds: 城中村车棚, 学校附近的棋牌室, 城中村那个棋牌室.
_HOLDS_RE = re.compile(
    r"^(?:的|那个|那家|这个|这家|里的|里面的|有个|有家|开了个|开了家|新开的|那几个|那几家)?$"
)
#: Streets named by what they are, not by a name (商业街, 学校后街): no proper name.
_COMMON_STREETS = ("后街", "老街", "街", "路", "巷", "巷子", "市场", "广场", "中心")


def _is_proper(name: str) -> bool:
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


#: Areas that hold places of their own (城中村出租屋 is the 出租屋) …
_AREAS = frozenset({"城中村", "小区", "工地", "厂里", "园区"})
#: … except the area's own facilities (小区车棚, 城中村路口, 工地食堂 stay whole).
_FACILITY_KINDS = frozenset({"parking", "bicycle_parking", "outdoor", "canteen"})

#: Kinds that are no establishment: after a place they do not replace it (学校旁边路口).
_OPEN_KINDS = frozenset({"outdoor", "residential"})


#: The caller saying who they are or where they live (俺是幸福小区的, 我家住在和平路).
_SPEAKER_HOME_RE = re.compile(r"(?:我|俺|咱)们?(?:是|家是|住在?|家住在?|家在)$")


def read_place(
    text: str, *, find_places: Callable[[str], list[PlaceSpan]] | None = None
) -> PlaceRef | None:
    """Read the place of a message: where it happened, not where the caller lives.

    A named place said as the caller's home (俺是幸福小区的, 我住在和平路) gives way to a place
    the caller was at later in the message (在菜市场叫人偷了); a home with nothing after it
    stays the place (我是光明小区的 我家昨天进贼了).

    Examples
    --------
    >>> read_place("喂 俺是幸福小区的 今天在菜市场叫人把钱包偷了").text
    '菜市场'
    """
    ref = _read_place(text, find_places=find_places)
    if ref is None or ref.landmark is None:
        return ref
    norm = normalize(text)
    if not _SPEAKER_HOME_RE.search(norm[: ref.start]):
        return ref
    at = norm.find("在", ref.end)
    if at < 0:
        return ref
    later = _read_place(norm[at + 1 :], find_places=find_places)
    if later is None or later.start > 2 or later.phrase in _RELATIVE_WORDS:
        return ref  # 在菜市场, 在那个公园 — but 在楼下 is below the home said
    return replace(later, start=later.start + at + 1, end=later.end + at + 1)


def _read_place(
    text: str, *, find_places: Callable[[str], list[PlaceSpan]] | None = None
) -> PlaceRef | None:
    """Read the first place of a message (:func:`_first_place`) and the place it holds.

    城中村车棚 is one place; in 学校附近的棋牌室 the event is at the 棋牌室; a named place
    stays the place (金沙湾车棚 → 金沙湾, of kind bicycle parking).

    Examples
    --------
    >>> read_place("学校附近的棋牌室天天赌钱").phrase
    '棋牌室'
    """
    first = _first_place(text, find_places=find_places)
    if first is None or first.phrase.isascii():
        return _en_called(normalize(text), first)
    norm = normalize(text)
    for g in find_generic(norm):
        if g.start < first.end or g.start > first.end + 3 or g.phrase in _RELATIVE_WORDS:
            continue
        gap = norm[first.end : g.start]
        if not _HOLDS_RE.match(gap):
            break
        if first.landmark is None and first.phrase in _RELATIVE_WORDS and gap == "":
            return g  # 隔壁出租屋: the place next door is the place
        if first.relation not in (None, "inside") and g.kind == "outdoor":
            return first  # 幼儿园旁边路口, 学校旁边路边: the landmark says where
        if (
            first.landmark is None
            and first.kind is not None
            and first.phrase not in _AREAS
            and g.kind == "water"
            and gap == ""
        ):
            return first  # 公园池塘边, 学校水库: the water of a place is that place
        if (
            first.landmark is not None
            and not _is_proper(first.landmark)
            and first.relation is None
            and gap
            and g.kind not in _OPEN_KINDS
        ):
            return g  # 商业街有个棋牌室, 学校后街的复印店: the place held by the named one
        if first.landmark is not None:
            # 金沙湾车棚, 江景花园对面KTV: the named place is the place; the generic word
            # gives its kind
            return PlaceRef(
                first.phrase, first.start, first.end, first.landmark, first.relation, g.kind
            )
        if (
            gap == ""
            and first.relation is None
            and first.phrase in _AREAS
            and g.kind not in _FACILITY_KINDS
        ):
            first = g  # 城中村出租屋, 小区广场: the place of its own inside the area
            continue
        if gap == "" and first.relation is None:
            return PlaceRef(
                norm[first.start : g.end], first.start, g.end, first.landmark, g.relation, g.kind
            )
        return PlaceRef(g.phrase, g.start, g.end, None, g.relation, g.kind)
    return first


def _first_place(
    text: str, *, find_places: Callable[[str], list[PlaceSpan]] | None = None
) -> PlaceRef | None:
    """Read the first place of a message: a named one with its relation, else a generic one.

    Parameters
    ----------
    text
        The message.
    find_places
        Optional gazetteer hook (see :func:`pingan.algo.text.places.find_place_spans`).

    Returns
    -------
    PlaceRef or None

    Examples
    --------
    >>> r = read_place("万达广场对面的烧烤摊有人打架")
    >>> r.landmark, r.relation, r.kind
    ('万达广场', 'opposite', 'fast_food')
    >>> r = read_place("学校门口有人抢孩子的手机")
    >>> r.phrase, r.landmark, r.relation, r.kind
    ('学校门口', None, 'gate', 'school')
    """
    norm = normalize(text)
    generics = [
        g
        for g in find_generic(norm)
        if not (g.kind == "residential" and g.phrase == "小区" and norm[g.end : g.end + 1] != "里")
    ]
    spans = find_place_spans(norm, find_places=find_places)
    known = {(k.start, k.end) for k in find_places(norm)} if find_places is not None else set()
    en = _en_landmark(norm)
    if (
        en is not None
        and (not spans or en.start < spans[0].start)
        and (not generics or (en.start, -en.end) < (generics[0].start, -generics[0].end))
    ):
        return en  # "across from Starbucks on Nanjing Road": the first place said
    for i, span in enumerate(spans):
        junk = _JUNK_PREFIX_RE.match(span.name)
        if (
            junk is not None
            and junk.end()
            and len(span.name) - junk.end() >= 2
            and _kind_of(span.name) is None
        ):
            # 6点半停进商场停车场, 最近小区南门: time and verb words are no part of the name
            span = PlaceSpan(span.start + junk.end(), span.end, span.name[junk.end() :])
        first = next((g for g in generics if g.start < span.start), None)
        if first is not None and first.end <= span.start:
            gap = norm[first.end : span.start]
            if not (first.phrase.isascii() and _EN_GAP_RE.match(gap)):
                return first
        kind = None if (span.start, span.end) in known else _generic_name(span.name)
        tail = next((g for g in generics if span.start < g.start < span.end <= g.end), None)
        if kind is None and tail is not None and _VERBISH & set(norm[span.start : tail.start]):
            return tail  # 带孩子逛夜市, 放学的时候学校门口: no name, a generic place
        if kind is None:
            ref = _named_ref(norm, span, generics)
            if first is not None and ref.kind is None:
                ref = PlaceRef(
                    ref.phrase, ref.start, ref.end, ref.landmark, ref.relation, first.kind
                )
            return ref
        inner = next((g for g in generics if span.start <= g.start < span.end), None)
        if inner is not None:
            return inner
        later = next((s for s in spans[i + 1 :] if _generic_name(s.name) is None), None)
        if (
            later is not None
            and _EN_OF_RE.match(norm[span.end : later.start])
            and (span.name.isascii() or norm[span.end : later.start].strip())
        ):
            return _named_ref(norm, later, [PlaceRef(span.name, span.start, span.end, kind=kind)])
        return PlaceRef(span.name, span.start, span.end, None, None, kind)
    return _generic_or_named(norm, generics)


def _generic_or_named(norm: str, generics: list[PlaceRef]) -> PlaceRef | None:
    """Read a message without a place name: its first generic place, else an English name.

    An English venue after a generic place says which one ("our room at the Marriott"); a
    town after it ("the train station in Hangzhou") does not.
    """
    named = _en_named(norm)
    if not generics:
        return named
    first = generics[0]
    if (
        named is not None
        and first.phrase.isascii()
        and named.end <= first.start
        and norm[named.start - 1 : named.start] in _QUOTES
    ):
        return named  # 'a fight at "Happy Bar" on the riverside' (not "in Beijing … a bar")
    if (
        named is not None
        and first.phrase.isascii()
        and named.start >= first.end
        and _EN_AT_GAP_RE.match(norm[first.end : named.start])
    ):
        return named  # "our room at the Grand Hyatt" (not "the train station in Hangzhou")
    return first


#: Between a generic place and the venue that holds it: "our room at the Grand Hyatt".
_EN_AT_GAP_RE = re.compile(r"^,?\s+at\s+(?:the\s+)?$", re.IGNORECASE)
_QUOTES = frozenset("\"“‘'")
#: "a bar called Helen's", "a KTV named Party World": the name given to a generic place.
_EN_CALLED_RE = re.compile(
    r"\s*,?\s+(?:called|named)\s+[\"“‘']?(?P<name>[A-Z0-9][\w'’&-]*(?:\s[A-Z0-9][\w'’&-]*){0,3})"
)


def _en_called(norm: str, ref: PlaceRef | None) -> PlaceRef | None:
    """Read the name an English generic place is given after it ("a bar called Helen's")."""
    if ref is None or ref.landmark is not None:
        return ref
    called = _EN_CALLED_RE.match(norm, ref.end)
    if called is None:
        return ref
    name = called.group("name")
    return PlaceRef(name, called.start("name"), called.end("name"), name, None, ref.kind)


def _en_landmark(norm: str) -> PlaceRef | None:
    """Read "across from Starbucks", "at the gate of People's Park": a name after a relation."""
    for en in _EN_LANDMARK_RE.finditer(norm):
        name = en.group("name")
        if name.split()[0] in EN_NOT_PLACES:
            continue
        rel = EN_RELATIONS[en.group("rel").lower()]
        return PlaceRef(en.group(0), en.start(), en.end(), name, rel, None)
    return None


def _en_named(norm: str) -> PlaceRef | None:
    """Read a capitalised name after at / in / outside ("at Starbucks"), when nothing else is."""
    for m in _EN_AT_NAME_RE.finditer(norm):
        name = m.group("name")
        if name.split()[0] in EN_NOT_PLACES:
            continue
        return PlaceRef(name, m.start("name"), m.end("name"), name, None, None)
    return None

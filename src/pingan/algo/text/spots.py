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
from dataclasses import replace

from pingan.algo.text._placewords import (
    EN_NOT_PLACES,
    EN_RELATIONS,
    KIND_TAGS,
    KIND_WORDS,
    OFFSET_RELATIONS,
    RELATIONS,
)
from pingan.algo.text.generic import (
    RELATIVE_WORDS,
    ZH_RELATION_WORDS,
    ZH_WORDS,
    PlaceRef,
    find_generic,
    is_proper,
    kind_of,
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
_ZH_REL_AFTER_RE = re.compile(r"(?:的)?(?P<rel>" + "|".join(ZH_RELATION_WORDS) + r")")
_JUNK_PREFIX_RE = re.compile(
    r"^(?:(?:凌晨|早上|上午|中午|下午|傍晚|晚上|半夜|夜里)?[\d一二三四五六七八九十两]*点"
    r"(?:[\d一二三四五六七八九十]{1,3}分?|[半多钟])?(?:左右)?|[\d一二三四五六七八九十]{1,3}分?(?=[锁停放])"
    r"|最近|刚才|然后|回来|发现|地址是|地址|进入|停进|停到|停在|停(?!车)|放在|放|锁在|锁|搁在|搁|去|在|进"
    # a grid worker or guard reporting for others: 居民反映, 巡逻发现, 本人为…保安
    r"|(?:接到?)?(?:居民|群众|业主|商户)?反映|巡逻时?|本人为|本人是|分?左右"
    # 上超市, 上医院: spoken "go to" before a generic place (上海路 keeps its 上)
    r"|上(?=" + "|".join(ZH_WORDS) + r"))+"
)
#: Characters that tell a span before a generic word is a story, not a name (逛, 带, 时候).
_VERBISH = frozenset("带逛候冒充送发现回来孩子时去到在是了")
#: A Chinese name in an English message: 2–12 characters.
_CJK_RUN_RE = re.compile(r"[\u4e00-\u9fff]{2,12}")
#: An English preposition of place right before a name: "in 沙面", "at the 万菱汇 mall".
_EN_PLACE_PREP_RE = re.compile(
    r"\b(?:at|in|near|outside|from|of|on|behind|to|opposite)\s+(?:the\s+)?$", re.IGNORECASE
)
#: How a Chinese place name ends: the gazetteer's suffixes and a few more.
_CJK_NAME_ENDINGS = (*PLACE_SUFFIXES, "机场", "路", "街", "大道", "园", "区", "楼", "站", "酒店")
#: Between an English generic place and a named one: "the car park of 江景花园".
_EN_OF_RE = re.compile(r"^[\s,]*(?:of|at|in|on|near|by|behind|outside)?\s*$", re.IGNORECASE)
#: A longer gap: "the flat above me in 幸福里小区".
_EN_GAP_RE = re.compile(
    r"^[\s,]*(?:[a-z]+\s+){0,3}?(?:of|at|in|on|near|by|behind|outside)?\s*$", re.IGNORECASE
)


def _generic_name(name: str) -> str | None:
    """Return the kind of a name that is only a generic word (菜市场, 车棚里), else None."""
    bare = re.sub(r"(?:[东西南北后侧大正]?门|门口)?[里内上]?$", "", name) or name
    return kind_of(bare) if bare in KIND_WORDS or bare.lower() in KIND_WORDS else None


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
        if span.start <= g.start < span.end + 6 and g.phrase not in RELATIVE_WORDS:
            kind = g.kind
            break
    if kind is None:
        for word in ZH_WORDS:
            if span.name.endswith(word):
                kind = KIND_WORDS[word]
                break
    return PlaceRef(norm[start:end], start, end, span.name, relation, kind)


#: Between a place and the generic place it holds: 城中村车棚, 学校附近的棋牌室, 城中村那个棋牌室.
_HOLDS_RE = re.compile(
    r"^(?:的|那个|那家|这个|这家|里的|里面的|有个|有家|开了个|开了家|新开的|那几个|那几家)?$"
)
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
        return _en_cjk_name(normalize(text)) or ref
    norm = normalize(text)
    if not _SPEAKER_HOME_RE.search(norm[: ref.start]):
        return ref
    at = norm.find("在", ref.end)
    if at < 0:
        return ref
    later = _read_place(norm[at + 1 :], find_places=find_places)
    if later is None or later.start > 2 or later.phrase in RELATIVE_WORDS:
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
        if g.start < first.end or g.start > first.end + 3 or g.phrase in RELATIVE_WORDS:
            continue
        gap = norm[first.end : g.start]
        if not _HOLDS_RE.match(gap):
            break
        if first.landmark is None and first.phrase in RELATIVE_WORDS and gap == "":
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
            and not is_proper(first.landmark)
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
        if junk is not None and len(span.name) - junk.end() < 2 and span.name.endswith("路"):
            continue  # 居民反映路边…: a story and a roadside, no road's name
        if (
            junk is not None
            and junk.end()
            and len(span.name) - junk.end() >= 2
            and kind_of(span.name) is None
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


def _en_cjk_name(norm: str) -> PlaceRef | None:
    """Read a Chinese place name written into an English message ("taxi line at 白云机场").

    Writers of English paste the Chinese name of where it happened; it says more than the
    English words around it ("our office on the 12th floor of 环球中心"). A run of Chinese is
    taken when it ends as place names end (机场, 中心, 大厦, 路) or follows a preposition of
    place ("in 沙面").
    """
    cjk = sum(1 for c in norm if "\u4e00" <= c <= "\u9fff")
    latin = sum(1 for c in norm if c.isascii() and c.isalpha())
    if cjk == 0 or latin < 3 * cjk:
        return None
    for m in _CJK_RUN_RE.finditer(norm):
        run = m.group(0)
        if run.endswith(_CJK_NAME_ENDINGS) or _EN_PLACE_PREP_RE.search(norm, 0, m.start()):
            return PlaceRef(run, m.start(), m.end(), run, None, kind_of(run))
    return None


def _generic_or_named(norm: str, generics: list[PlaceRef]) -> PlaceRef | None:
    """Read a message without a place name: its first generic place, else an English name.

    An English venue after a generic place says which one ("our room at the Marriott"); a
    town after it ("the train station in Hangzhou") does not.
    """
    named = _en_named(norm)
    if not generics:
        return named
    first = generics[0]
    if first.relation is None:
        # 去银行办业务…锁在银行门口: the same place said again, closer, is where it happened
        closer = next(
            (
                g
                for g in generics[1:]
                if g.relation not in (None, "inside")
                and g.kind == first.kind
                and g.phrase.startswith(first.phrase)
            ),
            None,
        )
        if closer is not None:
            first = closer
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

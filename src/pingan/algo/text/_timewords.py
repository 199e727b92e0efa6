"""Time words of :mod:`pingan.algo.text.times`: the tables, the atom patterns and their readings.

An *atom* is one time expression (a day anchor, a part of the day, a clock time, a relative
span or an overnight discovery); :func:`pingan.algo.text.times.resolve_time` groups atoms
into mentions and resolves them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from pingan.algo.text.numbers import CN_NUM_CHARS, parse_small_int

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
EN_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
EN_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "ten": 10,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifteen": 15,
    "few": 3,
    "couple of": 2,
}

#: Part of day → (start hour, end hour) on its day; end may pass 24 (next morning).
PARTS: dict[str, tuple[float, float]] = {
    "凌晨": (0, 6),
    "清晨": (5, 8),
    "大清早": (5, 8),
    "一大早": (5, 9),
    "大早上": (5, 9),
    "早上": (5, 11),
    "早晨": (5, 11),
    "一早": (5, 9),
    "早": (5, 10),
    "晨": (5, 9),
    "上午": (8, 12),
    "中午": (11, 14),
    "午": (11, 14),
    "下午": (12, 18),
    "傍晚": (17, 20),
    "晚上": (18, 24),
    "晚": (18, 24),
    "夜里": (20, 30),
    "夜间": (20, 30),
    "夜晚": (20, 30),
    "晚间": (18, 24),
    "半夜": (22, 30),
    "深夜": (22, 30),
    "后半夜": (24, 30),
    "夜": (20, 30),
    "白天": (7, 19),
    # northern spoken words for parts of the day
    "晌午": (11, 14),
    "头午": (8, 12),
    "上半晌": (8, 12),
    "前晌": (8, 12),
    "后晌": (12, 18),
    "下半晌": (12, 18),
    "擦黑": (17, 20),
    "天擦黑": (17, 20),
    "傍黑": (17, 20),
    "黑夜": (19, 30),
    "天刚亮": (4.5, 7),
    # daily routine (the reporter's day, not the clock): the span the words allow
    "下班回来": (7, 21),
    "上班": (7, 19),
    "上班路上": (6, 10),
    "下班路上": (16.5, 21),
    "放学": (15, 19),
    "中午吃饭": (11, 14),
    "午饭": (11, 14),
    "午休": (11.5, 14.5),
    "晚饭": (17, 21),
    "天黑": (17, 24),
    "睡觉": (21, 31),
    "morning": (5, 12),
    "afternoon": (12, 18),
    "evening": (17, 24),
    "night": (18, 30),
}
#: Parts of the evening and night (hours 1–11 in them are p.m. or the next small hours).
NIGHT_PARTS = {
    "晚上",
    "晚",
    "夜里",
    "夜间",
    "夜晚",
    "晚间",
    "半夜",
    "深夜",
    "后半夜",
    "夜",
    "evening",
    "night",
}
PM_PARTS = {"下午", "傍晚", "afternoon", "下班回来", "下班路上", "放学", "晚饭", "天黑"}
PM_PARTS |= {"后晌", "下半晌", "擦黑", "天擦黑", "傍黑"}
NIGHT_PARTS |= {"睡觉", "黑夜"}

CN_NUM = f"[{CN_NUM_CHARS}]{{1,3}}"
DAY_WORDS = {
    "大前天": -3,
    "前天": -2,
    "前日": -2,
    "昨天": -1,
    "昨日": -1,
    "昨儿": -1,
    "前儿": -2,
    "今天": 0,
    "今日": 0,
    "今儿": 0,
    "当天": 0,
}

ATOM_RE = re.compile(
    r"(?P<rel>刚才|刚刚|方才|(?P<reln>\d{1,3}|"
    + CN_NUM
    + r"|半|几|一两|两三)\s*(?P<relmore>来|多|几)?\s*(?:个)?"
    r"(?P<relu>分钟|小时|钟头)(?:之前|以前|前)|刚(?=[接看发被在到才出进下回去跟]))"
    r"|(?P<within>(?P<wn>\d{1,3}|" + CN_NUM + r"|半|一两)\s*个?\s*(?P<wmore>多)?\s*个?"
    r"(?P<wu>分钟|小时|钟头)(?P<wmore2>多)?(?:之内|以内|内|了|左右了))"
    r"|(?P<span>这两天|这几天|前两天|前几天|这些天|最近几天|最近|近期|这阵子|这段时间|上上(?:周|个?星期|个?礼拜)"
    r"(?![一二三四五六日天])|(?:上周|上个?星期|上个?礼拜"
    r"|这周|本周|这个?星期)(?![一二三四五六日天])|上个月|这个月|本月)"
    r"|(?P<ndays>\d{1,2}|" + CN_NUM + r")天前"
    r"|(?P<overnight>一夜之间|一觉醒来|早上起来|早上起床|早晨起来|早上醒来|起床后?|睡醒|醒来|"
    r"第二天早上|第二天一早|过了一夜|一晚上|一晚过去)"
    r"|(?P<day>大前天|前天|前日|前儿|昨天|昨日|昨儿|今天|今日|今儿|当天"
    r"|(?:(?P<wkprefix>上|这|本)个?)?(?:周|星期|礼拜)(?P<wkday>[一二三四五六日天])"
    r"|(?:(?P<year>20\d\d)\s*[年\-/.]\s*)?(?P<month>\d{1,2}|" + CN_NUM + r")\s*月\s*"
    r"(?P<mday>\d{1,2}|" + CN_NUM + r")\s*[日号]?"
    r"|(?P<iso>20\d\d-\d{1,2}-\d{1,2})"
    r"|(?<![\d路街巷道弄村楼栋幢座元室区园苑府城里号A-Za-z#-])(?P<dnum>\d{1,2}|"
    + CN_NUM
    + r")\s*[号日]"
    r"(?![楼门线院铺柜房车口位座栋\d])"
    r"|(?P<dayc>[今昨前])(?=[早晚夜晨午]))"
    r"|(?P<part>(?P<routine>下班(?:后|以后)?(?:回来|回家|到家|回去)|(?:上|下)班(?:的)?路上|上班(?:的时候|时间|期间)"
    r"|放学(?:的时候|后|路上)|中午吃饭|吃午饭|午饭|午休|吃晚饭|晚饭|天黑|睡觉(?:的时候|时)|睡着)"
    r"|后半夜|大清早|一大早|大早上|凌晨|清晨|早上|早晨|一早|上午|中午|下午|傍晚|晚上|晚间|夜里|夜间|夜晚"
    r"|半夜|深夜|白天|下半晌|上半晌|后晌|前晌|晌午|头午|天擦黑|擦黑|傍黑|黑夜|天刚亮"
    r"|(?<=[今昨前])[早晚夜晨午])"
    r"|(?P<clock>(?P<h>\d{1,2}|" + CN_NUM + r")\s*(?:点钟?|时(?!候|间)|:(?=\d\d))"
    r"(?:\s*(?P<half>半)|\s*(?P<quarter>一刻|三刻)|\s*(?P<m>\d{1,2}|" + CN_NUM + r")\s*分?)?"
    r"(?P<qual>多|左右|前后|许|来钟|之前|以前|前|之后|以后|后)?)"
)

EN_ATOM_RE = re.compile(
    r"(?P<rel>just now|a (?:few|couple of) minutes ago|moments? ago"
    r"|(?P<reln>\d{1,3}|an?|one|two|three|four|five|six|ten|fifteen|twenty|thirty|forty|half an?)"
    r"\s+(?P<relu>minutes?|mins?|hours?|hrs?)\s+ago)"
    r"|(?P<span>the (?:past|last) (?:two|couple of|few|2|3) days|these (?:few|past) days|this week"
    r"|last week|recently|lately|a (?:few|couple of) days ago|the other day|a couple days ago"
    r"|the week before last)"
    r"|(?P<ndays>\d|two|three|four|five) days ago"
    r"|(?P<within>(?:for|in|within) the (?:last|past) (?P<wn>\d{1,3}|an?|half an?|one|two|three"
    r"|twenty|thirty|forty)?\s*(?P<wu>hours?|minutes?|mins?))"
    r"|(?P<weekend>over the weekend|at the weekend|last weekend|this weekend"
    r"|上个?周末|这个?周末|周末)"
    r"|(?P<overnight>overnight|woke up|when i got up)"
    r"|(?P<day>the day before yesterday|the night before last|yesterday|today|tonight|last night"
    r"|this morning"
    r"|this afternoon|this evening|earlier today|(?:(?P<wkprefix>last|on|this) )?"
    r"(?P<wkday>monday|tuesday|wednesday|thursday|friday|saturday|sunday))"
    r"|(?P<part>morning|afternoon|evening|night(?!\s*(?:market|club|shift|bus|life|stall)))"
    r"|(?P<clock>(?P<h>\d{1,2})(?::(?P<m>\d\d))?\s*(?P<ap>a\.?m\.?|p\.?m\.?)(?![a-z])"
    r"|(?:(?<=at )|(?<=around )|(?<=about )|(?<=by )|(?<=after )|(?<=before )|(?<=between )"
    r"|(?<=from )|(?<=till )|(?<=until ))(?P<h3>\d{1,2})"
    r"(?::(?P<m3>\d\d))?(?:\s*o'?clock)?(?![\d:%.,]?\d|\s*(?:days?|hours?|hrs?|min|minutes?"
    r"|weeks?|months?|years?|yuan|rmb|kuai|k\b|people|men|guys|of|floor|percent|%))"
    r"|(?P<h4>\d{1,2})\s*(?:o'?clock|ish\b)"
    r"|(?<=at )(?P<h2>\d{1,2}):(?P<m2>\d\d)|midnight|noon)",
    re.IGNORECASE,
)

FILLER_RE = re.compile(
    r"^(?:[\s,，、的在于是大概约差不多左右那会儿时候点钟之间到至~\-]|大约|大概|差不多|前后|around|about"
    r"|at|on|in|the|approx\.?|approximately|roughly|,)*$",
    re.IGNORECASE,
)
APPROX_BEFORE_RE = re.compile(r"(?:大概|大约|差不多|约|估计|around|about|approx\w*|roughly)\W*$")
PURCHASE_AFTER_RE = re.compile(r"^.{0,3}?(?:买的|购买的|入手的|提的|办的|装的|bought)")
ONGOING_RE = re.compile(
    r"到现在|至今|现在还|还在|就现在|正在|一直没|还没回|没回来|没回家|未归|没回|到目前"
    r"|right now|so far|since|still|has not come|hasn't come|ongoing|现在|开始|回来发现|回来才发现"
    r"|才发现",
    re.IGNORECASE,
)
NOW_RE = re.compile(
    r"现在还|还在|就现在|正在|快来|快点来|赶紧来|right now|still|ongoing", re.IGNORECASE
)
#: After a time, the start of a span that runs on (停的: parked then, gone when found).
START_AFTER_RE = re.compile(
    r"^\s*(?:就|左右|多)?\s*(?:停|放|锁|出门|出去|离开|开始|起|parked|left)"
)
ATOM_KINDS = ("rel", "span", "ndays", "within", "weekend", "overnight", "day", "part", "clock")
AFTER_CN_DATE_RE = re.compile(
    r"\s*(?:晚|早|上午|下午|中午|凌晨|夜|半夜|深夜|那天|当天|的时候|白天|傍晚|\d|[一二三四五六七八九十两]+点)"
)
HABITUAL_RE = re.compile(r"每天|天天|经常|老是|总是|每晚|老有|每次|every (?:day|evening|night)")


#: Words of the daily routine → the part of the day they stand for (see :data:`PARTS`).
_ROUTINE_KEYS: tuple[tuple[str, str], ...] = (
    ("下班路上", "下班路上"),
    ("下班的路上", "下班路上"),
    ("上班路上", "上班路上"),
    ("上班的路上", "上班路上"),
    ("下班", "下班回来"),
    ("上班", "上班"),
    ("放学", "放学"),
    ("中午吃饭", "中午吃饭"),
    ("午饭", "午饭"),
    ("午休", "午休"),
    ("晚饭", "晚饭"),
    ("天黑", "天黑"),
    ("睡", "睡觉"),
)


def part_key(word: str) -> str:
    """Return the :data:`PARTS` key of a part-of-day word (下班回家 → 下班回来)."""
    word = word.lower()
    if word in PARTS:
        return word
    for prefix, key in _ROUTINE_KEYS:
        if prefix in word:
            return key
    return word


def hm(day: date, hours: float) -> datetime:
    return datetime(day.year, day.month, day.day) + timedelta(hours=hours)


def weekday_date(today: date, wkday: int, prefix: str | None) -> date:
    monday = today - timedelta(days=today.weekday())
    if prefix in ("上", "last"):
        return monday - timedelta(days=7) + timedelta(days=wkday)
    candidate = monday + timedelta(days=wkday)
    if candidate > today:
        candidate -= timedelta(days=7)
    return candidate


def en_num(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word.startswith("half"):
        return 0
    return EN_NUMBERS.get(word)


#: English day words: (offset in days from the message day, implied part of the day).
EN_DAY_WORDS: dict[str, tuple[int, str | None]] = {
    "the day before yesterday": (-2, None),
    "the night before last": (-2, "night"),
    "yesterday": (-1, None),
    "today": (0, None),
    "earlier today": (0, None),
    "tonight": (0, "evening"),
    "last night": (-1, "night"),
    "this morning": (0, "morning"),
    "this afternoon": (0, "afternoon"),
    "this evening": (0, "evening"),
}


def day_atom(m: re.Match[str], today: date) -> tuple[date | None, str | None]:
    """Resolve a day atom to a date and an implied part of the day."""
    text = m.group("day").lower()
    if text in DAY_WORDS:
        return today + timedelta(days=DAY_WORDS[text]), None
    if text in EN_DAY_WORDS:
        offset, part = EN_DAY_WORDS[text]
        return today + timedelta(days=offset), part
    groups = m.groupdict()  # the English pattern has no 今/昨/前 group
    if groups.get("dayc"):
        return today + timedelta(days={"今": 0, "昨": -1, "前": -2}[groups["dayc"]]), None
    if m.group("wkday"):
        wk = m.group("wkday").lower()
        wkday = EN_WEEKDAYS[wk] if wk in EN_WEEKDAYS else WEEKDAYS[wk]
        return weekday_date(today, wkday, (m.group("wkprefix") or "").lower() or None), None
    if m.group("iso"):
        return _iso_date(m.group("iso")), None
    if m.group("month"):
        return _month_day_date(m, today), None
    if m.group("dnum"):
        return _day_of_month_date(m, today), None
    return None, None


def _iso_date(text: str) -> date | None:
    """Read ``2026-7-9`` as a date (None when there is no such day)."""
    try:
        return date.fromisoformat("-".join(f"{int(p):02d}" for p in text.split("-")))
    except ValueError:
        return None


def _month_day_date(m: re.Match[str], today: date) -> date | None:
    """Read ``7月9日`` (with or without a year) as the last such day up to ``today``."""
    month = parse_small_int(m.group("month"))
    mday = parse_small_int(m.group("mday"))
    year = int(m.group("year")) if m.group("year") else today.year
    if month is None or mday is None or not (1 <= month <= 12 and 1 <= mday <= 31):
        return None
    try:
        found = date(year, month, mday)
    except ValueError:
        return None
    if found > today and not m.group("year"):
        found = found.replace(year=year - 1)
    return found


def _day_of_month_date(m: re.Match[str], today: date) -> date | None:
    """Read ``9号`` as the last 9th of a month up to ``today``."""
    following = m.string[m.end() : m.end() + 6]
    if not m.group("dnum").isdigit() and not AFTER_CN_DATE_RE.match(following):
        return None  # 九号 is also a brand of e-bike
    if m.string[max(0, m.start() - 2) : m.start()].endswith("的") and not m.string[
        max(0, m.start() - 2) : m.start()
    ].startswith("月"):
        return None  # 我的九号, 楼下的九号: the e-bike, not the 9th
    mday = parse_small_int(m.group("dnum"))
    if mday is None or not 1 <= mday <= 31:
        return None
    year, month = today.year, today.month
    if mday > today.day:
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    try:
        return date(year, month, mday)
    except ValueError:
        return None


def relative_span(m: re.Match[str], now: datetime, today: date) -> tuple[datetime, datetime] | None:
    """Resolve a relative atom (``半小时内``, ``上周末``, ``两小时前``, ``前几天`` …) to a span."""
    groups = m.groupdict()
    if groups.get("within"):
        return _within_span(groups, now)
    if groups.get("weekend"):
        return _weekend_span(groups["weekend"], now, today)
    if groups.get("rel"):
        return _ago_span(m, now)
    if m.group("ndays"):
        raw = m.group("ndays")
        num = en_num(raw) if raw.isascii() else parse_small_int(raw)
        if num is None:
            return None
        day = today - timedelta(days=num)
        return hm(day, 0), hm(day, 24)
    return _named_span(m.group("span").lower(), now, today)


def _within_span(groups: dict[str, Any], now: datetime) -> tuple[datetime, datetime] | None:
    """Resolve ``半小时内`` / ``within 20 minutes``: up to now, with some slack."""
    raw = (groups.get("wn") or "1").lower()
    num = en_num(raw) if raw.isascii() else parse_small_int(raw)
    if raw in ("半", "half a", "half an"):
        minutes = 30.0
    elif raw == "一两":
        minutes = 120.0
    elif num is None:
        return None
    else:
        minutes = float(num) * (60 if groups["wu"].lower().startswith(("小", "钟", "h")) else 1)
    if groups.get("wmore") or groups.get("wmore2"):
        minutes += 60 if minutes >= 60 else 10
    return now - timedelta(minutes=minutes * 1.25), now


def _weekend_span(word: str, now: datetime, today: date) -> tuple[datetime, datetime]:
    """Resolve ``周末`` / ``上周末`` to the last weekend begun."""
    monday = today - timedelta(days=today.weekday())
    saturday = monday + timedelta(days=5)
    if saturday > today or "上" in word or "last" in word.lower():
        saturday -= timedelta(days=7)
    return hm(saturday, 0), min(hm(saturday, 48), now)


def _ago_span(m: re.Match[str], now: datetime) -> tuple[datetime, datetime] | None:
    """Resolve ``刚才``, ``两小时前``, ``20 minutes ago``: a span around the time ago."""
    text = m.group("rel").lower()
    if text in ("刚", "刚才", "方才", "just now"):
        return now - timedelta(hours=1), now
    if text == "刚刚":
        return now - timedelta(minutes=30), now
    if "minutes ago" in text or "moment" in text:
        return now - timedelta(minutes=15), now
    raw = m.group("reln")
    unit = m.group("relu").lower()
    if raw in ("半",) or raw.lower().startswith("half"):
        minutes = 30.0
    elif raw in ("几", "一两", "两三"):
        n = {"几": 3, "一两": 1.5, "两三": 2.5}[raw]
        minutes = n * (60 if unit in ("小时", "钟头") else 1)
        return now - timedelta(minutes=minutes * 2), now
    else:
        num = en_num(raw) if raw.isascii() else parse_small_int(raw)
        if num is None:
            return None
        minutes = float(num) * (1 if unit.startswith(("分", "min")) else 60)
        if m.groupdict().get("relmore") and num >= 10:
            minutes *= 1.4  # 十来分钟, 二十几分钟: ten to nineteen, back 21 minutes at most
    # "半小时前" is said of anything from a few minutes to about 45 minutes ago
    if minutes <= 60:
        return now - timedelta(minutes=minutes * 1.5), now
    slack = max(10.0, minutes * 0.5)
    return now - timedelta(minutes=minutes + slack), now - timedelta(minutes=minutes - slack)


def _named_span(span: str, now: datetime, today: date) -> tuple[datetime, datetime] | None:
    """Resolve a named span of days (``这两天``, ``前几天``, ``最近``, ``recently``)."""
    midnight = hm(today, 0)
    if span in ("这两天", "the past two days", "the last two days", "the past 2 days"):
        return midnight - timedelta(days=1), now
    if span.startswith(("the past", "the last", "these")) or span in (
        "这几天",
        "这些天",
        "最近几天",
    ):
        return midnight - timedelta(days=4), now
    if span == "前两天":
        return midnight - timedelta(days=3), midnight
    if span == "前几天" or span.endswith(("days ago", "the other day")):
        return midnight - timedelta(days=7), midnight
    if span.startswith("上上") or span == "the week before last":
        monday = hm(today - timedelta(days=today.weekday()), 0)
        return monday - timedelta(days=14), monday - timedelta(days=7)
    if span in ("最近", "近期", "这阵子", "这段时间", "recently", "lately"):
        return midnight - timedelta(days=7), now
    return _calendar_span(span, now, today)


def _calendar_span(span: str, now: datetime, today: date) -> tuple[datetime, datetime] | None:
    """Resolve a calendar week or month (``上周``, ``this week``, ``上个月``, ``本月``)."""
    monday = today - timedelta(days=today.weekday())
    if span.startswith(("上周", "上个星期", "上星期", "上礼拜", "上个礼拜", "last week")):
        return hm(monday, 0) - timedelta(days=7), hm(monday, 0)
    if span in ("这周", "本周", "这星期", "这个星期", "this week"):
        return hm(monday, 0), now
    first = today.replace(day=1)
    if span in ("上个月", "上月"):
        prev = (first - timedelta(days=1)).replace(day=1)
        return hm(prev, 0), hm(first, 0)
    if span in ("这个月", "本月"):
        return hm(first, 0), now
    return None


def clock_atom(m: re.Match[str]) -> tuple[int, int, str, bool] | None:
    """Resolve a clock atom to (hour, minute, qualifier, whether the half of day is known)."""
    text = m.group("clock").lower()
    if text == "midnight":
        return 0, 0, "", True
    if text == "noon":
        return 12, 0, "", True
    groups = m.groupdict()
    if groups.get("h2"):
        return int(groups["h2"]), int(groups["m2"]), "", False
    if groups.get("h3") or groups.get("h4"):
        en_hour = int(groups.get("h3") or groups["h4"])
        minute = int(groups.get("m3") or 0)
        if en_hour > 23 or minute > 59:
            return None
        return en_hour, minute, "分" if groups.get("m3") else "", en_hour > 12 or en_hour == 0
    raw_hour = m.group("h")
    qual = m.group("qual") or "" if "qual" in groups else ""
    if len(raw_hour) == 2 and all(c in "一二两三四五六七八九" for c in raw_hour):
        # 两三点, 七八点: a range of hours
        first, last = parse_small_int(raw_hour[0]), parse_small_int(raw_hour[1])
        if first is not None and last is not None and last == first + 1:
            return first, 0, "range", False
    hour = parse_small_int(raw_hour)
    if hour is None or hour > 24:
        return None
    minute_qual = _clock_minute(m, groups, qual)
    if minute_qual is None:
        return None
    minute, qual = minute_qual
    ap = groups.get("ap")
    if ap:
        return _with_am_pm(
            ap.replace(".", ""), hour, minute, qual or ("分" if groups.get("m") else "")
        )
    return hour, minute, qual, hour > 12 or hour == 0


def _clock_minute(m: re.Match[str], groups: dict[str, Any], qual: str) -> tuple[int, str] | None:
    """Read the minute of a clock atom and the qualifier it implies (None: no such minute)."""
    if groups.get("half"):
        return 30, qual or "半"
    if groups.get("quarter"):
        return (15 if groups["quarter"] == "一刻" else 45), qual or "分"
    if groups.get("m"):
        parsed = parse_small_int(m.group("m"))
        if parsed is None or parsed >= 60:
            return None
        return parsed, qual or "分"
    return 0, qual


def _with_am_pm(ap: str, hour: int, minute: int, qual: str) -> tuple[int, int, str, bool] | None:
    """Apply ``am``/``pm`` to a 12-hour clock time (None for ``13pm``)."""
    if hour > 12:
        return None
    if ap == "pm" and hour < 12:
        hour += 12
    if ap == "am" and hour == 12:
        hour = 0
    return hour, minute, qual, True


def clock_window(qual: str) -> tuple[float, float] | None:
    """Minutes before and after the clock time that the qualifier allows (None: open)."""
    return {
        "": (-15.0, 30.0),
        "钟": (-15.0, 30.0),
        "分": (-5.0, 20.0),
        "半": (-10.0, 30.0),
        "多": (0.0, 60.0),
        "许": (-30.0, 30.0),
        "来钟": (-15.0, 30.0),
        "左右": (-30.0, 30.0),
        "前后": (-30.0, 30.0),
        "approx": (-30.0, 30.0),
        "range": (-15.0, 120.0),
    }.get(qual)

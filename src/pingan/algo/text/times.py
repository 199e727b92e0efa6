"""Resolve the time words of a message into the interval in which the event happened.

Model
-----
The text is scanned for *atoms*: day anchors (今天, 昨天, 前天, 上周五, 7月9日, 9号,
"yesterday"), parts of the day (凌晨, 早上, 下午, 晚上, 夜里, "this morning"), clock times
(十点多, 22:30, 10点半, "10pm"), relative spans (刚才, 半小时前, 这两天, 这几天,
"just now", "2 hours ago") and overnight discoveries (早上起来发现, 一夜之间, "woke up").
Neighbouring atoms (separated only by filler such as 的/大概/左右/"at around") form a
*mention*; a mention without a day inherits the day and part of the previous one and moves
forward in time if that would put it before the previous mention (the story runs forward).
Each mention resolves to a local interval in the district's time zone; the answer is the
span from the earliest start to the latest end, never later than the message time.

Widths (minutes) follow the words: ``N点`` → [−15, +30]; ``N点M分`` → [−5, +10];
``N点半`` → [−10, +20]; ``N点多`` → [0, +60]; ``N点左右`` → [−30, +30];
``N点前`` → [start of the part of day, t]; ``N点后`` → [t, end of the part of day].
两三点 → [−15 min, +2 h]. 刚才 → the last hour, 刚刚 → the last 30 minutes; ``N分钟前`` /
``N小时前`` → [now − 1.5·N, now] up to an hour, [N ± N/2] beyond; ``N分钟了`` / ``N小时内`` /
"for the last hour" → [now − 1.25·N, now]; 这两天 → since yesterday 00:00; 这几天 → since
00:00 four days ago; 最近 → the last seven days; 周末 → Saturday and Sunday; 早上 → 05:00
to 11:00; 昨晚 → 18:00 to 06:00; 夜里 → 20:00 to 06:00; 半夜 → 22:00 to 06:00; overnight
→ 18:00 the day before to 10:00.

Events that run on end at the message time: 到现在, 还在, 开始, 一直没回来, "since", and a
last time followed by 停/放/锁/出门 (parked then, found gone later). Words alone such as
现在还在/快来 give the last 30 minutes. Habitual words (每天, 天天, 经常) drop bare parts of
the day, which name no one event. A time right before 买的/入手的 (when it was bought) is
ignored when the message names another time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pingan.algo.text.numbers import CN_NUM_CHARS, normalize, parse_small_int
from pingan.errors import InvalidInput

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_EN_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_EN_NUMBERS = {
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
_PARTS: dict[str, tuple[float, float]] = {
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
    "morning": (5, 12),
    "afternoon": (12, 18),
    "evening": (17, 24),
    "night": (18, 30),
}
#: Parts of the evening and night (hours 1–11 in them are p.m. or the next small hours).
_NIGHT_PARTS = {
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
_PM_PARTS = {"下午", "傍晚", "afternoon"}

_CN_NUM = f"[{CN_NUM_CHARS}]{{1,3}}"
_DAY_WORDS = {
    "大前天": -3,
    "前天": -2,
    "前日": -2,
    "昨天": -1,
    "昨日": -1,
    "昨儿": -1,
    "今天": 0,
    "今日": 0,
    "今儿": 0,
    "当天": 0,
}

_ATOM_RE = re.compile(
    r"(?P<rel>刚才|刚刚|方才|(?P<reln>\d{1,3}|" + _CN_NUM + r"|半|几|一两|两三)\s*(?:个)?"
    r"(?P<relu>分钟|小时|钟头)(?:之前|以前|前)|刚(?=[接看发被在到才出进下回去跟]))"
    r"|(?P<within>(?P<wn>\d{1,3}|" + _CN_NUM + r"|半|一两)\s*个?\s*(?P<wmore>多)?\s*个?"
    r"(?P<wu>分钟|小时|钟头)(?P<wmore2>多)?(?:之内|以内|内|了|左右了))"
    r"|(?P<span>这两天|这几天|前两天|前几天|这些天|最近几天|最近|近期|这阵子|这段时间|(?:上周|上个?星期|上个?礼拜"
    r"|这周|本周|这个?星期)(?![一二三四五六日天])|上个月|这个月|本月)"
    r"|(?P<ndays>\d{1,2}|" + _CN_NUM + r")天前"
    r"|(?P<overnight>一夜之间|一觉醒来|早上起来|早上起床|早晨起来|早上醒来|起床后?|睡醒|醒来|"
    r"第二天早上|第二天一早|过了一夜|一晚上|一晚过去)"
    r"|(?P<day>大前天|前天|前日|昨天|昨日|昨儿|今天|今日|今儿|当天"
    r"|(?:(?P<wkprefix>上|这|本)个?)?(?:周|星期|礼拜)(?P<wkday>[一二三四五六日天])"
    r"|(?:(?P<year>20\d\d)\s*[年\-/.]\s*)?(?P<month>\d{1,2}|" + _CN_NUM + r")\s*月\s*"
    r"(?P<mday>\d{1,2}|" + _CN_NUM + r")\s*[日号]?"
    r"|(?P<iso>20\d\d-\d{1,2}-\d{1,2})"
    r"|(?<![\d路街巷道弄村楼栋幢座元室区园苑府城里号A-Za-z#-])(?P<dnum>\d{1,2}|"
    + _CN_NUM
    + r")\s*[号日]"
    r"(?![楼门线院铺柜房车口位座栋\d])"
    r"|(?P<dayc>[今昨前])(?=[早晚夜晨午]))"
    r"|(?P<part>后半夜|大清早|一大早|大早上|凌晨|清晨|早上|早晨|一早|上午|中午|下午|傍晚|晚上|晚间|夜里|夜间|夜晚"
    r"|半夜|深夜|白天|(?<=[今昨前])[早晚夜晨午])"
    r"|(?P<clock>(?P<h>\d{1,2}|" + _CN_NUM + r")\s*(?:点钟?|时(?!候|间)|:(?=\d\d))"
    r"(?:\s*(?P<half>半)|\s*(?P<quarter>一刻|三刻)|\s*(?P<m>\d{1,2}|" + _CN_NUM + r")\s*分?)?"
    r"(?P<qual>多|左右|前后|许|之前|以前|前|之后|以后|后)?)"
)

_EN_ATOM_RE = re.compile(
    r"(?P<rel>just now|a (?:few|couple of) minutes ago|moments? ago"
    r"|(?P<reln>\d{1,3}|an?|one|two|three|four|five|six|ten|fifteen|twenty|thirty|forty|half an?)"
    r"\s+(?P<relu>minutes?|mins?|hours?|hrs?)\s+ago)"
    r"|(?P<span>the (?:past|last) (?:two|couple of|few|2|3) days|these (?:few|past) days|this week"
    r"|last week|recently|lately)"
    r"|(?P<ndays>\d|two|three|four|five) days ago"
    r"|(?P<within>(?:for|in|within) the (?:last|past) (?P<wn>\d{1,3}|an?|half an?|one|two|three"
    r"|twenty|thirty|forty)?\s*(?P<wu>hours?|minutes?|mins?))"
    r"|(?P<weekend>over the weekend|at the weekend|last weekend|this weekend"
    r"|上个?周末|这个?周末|周末)"
    r"|(?P<overnight>overnight|woke up|when i got up)"
    r"|(?P<day>the day before yesterday|yesterday|today|tonight|last night|this morning"
    r"|this afternoon|this evening|earlier today|(?:(?P<wkprefix>last|on|this) )?"
    r"(?P<wkday>monday|tuesday|wednesday|thursday|friday|saturday|sunday))"
    r"|(?P<part>morning|afternoon|evening|night)"
    r"|(?P<clock>(?P<h>\d{1,2})(?::(?P<m>\d\d))?\s*(?P<ap>a\.?m\.?|p\.?m\.?)(?![a-z])"
    r"|(?<=at )(?P<h2>\d{1,2}):(?P<m2>\d\d)|midnight|noon)",
    re.IGNORECASE,
)

_FILLER_RE = re.compile(
    r"^(?:[\s,，、的在于是大概约差不多左右那会儿时候点钟之间到至~\-]|大约|大概|差不多|前后|around|about"
    r"|at|on|in|the|approx\.?|approximately|roughly|,)*$",
    re.IGNORECASE,
)
_APPROX_BEFORE_RE = re.compile(r"(?:大概|大约|差不多|约|估计|around|about|approx\w*|roughly)\W*$")
_PURCHASE_AFTER_RE = re.compile(r"^.{0,3}?(?:买的|购买的|入手的|提的|办的|装的|bought)")
_ONGOING_RE = re.compile(
    r"到现在|至今|现在还|还在|就现在|正在|一直没|还没回|没回来|没回家|未归|没回|到目前"
    r"|right now|so far|since|still|has not come|hasn't come|ongoing|现在|开始|回来发现|回来才发现"
    r"|才发现",
    re.IGNORECASE,
)
_NOW_RE = re.compile(
    r"现在还|还在|就现在|正在|快来|快点来|赶紧来|right now|still|ongoing", re.IGNORECASE
)
#: After a time, the start of a span that runs on (停的: parked then, gone when found).
_START_AFTER_RE = re.compile(
    r"^\s*(?:就|左右|多)?\s*(?:停|放|锁|出门|出去|离开|开始|起|parked|left)"
)
_ATOM_KINDS = ("rel", "span", "ndays", "within", "weekend", "overnight", "day", "part", "clock")
_AFTER_CN_DATE_RE = re.compile(
    r"\s*(?:晚|早|上午|下午|中午|凌晨|夜|半夜|深夜|那天|当天|的时候|白天|傍晚|\d|[一二三四五六七八九十两]+点)"
)
_HABITUAL_RE = re.compile(r"每天|天天|经常|老是|总是|每晚|老有|每次|every (?:day|evening|night)")


@dataclass(frozen=True)
class TimeInterval:
    """When an event happened: a closed interval of aware datetimes.

    Attributes
    ----------
    start, end
        Bounds in the district's time zone (``start <= end``); ``end`` is never later than
        the message time.
    confidence
        0–1: 0.9 for a clock time, 0.7 for a part of the day, 0.5 for days or weeks.
    """

    start: datetime
    end: datetime
    confidence: float = 0.5

    @property
    def width_s(self) -> float:
        """Width of the interval in seconds."""
        return (self.end - self.start).total_seconds()


@dataclass
class _Mention:
    start_pos: int
    end_pos: int
    day: date | None = None
    day_is_past: bool = False
    part: str | None = None
    clock: tuple[int, int, str, bool] | None = None  # hour, minute, qualifier, is_12h_known
    fixed: tuple[datetime, datetime] | None = None  # relative spans resolve directly
    overnight: bool = False
    inherited_day: bool = False


def _hm(day: date, hours: float) -> datetime:
    return datetime(day.year, day.month, day.day) + timedelta(hours=hours)


def _weekday_date(today: date, wkday: int, prefix: str | None) -> date:
    monday = today - timedelta(days=today.weekday())
    if prefix in ("上", "last"):
        return monday - timedelta(days=7) + timedelta(days=wkday)
    candidate = monday + timedelta(days=wkday)
    if candidate > today:
        candidate -= timedelta(days=7)
    return candidate


def _en_num(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word.startswith("half"):
        return 0
    return _EN_NUMBERS.get(word)


def _day_atom(m: re.Match[str], today: date) -> tuple[date | None, str | None]:
    """Resolve a day atom to a date and an implied part of the day."""
    text = m.group("day").lower()
    if text in _DAY_WORDS:
        return today + timedelta(days=_DAY_WORDS[text]), None
    en = {
        "the day before yesterday": (-2, None),
        "yesterday": (-1, None),
        "today": (0, None),
        "earlier today": (0, None),
        "tonight": (0, "evening"),
        "last night": (-1, "night"),
        "this morning": (0, "morning"),
        "this afternoon": (0, "afternoon"),
        "this evening": (0, "evening"),
    }
    if text in en:
        offset, part = en[text]
        return today + timedelta(days=offset), part
    if m.group("dayc"):
        return today + timedelta(days={"今": 0, "昨": -1, "前": -2}[m.group("dayc")]), None
    if m.group("wkday"):
        wk = m.group("wkday").lower()
        wkday = _EN_WEEKDAYS[wk] if wk in _EN_WEEKDAYS else _WEEKDAYS[wk]
        return _weekday_date(today, wkday, (m.group("wkprefix") or "").lower() or None), None
    if m.group("iso"):
        try:
            return date.fromisoformat(
                "-".join(f"{int(p):02d}" for p in m.group("iso").split("-"))
            ), None
        except ValueError:
            return None, None
    if m.group("month"):
        month = parse_small_int(m.group("month"))
        mday = parse_small_int(m.group("mday"))
        year = int(m.group("year")) if m.group("year") else today.year
        if month is None or mday is None or not (1 <= month <= 12 and 1 <= mday <= 31):
            return None, None
        try:
            found = date(year, month, mday)
        except ValueError:
            return None, None
        if found > today and not m.group("year"):
            found = found.replace(year=year - 1)
        return found, None
    if m.group("dnum"):
        following = m.string[m.end() : m.end() + 6]
        if not m.group("dnum").isdigit() and not _AFTER_CN_DATE_RE.match(following):
            return None, None  # 九号 is also a brand of e-bike
        mday = parse_small_int(m.group("dnum"))
        if mday is None or not 1 <= mday <= 31:
            return None, None
        year, month = today.year, today.month
        if mday > today.day:
            month -= 1
            if month == 0:
                year, month = year - 1, 12
        try:
            return date(year, month, mday), None
        except ValueError:
            return None, None
    return None, None


def _relative(m: re.Match[str], now: datetime, today: date) -> tuple[datetime, datetime] | None:
    groups = m.groupdict()
    if groups.get("within"):
        raw = (groups.get("wn") or "1").lower()
        num = _en_num(raw) if raw.isascii() else parse_small_int(raw)
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
    if groups.get("weekend"):
        monday = today - timedelta(days=today.weekday())
        saturday = monday + timedelta(days=5)
        if saturday > today or "上" in groups["weekend"] or "last" in groups["weekend"].lower():
            saturday -= timedelta(days=7)
        return _hm(saturday, 0), min(_hm(saturday, 48), now)
    if groups.get("rel"):
        text = m.group("rel").lower()
        if text == "刚":
            return now - timedelta(hours=1), now
        if text in ("刚才", "方才", "just now"):
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
            num = _en_num(raw) if raw.isascii() else parse_small_int(raw)
            if num is None:
                return None
            minutes = float(num) * (1 if unit.startswith(("分", "min")) else 60)
        # "半小时前" is said of anything from a few minutes to about 45 minutes ago
        if minutes <= 60:
            return now - timedelta(minutes=minutes * 1.5), now
        slack = max(10.0, minutes * 0.5)
        return now - timedelta(minutes=minutes + slack), now - timedelta(minutes=minutes - slack)
    if m.group("ndays"):
        raw = m.group("ndays")
        num = _en_num(raw) if raw.isascii() else parse_small_int(raw)
        if num is None:
            return None
        day = today - timedelta(days=num)
        return _hm(day, 0), _hm(day, 24)
    span = m.group("span").lower()
    midnight = _hm(today, 0)
    monday = today - timedelta(days=today.weekday())
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
    if span == "前几天":
        return midnight - timedelta(days=6), midnight
    if span in ("最近", "近期", "这阵子", "这段时间", "recently", "lately"):
        return midnight - timedelta(days=7), now
    if span.startswith(("上周", "上个星期", "上星期", "上礼拜", "上个礼拜", "last week")):
        return _hm(monday, 0) - timedelta(days=7), _hm(monday, 0)
    if span in ("这周", "本周", "这星期", "这个星期", "this week"):
        return _hm(monday, 0), now
    first = today.replace(day=1)
    if span == "上个月" or span == "上月":
        prev = (first - timedelta(days=1)).replace(day=1)
        return _hm(prev, 0), _hm(first, 0)
    if span in ("这个月", "本月"):
        return _hm(first, 0), now
    return None


def _clock_atom(m: re.Match[str]) -> tuple[int, int, str, bool] | None:
    text = m.group("clock").lower()
    if text == "midnight":
        return 0, 0, "", True
    if text == "noon":
        return 12, 0, "", True
    groups = m.groupdict()
    if groups.get("h2"):
        return int(groups["h2"]), int(groups["m2"]), "", False
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
    minute = 0
    if groups.get("half"):
        minute, qual = 30, qual or "半"
    elif groups.get("quarter"):
        minute = 15 if groups["quarter"] == "一刻" else 45
        qual = qual or "分"
    elif groups.get("m"):
        parsed = parse_small_int(m.group("m"))
        if parsed is None or parsed >= 60:
            return None
        minute, qual = parsed, qual or "分"
    ap = groups.get("ap")
    if ap:
        ap = ap.replace(".", "")
        if hour > 12:
            return None
        if ap == "pm" and hour < 12:
            hour += 12
        if ap == "am" and hour == 12:
            hour = 0
        return hour, minute, qual or ("分" if groups.get("m") else ""), True
    return hour, minute, qual, hour > 12 or hour == 0


def _clock_window(qual: str) -> tuple[float, float] | None:
    """Minutes before and after the clock time that the qualifier allows (None: open)."""
    return {
        "": (-15.0, 30.0),
        "钟": (-15.0, 30.0),
        "分": (-5.0, 10.0),
        "半": (-10.0, 20.0),
        "多": (0.0, 60.0),
        "许": (-30.0, 30.0),
        "左右": (-30.0, 30.0),
        "前后": (-30.0, 30.0),
        "approx": (-30.0, 30.0),
        "range": (-15.0, 120.0),
    }.get(qual)


def _resolve(
    mention: _Mention, now: datetime, today: date, prev_start: datetime | None
) -> tuple[datetime, datetime, float] | None:
    if mention.fixed is not None:
        start, end = mention.fixed
        return start, end, 0.6
    if mention.overnight and mention.day is None and mention.clock is None:
        # Found in the morning: the night before the morning of the message day (or the last
        # morning already past).
        morning = today if now.hour >= 5 else today - timedelta(days=1)
        return _hm(morning, -6), _hm(morning, 10), 0.6
    part = mention.part
    day = mention.day
    if mention.clock is None:
        if part is None:
            if day is None:
                return None
            return _hm(day, 0), _hm(day, 24), 0.5
        lo, hi = _PARTS[part]
        if part in ("晚", "晚上", "evening") and mention.day_is_past:
            hi = 30  # 昨晚 / 昨天晚上: the whole night
        if day is None:
            day = today if _hm(today, lo) <= now else today - timedelta(days=1)
            if prev_start is not None and _hm(day, lo) < prev_start <= now:
                day = prev_start.date()
                if _hm(day, hi) < prev_start:
                    day += timedelta(days=1)
        return _hm(day, lo), _hm(day, hi), 0.7
    hour, minute, qual, known = mention.clock
    candidates: list[float] = []
    h: float
    if known:
        candidates = [hour + minute / 60]
    elif part is not None:
        h = hour
        if part in _NIGHT_PARTS:
            if h < 6:
                h += 24
            elif h < 12:
                h += 12
            elif h == 12:
                h = 24
        elif (part in _PM_PARTS and h < 12) or (part in ("中午", "午") and h <= 3):
            h += 12
        candidates = [h + minute / 60]
    else:
        candidates = [hour + minute / 60]
        if hour < 12:
            candidates.append(hour + 12 + minute / 60)
    window = _clock_window(qual)
    if window is None:
        lo_part, hi_part = _PARTS[part] if part else (0, 24)
    days = [day] if day is not None else [today, today - timedelta(days=1)]
    best: tuple[datetime, datetime] | None = None
    spans: list[tuple[datetime, datetime]] = []
    for d in days:
        for h in candidates:
            t = _hm(d, h)
            if window is not None:
                start, end = t + timedelta(minutes=window[0]), t + timedelta(minutes=window[1])
            elif qual in ("前", "之前", "以前"):
                start, end = _hm(d, lo_part if part else 0), t
                if part is None and hour < 12 and h >= 12:
                    start = _hm(d, 12)
            else:
                start, end = t, _hm(d, hi_part if part else 24)
            if t > now and not (qual in ("前", "之前", "以前") and start <= now):
                continue
            spans.append((start, end))
    if not spans:
        return None
    if day is not None:
        # a known day with an ambiguous hour: keep every reading in the past
        best = (min(s for s, _ in spans), max(e for _, e in spans))
    else:
        best = max(spans, key=lambda se: se[0])
        if prev_start is not None:
            later = [se for se in spans if se[0] >= prev_start - timedelta(hours=1)]
            if later:
                best = min(later, key=lambda se: se[0])
    return best[0], best[1], 0.9


def _gap_ok(text: str, a: int, b: int) -> bool:
    return b - a <= 12 and bool(_FILLER_RE.match(text[a:b]))


def _scan(text: str, now: datetime, today: date) -> list[tuple[re.Match[str], str]]:
    atoms: list[tuple[re.Match[str], str]] = []
    for regex in (_ATOM_RE, _EN_ATOM_RE):
        for m in regex.finditer(text):
            found = m.groupdict()
            kind = next(k for k in _ATOM_KINDS if found.get(k))
            kind = "rel" if kind in ("span", "ndays", "within", "weekend") else kind
            atoms.append((m, kind))
    atoms.sort(key=lambda a: a[0].start())
    return atoms


def resolve_time(text: str, sent_at: datetime, *, tz: str = "Asia/Shanghai") -> TimeInterval | None:
    """Find when the event in a message happened.

    Parameters
    ----------
    text
        The message.
    sent_at
        When it was sent (timezone-aware).
    tz
        IANA name of the district's time zone, in which relative words are read.

    Returns
    -------
    TimeInterval or None
        The narrowest interval the words allow, in ``tz``; None when the message has no
        time words.

    Examples
    --------
    >>> from datetime import datetime
    >>> from zoneinfo import ZoneInfo
    >>> at = datetime(2026, 7, 10, 21, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> t = resolve_time("电瓶车昨天夜里被偷了", at)
    >>> t.start.isoformat(), t.end.isoformat()
    ('2026-07-09T20:00:00+08:00', '2026-07-10T06:00:00+08:00')
    """
    if sent_at.tzinfo is None:
        raise InvalidInput("the message time needs a UTC offset", field="at")
    try:
        zone = ZoneInfo(tz)
    except (KeyError, ValueError) as exc:
        raise InvalidInput(f"unknown time zone {tz!r}", field="tz") from exc
    now = sent_at.astimezone(zone).replace(tzinfo=None)
    today = now.date()
    norm = normalize(text)
    mentions: list[_Mention] = []
    current: _Mention | None = None
    for m, kind in _scan(norm, now, today):
        if current is not None and (
            not _gap_ok(norm, current.end_pos, m.start())
            or kind in ("rel", "overnight")
            or current.fixed is not None
            or (kind == "day" and (current.day is not None or current.part or current.clock))
            or (kind == "part" and (current.part is not None or current.clock is not None))
            or (kind == "clock" and current.clock is not None)
        ):
            mentions.append(current)
            current = None
        if current is None:
            current = _Mention(m.start(), m.end())
        current.end_pos = max(current.end_pos, m.end())
        if kind == "rel":
            current.fixed = _relative(m, now, today)
        elif kind == "overnight":
            current.overnight = True
        elif kind == "day":
            day, part = _day_atom(m, today)
            current.day = day
            current.day_is_past = day is not None and day < today
            if part is not None and current.part is None:
                current.part = part
                if part == "night":
                    current.day_is_past = True
        elif kind == "part":
            current.part = m.group("part").lower()
        else:
            clock = _clock_atom(m)
            if clock is not None:
                hour, minute, qual, known = clock
                if qual == "" and _APPROX_BEFORE_RE.search(
                    norm[max(0, m.start() - 12) : m.start()]
                ):
                    qual = "approx"
                current.clock = (hour, minute, qual, known)
    if current is not None:
        mentions.append(current)

    habitual = _HABITUAL_RE.search(norm) is not None
    spans: list[tuple[datetime, datetime, float]] = []
    prev_day: date | None = None
    prev_part: str | None = None
    prev_start: datetime | None = None
    for mention in mentions:
        if (
            len(mentions) > 1
            and not mention.overnight
            and _PURCHASE_AFTER_RE.match(norm[mention.end_pos :])
        ):
            continue
        if mention.fixed is None and mention.day is None and prev_day is not None:
            mention.day = prev_day
            mention.day_is_past = prev_day < today
            mention.inherited_day = True
            if mention.part is None and mention.clock is not None:
                mention.part = prev_part
        if habitual and mention.day is None and mention.clock is None and mention.fixed is None:
            continue  # 每天晚上: no one event
        resolved = _resolve(mention, now, today, prev_start)
        if resolved is None:
            continue
        start, end, conf = resolved
        if mention.inherited_day and prev_start is not None and start < prev_start:
            # the story runs forward: 昨天晚上停的，早上发现 → the next morning
            shifted = replace(mention, day=(mention.day or today) + timedelta(days=1))
            shifted.day_is_past = shifted.day is not None and shifted.day < today
            again = _resolve(shifted, now, today, prev_start)
            if again is not None and again[0] <= now:
                start, end, conf = again
                mention = shifted
        if start > now:
            continue
        if mention.fixed is None and not mention.overnight:
            prev_day = mention.day if mention.day is not None else start.date()
        if mention.part is not None:
            prev_part = mention.part
        prev_start = start
        spans.append((start, min(end, now), conf))
    if not spans:
        if _NOW_RE.search(norm):
            return TimeInterval(
                (now - timedelta(minutes=30)).replace(tzinfo=zone), now.replace(tzinfo=zone), 0.5
            )
        return None
    start = min(s for s, _, _ in spans)
    end = max(e for _, e, _ in spans)
    if _ONGOING_RE.search(norm) or (
        mentions and _START_AFTER_RE.match(norm[mentions[-1].end_pos :])
    ):
        end = now
    confidence = min(c for _, _, c in spans) if len(spans) > 1 else spans[0][2]
    return TimeInterval(
        start=start.replace(tzinfo=zone),
        end=max(end, start).replace(tzinfo=zone),
        confidence=confidence,
    )

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

Widths (minutes) follow the words: ``N点`` → [−15, +30]; ``N点M分`` → [−5, +20];
``N点半`` → [−10, +30]; ``N点多`` → [0, +60]; ``N点左右`` → [−30, +30];
``N点前`` → [start of the part of day, t]; ``N点后`` → [t, end of the part of day].
两三点 → [−15 min, +2 h]. 刚才 → the last hour, 刚刚 → the last 30 minutes; ``N分钟前`` /
``N小时前`` → [now − 1.5·N, now] up to an hour, [N ± N/2] beyond; ``N分钟了`` / ``N小时内`` /
"for the last hour" → [now − 1.25·N, now]; 这两天 → since yesterday 00:00; 这几天 → since
00:00 four days ago; 最近 → the last seven days; 周末 → Saturday and Sunday; 早上 → 05:00
to 11:00; 昨晚 → 18:00 to 06:00; 夜里 → 20:00 to 06:00; 半夜 → 22:00 to 06:00; overnight
→ 18:00 the day before to 10:00.

Intervals by phrase (local time; "now" is the message time; a part of the day without a day
is its last occurrence begun):

=============================================  ==============================================
phrase                                         interval
=============================================  ==============================================
8点, 晚上8点, "8pm", "at 8 this morning"       [t − 15 min, t + 30 min]
8点20, 8:20, "at 8:20"                         [t − 5 min, t + 20 min]
8点半                                          [t − 10 min, t + 30 min]
8点多, 凌晨三点多                              [t, t + 60 min] (凌晨三点多: 03:00–04:00)
8点左右, 大概8点, "around 8", "about 8pm"      [t − 30 min, t + 30 min]
8点来钟                                        [t − 15 min, t + 30 min]
两三点, 七八点                                 [t − 15 min, t + 2 h]
两点到三点四十, "between 2 and 3 am"           [first − its window, second + 10 min]
"8ish", "8 o'clock"                            [t − 15 min, t + 30 min]
十来分钟前                                     [now − 15 min, now]
"the night before last"                        18:00 – 06:00, two nights back
"at 8" / 8点 with no part of the day           the latest of 08:00 and 20:00 already past
"8 in the morning", "at 8 last night"          the part picks the reading (08:00, 20:00)
半夜, 深夜                                     22:00–06:00; 后半夜 00:00–06:00
傍晚                                           17:00–20:00
中午, 中午吃饭的时候, 吃午饭, 午饭             11:00–14:00; 午休 11:30–14:30
晚饭, 吃晚饭的时候                             17:00–21:00; 天黑 17:00–24:00
下班回来(发现), 下班回家                       07:00 – now (gone while at work, found after)
上班的时候 / 上班路上 / 下班路上               07:00–19:00 / 06:00–10:00 / 16:30–21:00
放学的时候, 放学后                             15:00–19:00
睡觉的时候, 睡着                               21:00–07:00
前两天                                         00:00 three days back – 00:00 today
前几天, "a few days ago", "the other day"      00:00 seven days back – 00:00 today
上周, 上礼拜, 上个星期, "last week"            Monday 00:00 – Monday 00:00 of last week
上上周, 上上个礼拜, "the week before last"     the week before last week
=============================================  ==============================================

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
from itertools import pairwise
from zoneinfo import ZoneInfo

from pingan.algo.text._timewords import (
    APPROX_BEFORE_RE,
    ATOM_KINDS,
    ATOM_RE,
    EN_ATOM_RE,
    FILLER_RE,
    HABITUAL_RE,
    NIGHT_PARTS,
    NOW_RE,
    ONGOING_RE,
    PARTS,
    PM_PARTS,
    PURCHASE_AFTER_RE,
    START_AFTER_RE,
    clock_atom,
    clock_window,
    day_atom,
    hm,
    part_key,
    relative_span,
)
from pingan.algo.text.numbers import normalize
from pingan.errors import InvalidInput


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


#: Qualifiers of a clock time that mean "up to then" (``三点前``).
BEFORE_QUALIFIERS = ("前", "之前", "以前")


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


def _resolve(
    mention: _Mention, now: datetime, today: date, prev_start: datetime | None
) -> tuple[datetime, datetime, float] | None:
    """Resolve one mention to (start, end, confidence).

    None when it names no time that can have passed; ``prev_start`` is the start of the
    previous mention, if any.
    """
    if mention.fixed is not None:
        start, end = mention.fixed
        return start, end, 0.6
    if mention.overnight and mention.day is None and mention.clock is None:
        # Found in the morning: the night before the morning of the message day (or the last
        # morning already past).
        morning = today if now.hour >= 5 else today - timedelta(days=1)
        return hm(morning, -6), hm(morning, 10), 0.6
    if mention.clock is None:
        return _resolve_day_part(mention, now, today, prev_start)
    return _resolve_clock(mention, mention.clock, now, today, prev_start)


def _resolve_day_part(
    mention: _Mention, now: datetime, today: date, prev_start: datetime | None
) -> tuple[datetime, datetime, float] | None:
    """Resolve a mention without a clock time: a whole day, or a part of a day."""
    part = mention.part
    day = mention.day
    if part is None:
        if day is None:
            return None
        return hm(day, 0), hm(day, 24), 0.5
    lo, hi = PARTS[part]
    if part in ("晚", "晚上", "evening") and mention.day_is_past:
        hi = 30  # 昨晚 / 昨天晚上: the whole night
    if day is None:
        day = today if hm(today, lo) <= now else today - timedelta(days=1)
        if prev_start is not None and hm(day, lo) < prev_start <= now:
            day = prev_start.date()
            if hm(day, hi) < prev_start:
                day += timedelta(days=1)
    return hm(day, lo), hm(day, hi), 0.7


def _clock_hours(hour: int, minute: int, part: str | None, known: bool) -> list[float]:
    """List the readings of a clock time in hours after midnight.

    A bare ``3点`` is 3:00 or 15:00; a part of the day picks one, and night hours run
    past 24.
    """
    if known:
        return [hour + minute / 60]
    if part is None:
        readings = [hour + minute / 60]
        if hour < 12:
            readings.append(hour + 12 + minute / 60)
        elif hour == 12:
            readings.append(minute / 60)  # 十二点二十 said at one in the night: 00:20
        return readings
    h: float = hour
    if part == "evening" and h < 12:
        h += 12  # "at 5:40 this evening": no small hours in an English evening
    elif part in NIGHT_PARTS:
        if h < 6:
            h += 24
        elif h < 12:
            h += 12
        elif h == 12:
            h = 24
    elif (part in PM_PARTS and h < 12) or (part in ("中午", "午") and h <= 3):
        h += 12
    elif part == "凌晨" and h == 12:
        h = 0  # 凌晨十二点半: half past midnight
    return [h + minute / 60]


def _clock_span(
    d: date, h: float, hour: int, qual: str, part: str | None
) -> tuple[datetime, datetime, datetime]:
    """Read ``h`` o'clock on day ``d`` as (time, start, end).

    The span is a window around the time, the time up to it (``前``), or the time from it
    to the end of the part of the day.
    """
    t = hm(d, h)
    window = clock_window(qual)
    if window is not None:
        return t, t + timedelta(minutes=window[0]), t + timedelta(minutes=window[1])
    lo_part, hi_part = PARTS[part] if part else (0, 24)
    if qual in BEFORE_QUALIFIERS:
        start = hm(d, lo_part if part else 0)
        if part is None and hour < 12 and h >= 12:
            start = hm(d, 12)
        return t, start, t
    return t, t, hm(d, hi_part if part else 24)


def _resolve_clock(
    mention: _Mention,
    clock: tuple[int, int, str, bool],
    now: datetime,
    today: date,
    prev_start: datetime | None,
) -> tuple[datetime, datetime, float] | None:
    """Resolve a mention with a clock time: every reading in the past, narrowed to one."""
    hour, minute, qual, known = clock
    day = mention.day
    days = [day] if day is not None else [today, today - timedelta(days=1)]
    spans: list[tuple[datetime, datetime]] = []
    for d in days:
        for h in _clock_hours(hour, minute, mention.part, known):
            t, start, end = _clock_span(d, h, hour, qual, mention.part)
            if t > now and not (qual in BEFORE_QUALIFIERS and start <= now):
                continue
            spans.append((start, end))
    if not spans:
        return None
    if day is not None:
        # a known day with an ambiguous hour: keep every reading in the past
        return min(s for s, _ in spans), max(e for _, e in spans), 0.9
    best = max(spans, key=lambda se: se[0])
    if prev_start is not None:
        later = [se for se in spans if se[0] >= prev_start - timedelta(hours=1)]
        if later:
            best = min(later, key=lambda se: se[0])
    return best[0], best[1], 0.9


def _gap_ok(text: str, a: int, b: int) -> bool:
    return b - a <= 12 and bool(FILLER_RE.match(text[a:b]))


def _scan(text: str) -> list[tuple[re.Match[str], str]]:
    atoms: list[tuple[re.Match[str], str]] = []
    for regex in (ATOM_RE, EN_ATOM_RE):
        for m in regex.finditer(text):
            found = m.groupdict()
            kind = next(k for k in ATOM_KINDS if found.get(k))
            kind = "rel" if kind in ("span", "ndays", "within", "weekend") else kind
            atoms.append((m, kind))
    atoms.sort(key=lambda a: (a[0].start(), -a[0].end()))
    kept: list[tuple[re.Match[str], str]] = []
    for atom in atoms:
        if kept and atom[0].start() < kept[-1][0].end():
            continue  # "2:30am" read by both patterns: the longer reading wins
        kept.append(atom)
    return kept


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
    norm = _SPOKEN_TAIL_RE.sub("", _EARLY_CLASS_RE.sub("早上八点", normalize(text)))
    mentions = _mentions(norm, now)
    _share_half_of_day(norm, mentions)
    spans = _mention_spans(norm, mentions, now)
    if not spans:
        if NOW_RE.search(norm):
            return TimeInterval(
                (now - timedelta(minutes=30)).replace(tzinfo=zone), now.replace(tzinfo=zone), 0.5
            )
        return None
    start = min(s for s, _, _ in spans)
    end = max(e for _, e, _ in spans)
    if ONGOING_RE.search(norm) or (mentions and START_AFTER_RE.match(norm[mentions[-1].end_pos :])):
        end = now
    confidence = min(c for _, _, c in spans) if len(spans) > 1 else spans[0][2]
    return TimeInterval(
        start=start.replace(tzinfo=zone),
        end=max(end, start).replace(tzinfo=zone),
        confidence=confidence,
    )


def _mentions(norm: str, now: datetime) -> list[_Mention]:
    """Group the time words of a normalised message into mentions (``昨天晚上十点`` is one)."""
    mentions: list[_Mention] = []
    current: _Mention | None = None
    for m, kind in _scan(norm):
        if current is not None and _ends_mention(norm, current, m, kind):
            mentions.append(current)
            current = None
        if current is None:
            current = _Mention(m.start(), m.end())
        current.end_pos = max(current.end_pos, m.end())
        _add_atom(norm, current, m, kind, now)
    if current is not None:
        mentions.append(current)
    return mentions


def _ends_mention(norm: str, current: _Mention, m: re.Match[str], kind: str) -> bool:
    """Whether the atom ``m`` starts a new mention instead of adding to ``current``."""
    return (
        not _gap_ok(norm, current.end_pos, m.start())
        or kind in ("rel", "overnight")
        or current.fixed is not None
        # a day or a part after a clock joins it ("at 8 last night", "8 in the morning")
        or (kind == "day" and (current.day is not None or bool(current.part)))
        or (kind == "part" and current.part is not None)
        or (kind == "clock" and current.clock is not None)
    )


def _add_atom(norm: str, current: _Mention, m: re.Match[str], kind: str, now: datetime) -> None:
    """Add what the atom ``m`` of ``kind`` says to the mention ``current``."""
    today = now.date()
    if kind == "rel":
        current.fixed = relative_span(m, now, today)
    elif kind == "overnight":
        current.overnight = True
    elif kind == "day":
        day, part = day_atom(m, today)
        current.day = day
        current.day_is_past = day is not None and day < today
        if part is not None and current.part is None:
            current.part = part
            if part == "night":
                current.day_is_past = True
    elif kind == "part":
        current.part = part_key(m.group("part"))
    else:
        clock = clock_atom(m)
        if clock is not None:
            hour, minute, qual, known = clock
            if qual == "" and APPROX_BEFORE_RE.search(norm[max(0, m.start() - 12) : m.start()]):
                qual = "approx"
            current.clock = (hour, minute, qual, known)


@dataclass
class _Story:
    """What the mentions read so far say, for the next one: its day, part and start."""

    day: date | None = None
    part: str | None = None
    start: datetime | None = None


def _mention_spans(
    norm: str, mentions: list[_Mention], now: datetime
) -> list[tuple[datetime, datetime, float]]:
    """Resolve every mention that names an event in the past, in order.

    A mention without a day takes the day of the one before it.
    """
    today = now.date()
    habitual = HABITUAL_RE.search(norm) is not None
    spans: list[tuple[datetime, datetime, float]] = []
    story = _Story()
    prev: _Mention | None = None
    for mention in mentions:
        until = _range_end(norm, prev, mention, story)
        prev = mention
        if until is not None and story.start is not None:
            # 两点到三点四十, 十一点四十到十二点十分: from the first clock to the second
            spans.append((story.start, min(until + timedelta(minutes=10), now), 0.9))
            continue
        if (
            len(mentions) > 1
            and not mention.overnight
            and PURCHASE_AFTER_RE.match(norm[mention.end_pos :])
        ):
            continue
        _inherit_day(mention, story, today)
        if habitual and mention.day is None and mention.clock is None and mention.fixed is None:
            continue  # 每天晚上: no one event
        resolved = _resolve_forward(mention, now, story.start)
        if resolved is None:
            continue
        mention, (start, end, conf) = resolved
        if start > now:
            continue
        if mention.fixed is None and not mention.overnight:
            story.day = mention.day if mention.day is not None else start.date()
        if mention.part is not None:
            story.part = mention.part
        story.start = start
        spans.append((start, min(end, now), conf))
    return spans


def _share_half_of_day(norm: str, mentions: list[_Mention]) -> None:
    """Give the first clock of a range the half of the day of the second ("between 2 and 3 am")."""
    for first, second in pairwise(mentions):
        if (
            first.clock is None
            or second.clock is None
            or first.clock[3]
            or not second.clock[3]
            or not _RANGE_LINK_RE.match(norm[first.end_pos : second.start_pos])
        ):
            continue
        hour, minute, qual, _ = first.clock
        pm = second.clock[0] >= 12 and hour < 12 and hour + 12 <= second.clock[0]
        first.clock = (hour + 12 if pm else hour, minute, qual, True)


#: 早八: students' eight o'clock class, eight in the morning.
_EARLY_CLASS_RE = re.compile(r"早八(?![点时])")
#: Spoken tails of northern day words: 今儿个 / 前儿个 → 今儿 / 前儿, 傍黑儿 → 傍黑.
_SPOKEN_TAIL_RE = re.compile(r"(?<=[今昨前]儿)个|(?<=傍黑)儿")
_RANGE_LINK_RE = re.compile(r"^\s*(?:到|至|-|~|—|–|to|and|until|till)\s*$", re.IGNORECASE)


def _range_end(
    norm: str, prev: _Mention | None, mention: _Mention, story: _Story
) -> datetime | None:
    """Read the second clock of a range (``A到B``) as the first such time after A, or None."""
    if (
        prev is None
        or prev.clock is None
        or mention.clock is None
        or story.start is None
        or mention.day is not None
        or not _RANGE_LINK_RE.match(norm[prev.end_pos : mention.start_pos])
    ):
        return None
    hour, minute, _, known = mention.clock
    readings = [hour + minute / 60]
    if not known and hour < 12:
        readings.append(hour + 12 + minute / 60)
    if not known and hour == 12:
        readings.append(minute / 60)  # 十二点十分 after 十一点四十 at night: 00:10
    if mention.part is not None and mention.part in PARTS:
        readings = _clock_hours(hour, minute, mention.part, known)  # 早上七点到晚上八点四十
    first = story.start
    times = [hm(first.date() + timedelta(days=extra), h) for extra in (0, 1) for h in readings]
    later = [t for t in times if first + timedelta(minutes=20) < t <= first + timedelta(hours=14)]
    return min(later) if later else None


def _inherit_day(mention: _Mention, story: _Story, today: date) -> None:
    """Give a mention without a day of its own the story's day (and part, for a clock)."""
    if mention.fixed is None and mention.day is None and story.day is not None:
        mention.day = story.day
        mention.day_is_past = story.day < today
        mention.inherited_day = True
        if mention.part is None and mention.clock is not None:
            mention.part = story.part


def _resolve_forward(
    mention: _Mention, now: datetime, prev_start: datetime | None
) -> tuple[_Mention, tuple[datetime, datetime, float]] | None:
    """Resolve a mention, moving it forward a day when the story says so.

    A mention whose day was inherited and that would run back before the previous mention
    moves to the next day, if that day has begun (the story runs forward: 昨天晚上停的，
    早上发现 → the next morning).
    """
    today = now.date()
    resolved = _resolve(mention, now, today, prev_start)
    if resolved is None:
        return None
    if mention.inherited_day and prev_start is not None and resolved[0] < prev_start:
        shifted = replace(mention, day=(mention.day or today) + timedelta(days=1))
        shifted.day_is_past = shifted.day is not None and shifted.day < today
        again = _resolve(shifted, now, today, prev_start)
        if again is not None and again[0] <= now:
            return shifted, again
    return mention, resolved

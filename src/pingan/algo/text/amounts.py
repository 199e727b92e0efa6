"""Money amounts in yuan: 5万 → 50000, 1.5万 → 15000, 两千多 → 2000, 3k, ¥800, 八百元.

An amount is a number with a money marker: a unit (万, 千, k, w) or a currency word (元, 块,
¥, RMB, yuan). "多"/"几"/"来"/"出头" after a number ("两千多", "一万出头") keep the lower
bound, also before the unit ("二十多万" → 200000, "十来万" → 100000, "20多万"). A digit right
after the unit is its tenths ("1w2" → 12000, "3k5" → 3500); "3,000 RMB" has a thousands
comma. When a message
names several amounts, the largest one is the amount of the report (the loss or the value).
Numbers that are part of phone numbers, clock times, dates or plates are not amounts.
"""

from __future__ import annotations

import re

from pingan.algo.text.numbers import CN_NUMERAL_DIGITS, normalize, parse_cn_amount

_NUMBER = r"\d{1,3}(?:,\d{3})+(?![\d])|\d+(?:\.\d+)?"
_CN_AMOUNT = "[" + CN_NUMERAL_DIGITS + "十百千万亿几]+"

_AMOUNT_RE = re.compile(
    r"(?:(?P<cur1>¥|￥|rmb|cny)\s*(?P<n1>" + _NUMBER + r")(?:\s*(?P<u1>万|千|k|w))?)"
    r"|(?<![\d.])(?P<n2>" + _NUMBER + r")\s*(?P<u2>万|千|百|k(?![a-z])|w(?![a-z])|grand\b)?"
    r"(?:(?<=[万千kw])(?P<tail>\d)(?![\d.]))?"
    r"(?P<more2>多|来|余)?(?P<u2b>(?<=[多来余])(?:万|千|w|k))?\s*"
    r"(?P<cur2>块钱|块|元|rmb|yuan|kuai|人民币)?"
    r"|(?P<cn>" + _CN_AMOUNT + r")(?P<more3>多|来|余)?(?P<u3>(?<=[多来余])[万千])?\s*"
    r"(?P<cur3>块钱|块|元|人民币)?",
    re.IGNORECASE,
)
_PHONE_RE = re.compile(
    r"(?<!\d)(?:\+?86[\s-]?)?(?P<mobile>1[3-9]\d(?:[\s-]?\d{4}){2})(?!\d)"
    r"|(?<!\d)(?P<landline>0\d{2,3}-?\d{7,8})(?!\d)"
)
_MONEY_CONTEXT = re.compile(
    r"(?:骗|转|付|赔|损失|价值|花了|买的|借|贷|充|押金|定金|工资|交|打了|给了|亏|投|收了|欠|一共|解冻"
    r"|扣了|垫了|输光|输了|[货欠罚]款|路费|班费|lost|paid)"
)
_PAY_BEFORE_RE = re.compile(
    r"(?:转了|付了|交了|充了|骗了|被骗|骗走|转账|付款|花了|收了|扣了|赔了|充值|损失|一共|共计|总共"
    r"|paid|lost|transferred|moved|sent|spent|took|gave|an?)\s*(?:them|him|her|the scammers?)?\s*$",
    re.IGNORECASE,
)
_MONEY_AFTER_RE = re.compile(
    r"\s*(?:押金|定金|的(?:裤子|衣服|东西|鞋|包)|解冻|手续费|保证金|cash|gone|\W?unfreeze|to them"
    r"|to a |yuan|rmb)",
    re.IGNORECASE,
)
#: Words right before an amount that make it the loss (被骗了5万, 转了3000).
_LOSS_BEFORE_RE = re.compile(
    r"(?:骗|骗了|被骗|骗走|损失|转了|转走|亏了|交了?|付了?|投了?|垫了|扣了|lost|transferred|moved)\s*$",
    re.IGNORECASE,
)
_PLATE_RE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][·\s-]?[A-Z0-9]{5,6}"
)
_MEASURE_NOUN_RE = re.compile(r"(?:电瓶|电池|手表|表|砖|玻璃|石头|牌|地|屏|肉|蛋糕|钢筋)")
#: 千把块, 万把块: about one thousand, one ten thousand (read as 一千, 一万; same length).
_ABOUT_ONE_RE = re.compile(r"(?<![\d" + CN_NUMERAL_DIGITS + r"十])([百千万])把(?=块|元|钱)")
_AMOUNT_END = ("", "，", ",", "。", " ", "的", "啊", "呢")
#: Words after a numeral that say it is a rough sum (一万出头, 两千左右).
_ABOUT = ("出头", "左右", "上下")


def find_amounts(text: str) -> list[int]:
    """All money amounts in a message, in yuan, in reading order.

    Parameters
    ----------
    text
        The message.

    Returns
    -------
    list of int
        Amounts in yuan.

    Examples
    --------
    >>> find_amounts("被骗了1.5万，之前还转了两千多")
    [15000, 2000]
    """
    return [value for value, _ in _amounts(text)]


_UNIT_FACTORS = {"万": 10_000, "w": 10_000, "千": 1000, "k": 1000, "grand": 1000, "百": 100}


def _amounts(text: str) -> list[tuple[int, bool]]:
    """List (amount in yuan, whether words mark it as the loss) in reading order."""
    norm = normalize(text)
    masked = _PHONE_RE.sub(lambda m: "#" * len(m.group(0)), norm)
    masked = _PLATE_RE.sub(lambda m: "#" * len(m.group(0)), masked)
    masked = masked.replace("二手", "#手")  # 一千八二手买的: 二手 is second-hand, no digit
    masked = _ABOUT_ONE_RE.sub(lambda m: "一" + m.group(1), masked)  # 千把块: about a thousand
    out: list[tuple[int, bool]] = []
    money_story = _MONEY_STORY_RE.search(masked) is not None
    for m in _AMOUNT_RE.finditer(masked):
        if m.group("n1"):
            value: int | None = _scaled(
                float(m.group("n1").replace(",", "")), (m.group("u1") or "").lower()
            )
        elif m.group("n2"):
            value = _digit_amount(masked, m)
        else:
            value = _numeral_amount(masked, m)
        if value is None and money_story:
            value = _bare_amount(masked, m)
        if value is not None:
            out.append((value, _is_loss(masked, m.start())))
    return out


#: Words that make a message a story about money: its bare numbers (2500买的, 一千八) are yuan.
_MONEY_STORY_RE = re.compile(
    r"骗|转|交|付|买|卖|投|借|贷|罚|赔|钱|现金|收银|钱箱|钱包|没了|被偷|被抢|抢了|偷了|丢了|价|费|工资|押金|"
    r"提现|充|垫|分红|返|欠|扒|盗|损失|偷|抢|赚|佣金|购|办了|进去了|扣了|拿走|顺走|输光"
    r"|\b(?:worth|cost|costs|charged|paid|pay|price|lost|sent|transferred|deposit|fee|cash"
    r"|scam\w*|stolen|robbed|owe\w*)\b"
)
#: What may not follow a bare number that is money (counts, measures, times, places).
_NOT_MONEY_AFTER_RE = re.compile(
    r"\s*(?:点|号|栋|楼|幢|单元|室|分|米|公里|km|天|个|人|岁|路|次|年|月|日|度|层|斤|克|瓦|毫安|条|单|张"
    r"|宿舍|寝室|房|班|保障|医疗"
    r"|部|台|辆|块(?:电|砖|表)|%"
    r"|(?i:km|m|cm|mm|kg|g|meters?|metres?|people|persons?|steps?|times|years?|days?|weeks?"
    r"|months?|minutes?|mins?|hours?|hrs?|floors?|am|pm|o'?clock)\b)|[A-Za-z]"
)


#: English words before a number that names a thing (room 1203, bus 1105, flight 8871).
_NUMBERED_BEFORE_RE = re.compile(
    r"\b(?:room|rm|no\.?|number|bus|line|flat|apt|apartment|unit|building|block|gate|exit"
    r"|platform|route|seat|floor|flight|train|tel|phone|code|id|order)\s*$",
    re.IGNORECASE,
)


def _bare_amount(masked: str, m: re.Match[str]) -> int | None:
    """Read a bare number in a story about money as yuan (2500买的, 一千八), else None."""
    if _NOT_MONEY_AFTER_RE.match(masked, m.start() + len(m.group(0).rstrip())):
        return None  # a letter right after the number (5km, 3pcs), a word of measure after it
    if m.group("n2"):
        raw = m.group("n2").replace(",", "")
        before = masked[max(0, m.start() - 1) : m.start()]
        if m.group("u2") or not raw.isdigit() or len(raw) < 3 or len(raw) > 7:
            return None
        if (before.isascii() and before.isalnum()) or before in ("-", ":", "/", "#", "."):
            return None
        if _NUMBERED_BEFORE_RE.search(masked[max(0, m.start() - 12) : m.start()]):
            return None  # room 1203, bus 1105: a number that names a thing
        if raw.startswith(("19", "20")) and len(raw) == 4 and masked.startswith("年", m.end()):
            return None
        return int(raw)
    token = m.group("cn")
    if not token or len(token) < 2 or not any(u in token for u in "百千万"):
        return None
    if token[0] not in CN_NUMERAL_DIGITS + "十":  # 万一起火, 百万保障
        return None
    parsed = parse_cn_amount(token)
    if parsed is not None and m.group("u3"):
        parsed *= _UNIT_FACTORS[m.group("u3")]
    return parsed


def _scaled(value: float, unit: str) -> int:
    """Multiply by the unit (万, 千, k …) and round to whole yuan."""
    return round(value * _UNIT_FACTORS.get(unit, 1))


def _digit_amount(masked: str, m: re.Match[str]) -> int | None:
    """Read an amount written in digits (``500元``, ``2千``), or None when it is no amount."""
    unit = (m.group("u2") or m.group("u2b") or "").lower()
    cur = m.group("cur2")
    if not cur and unit not in ("万", "k", "w", "千", "grand"):
        context = masked[max(0, m.start() - 8) : m.end() + 4]
        verb_before = _PAY_BEFORE_RE.search(masked[max(0, m.start() - 14) : m.start()])
        money_after = _MONEY_AFTER_RE.match(masked, m.end())
        if not (
            (m.group("more2") and _MONEY_CONTEXT.search(context)) or verb_before or money_after
        ):
            return None
    unit_end = m.end("u2") if m.group("u2") else m.end()
    after = masked[unit_end : unit_end + 1]  # 5km is no amount; "50k by" is
    if unit in ("k",) and after.isalpha() and after.isascii():
        return None
    if not cur and unit == "千" and after and after in "米克瓦卡":
        return None
    if cur == "块" and _MEASURE_NOUN_RE.match(masked, m.end()):
        return None  # 两块电瓶: 块 counts things here
    value = float(m.group("n2").replace(",", ""))
    before = masked[max(0, m.start() - 1) : m.start()]
    if before in ("-", ":", "/"):
        return None
    if m.group("tail"):
        value += int(m.group("tail")) / 10  # 1w2, 3k5: the next digit is tenths of the unit
    return _scaled(value, unit)


def _numeral_amount(masked: str, m: re.Match[str]) -> int | None:
    """Read an amount in Chinese numerals (``两千块``, ``一万五``), or None when it is none."""
    token = m.group("cn")
    cur = m.group("cur3")
    if masked.startswith(("保障", "医疗"), m.end()):
        return None
    if not cur and not m.group("u3") and (not any(u in token for u in "千万亿") or len(token) == 1):
        return None
    if cur == "块" and _MEASURE_NOUN_RE.match(masked, m.end()):
        return None
    parsed = parse_cn_amount(token)
    if parsed is None:
        return None
    if m.group("u3"):
        parsed *= _UNIT_FACTORS[m.group("u3")]  # 二十多万, 十来万: the unit follows 多 / 来
    # 三千米, 一万步: a bare numeral needs money words nearby
    context = masked[max(0, m.start() - 8) : m.end() + 4]
    end = m.start() + len(m.group(0).rstrip())  # the space after the numeral ends it
    if (
        not cur
        and not _MONEY_CONTEXT.search(context)
        and masked[end : end + 1] not in _AMOUNT_END
        and not masked.startswith(_ABOUT, end)
    ):
        return None
    return parsed


def _is_loss(masked: str, start: int) -> bool:
    return _LOSS_BEFORE_RE.search(masked[max(0, start - 14) : start]) is not None


def find_amount_yuan(text: str) -> int | None:
    """Return the amount of the report in yuan, or None.

    The largest amount that words mark as the loss (被骗了, 转了, 损失), else the largest amount.
    """
    found = [(a, loss) for a, loss in _amounts(text) if a > 0]
    losses = [a for a, loss in found if loss]
    if losses:
        return max(losses)
    return max(a for a, _ in found) if found else None

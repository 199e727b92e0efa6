"""Cues that money has already moved or is moving now: what makes a screening red.

General linguistic cues, not sentences: a transfer verb in the past or progressive aspect
with an amount or a count (已经转了两万, 刚转, 正在转, 陆续打了, 汇过两次), money handed or
drawn out for the other side (取出来给了, 打到他们账上), the keys of an account handed over
(验证码给了, 卡号发给, 密码告诉人家了), a remote or screen-sharing app installed and on (装了
…软件, 开了屏幕共享), a loss counted (损失六千, 被骗了三万), the caller still on the line,
and the same in English ("I already sent", "he's on the line"). A cue negated just before
(还没转, 没给, haven't sent) does not count.
"""

from __future__ import annotations

import re

__all__ = ["money_moved"]

_NUM = r"(?:\d|[一二两三四五六七八九十几百千万仟佰]|半)"
_NOT = r"(?<!没)(?<!没有)(?<!不)(?<!别)(?<!未)(?<!还没)"
_VERB = r"(?:转|汇|打|付|交|充|存|投|给|垫|缴|借给|取)"

_CUES_ZH = (
    # past or progressive aspect with an amount or a count
    rf"{_NOT}(?:已经|已|刚刚?|才|又|陆续|前后|先后|一共|总共)[^，。,.!?！？]{{0,4}}{_VERB}(?:了|过)?"
    rf"[^，。,.!?！？]{{0,8}}{_NUM}",
    rf"{_NOT}{_VERB}(?:了|过)[^，。,.!?！？]{{0,6}}{_NUM}+\s*(?:块|元|万|千|百|笔|次|w|k|多)",
    rf"{_NOT}(?:正在|在|还在)(?:给[^，。,.!?！？]{{0,4}}|往[^，。,.!?！？]{{0,4}})?"
    r"(?:转|汇|付|打款|操作|充)",
    r"(?:共享|远程|软件|会议)[^。!?！？]{0,8}(?:还开着|现在开着|开着呢|一直开着)",
    # the teller's "I did": a transfer verb closing its clause
    rf"(?:我|俺|她|他|我们|也){_NOT}(?:又|也|都|就)?(?:交|付|转|垫|报|充|补|汇|打|扫码付|下|过咗|畀咗)"
    r"(?:了|完了?|咗)(?=$|[\s，。,.!?！？]|(?:他|她|对方|钱|过去))",
    rf"{_NOT}(?:充|交|付|转|补)完(?:了)?",
    r"(?:已经|又)?(?:过咗|畀咗|俾咗)",
    rf"{_NOT}(?:钱|款)?(?:转|打|汇|充|投|存)(?:了)?(?:钱)?(?:过去|进去|出去)",
    rf"把[^，。,.!?！？]{{0,10}}{_NOT}(?:转|充|打|交|汇|投|存)(?:给|进|到|过|出)[^，。,.!?！？]{{0,4}}了",
    rf"{_NOT}(?:已经|刚刚?|又|直接|也)[^，。,.!?！？]{{0,4}}(?:交|付|转|补|充|打|汇|垫)"
    r"(?:了|给|进去|过去|完)",
    rf"{_NOT}{_VERB}(?:了|过)\d{{2,}}",
    r"(?:钱|块钱)[^，。,.!?！？]{0,2}(?:转|打|付)(?:了|给(?:他|她|对方)了)|扣了我",
    rf"{_NOT}(?:付|交|转|打|汇)了(?:钱|款|定金|订金|运费|押金|会员费|手续费|保证金|解冻费|认证费)",
    rf"(?:输|赔)了[^，。,.!?！？]{{0,4}}{_NUM}|都没了|亏完了?",
    r"(?:打算|准备|还要|正在凑钱|凑钱)(?:再)?(?:去)?(?:转|汇|交|打)",
    # money handed over or drawn for the other side
    rf"{_NOT}(?:取|拿)(?:了|出来?|出了)[^，。!?！？]{{0,12}}(?:给了|交给|转给|汇给|打给|给来)",
    rf"{_NOT}(?:打|转|汇|存)(?:到|进)(?:了)?[^，。,.!?！？]{{0,8}}(?:账上|账户|卡上|卡里|平台|里面)(?:了|去了)",
    rf"{_NOT}(?:都|全)(?:给|转给|交给|打给)(?:了|他|她|对方|人家)",
    rf"{_NOT}我给了(?!你)",
    # the keys of an account handed over
    rf"(?:验证码|卡号|密码|银行卡号|身份证号)[^，。,.!?！？]{{0,8}}{_NOT}(?:给了|告诉了|发给了|"
    r"报给了|告诉(?:他|她|对方|人家)|给(?:他|她|对方|人家)了|都告诉)",
    # an app installed and on, the other side watching
    rf"{_NOT}(?:装|下|下载|安装)了[^，。!?！？]{{0,10}}(?:软件|app|会议|共享)",
    rf"{_NOT}(?:开了|开着|正开着|打开了)[^，。,.!?！？]{{0,4}}(?:屏幕共享|共享屏幕|共享|远程)",
    # a loss counted, the money gone
    rf"(?:损失|被骗(?:了|走)?|被转走|少了|亏了)[^，。,.!?！？]{{0,4}}{_NUM}",
    r"(?:钱|存款|积蓄)[^，。,.!?！？]{0,6}(?:被转走|没了|转走了|转出去了)",
    # the caller keeping the victim on the line, the money about to go
    r"不(?:肯|让)挂(?:电话)?",
)

_CUES_EN = (
    r"\bi(?:'ve| have| had)? (?:already |just |then )*(?:sent|transferred|paid|wired|gave|"
    r"deposited|topped up|lost|moved)\b",
    r"\b(?:already|just) (?:sent|transferred|paid|wired|gave|deposited|lost)\b",
    r"\b(?:gave|told|sent|read) (?:him|her|them|the caller)(?: \w+){0,3} (?:the )?"
    r"(?:code|card number|password|pin|otp)",
    r"\b(?:he|she|they)(?:'s|'re| is| are) (?:still )?on the (?:line|phone)\b",
    r"\b(?:installed|downloaded) (?:the |an? )?\w*(?: \w+)? ?(?:app|software)\b",
    r"\bsharing (?:my|the) screen\b",
    r"\b(?:i'?m|i am) (?:transferring|sending|paying|wiring)\b",
    r"\b(?:sent|paid|transferred|wired|lost|bet)(?: \w+){0,3} [\d,]{3,}",
    r"\bpaid (?:the|a|my) (?:deposit|fee|tax)",
    r"\b(?:and i did|did it|i'?ve done|it'?s still (?:open|on))",
    r"\bnow (?:he|she|they)(?:'s| is| are) in my",
    r"\bon my way to the (?:bank|atm)\b",
)

_PATTERN = re.compile("|".join(f"(?:{p})" for p in (*_CUES_ZH, *_CUES_EN)), re.IGNORECASE)
_NEGATED_EN = re.compile(r"\b(?:not|n't|never|haven'?t|didn'?t)\b[^.]{0,12}$", re.IGNORECASE)


def money_moved(norm: str) -> str | None:
    """Find the words that show money moved or moving, or None.

    Parameters
    ----------
    norm
        Text normalised by :func:`~pingan.algo.text.fraud.rules.normalize_situation`.

    Returns
    -------
    str or None
        The first matching words not negated just before them.

    Examples
    --------
    >>> money_moved("他让我转钱 我已经转了两万")
    '已经转了两万'
    >>> money_moved("他让我转钱 我还没转") is None
    True
    """
    for m in _PATTERN.finditer(norm):
        if _NEGATED_EN.search(norm[max(0, m.start() - 16) : m.start()]):
            continue
        return m.group(0).strip()
    return None

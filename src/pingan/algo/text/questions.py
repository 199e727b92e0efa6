"""Whether a chat message asks something (a question the police should answer).

Model
-----
A message is a question when, after full-width punctuation is made ASCII and trailing
emoji, tildes, closing punctuation and a short bracketed remark are dropped,

- it holds a question mark, or
- a clause ends with the particle 吗 or 么 (``能报警吗``, ``有人管么。``; not the 么 of
  什么, 这么, 那么, 怎么, 多么, 要么), or
- it holds an asking phrase (:data:`ASKING`: 请问, 怎么办, 怎么, 如何, 能不能, 可不可以,
  有没有, 是不是, 为什么, 什么时候, 在哪, 哪里, 几点, 多久 …), unless the phrase is used as an
  adverb (:data:`NOT_ASKING`: 不怎么, 怎么也, 怎么都, 没什么, 不管怎么),
- or, in English, it starts with an asking word (how, what, when, where, why, who, can,
  could, is, are, do, does …).

A report may ask too (``电动车被偷了怎么办``): the two are independent.
"""

from __future__ import annotations

import re

from pingan.algo.text.numbers import normalize

#: Phrases that ask, in clauses of group-chat messages.
ASKING: tuple[str, ...] = (
    "请问",
    "请教",
    "想问",
    "问一下",
    "问下",
    "咨询",
    "怎么办",
    "怎么",
    "怎样",
    "咋办",
    "咋",
    "如何",
    "能不能",
    "能否",
    "可不可以",
    "可否",
    "有没有",
    "是不是",
    "为什么",
    "为啥",
    "什么时候",
    "啥时候",
    "几点",
    "多久",
    "在哪",
    "哪里",
    "哪儿",
    "哪个",
    "谁知道",
    "有人知道",
)

#: The same characters used as adverbs or in statements: masked before :data:`ASKING` is
#: looked for.
NOT_ASKING: tuple[str, ...] = ("不怎么", "怎么也", "怎么都", "没什么", "不管怎么", "无论如何")

_ENGLISH_ASKING = re.compile(
    r"^(?:how|what|when|where|why|who|which|can|could|would|will|should|is|are|do|does|did|"
    r"anyone|any)\b",
    re.IGNORECASE,
)
_ASKING_RE = re.compile("|".join(re.escape(p) for p in sorted(ASKING, key=len, reverse=True)))
_NOT_ASKING_RE = re.compile("|".join(re.escape(p) for p in NOT_ASKING))
#: 吗 / 么 closing a clause (before punctuation, a space or the end).
_PARTICLE_RE = re.compile(r"(?:吗|(?<![什这那怎多要])么)(?=[\s,.!;:，。！；：~～…]|$)")
#: What a message may end with after its last word: emoji, tildes, dots, closing marks, a
#: short remark in brackets (``（急）``, ``（模拟）``).
_TAIL_RE = re.compile(
    r"(?:[\s.!~～…。！)\]】\U0001F300-\U0001FAFF\u2600-\u27BF]|\([^()]{0,10}\))+$"
)


def is_question(text: str) -> bool:
    """Whether ``text`` asks something.

    Examples
    --------
    >>> is_question("请问晚上几点以后不能在广场摆摊")
    True
    >>> is_question("我家电动车被偷了，能报警吗")
    True
    >>> is_question("收到，谢谢民警同志！")
    False
    >>> is_question("我怎么也找不到钥匙了")
    False
    """
    norm = normalize(text).strip()
    if not norm:
        return False
    if "?" in norm:
        return True
    body = _NOT_ASKING_RE.sub("", _TAIL_RE.sub("", norm))
    if _PARTICLE_RE.search(body) or _ASKING_RE.search(body):
        return True
    return bool(_ENGLISH_ASKING.match(body))

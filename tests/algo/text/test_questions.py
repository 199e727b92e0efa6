"""Whether a group-chat message asks something: real messages of police–citizen groups."""

from __future__ import annotations

import pytest

from pingan.algo.text.questions import is_question

ASKING = [
    "请问办居住证是去派出所还是社区？",
    "请问晚上几点以后不能在广场摆摊",
    "我家电动车被偷了，能报警吗",
    "东门那边有人打架，民警能来看看吗😭",
    "电瓶车被偷了怎么办",
    "派出所几点上班?",
    "东门的路灯坏了有人管么。",
    "小区门口的监控是不是坏了",
    "有人知道社区医院周末开门吗",
    "今天反诈讲座在哪里开",
    "身份证丢了补办要多久～",
    "我家电动车被偷了，能报警吗（急）",
    "Is the night market open tonight",
]
TELLING = [
    "收到，谢谢民警同志！",
    "王警官辛苦了👍",
    "我怎么也找不到钥匙了",
    "没什么。",
    "好的👍",
    "明天社区有反诈宣传，大家记得来",
    "这么晚了还在巡逻，辛苦",
    "那么多人排队",
    "幸福路菜市场门口有两个人打起来了 有人流血了 快来人",
    "Thanks officer!",
    "好的，明白了（模拟）",
    "",
]


@pytest.mark.parametrize("text", ASKING)
def test_questions_are_recognised(text: str) -> None:
    assert is_question(text) is True


@pytest.mark.parametrize("text", TELLING)
def test_statements_are_not_questions(text: str) -> None:
    assert is_question(text) is False

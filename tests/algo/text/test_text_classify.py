"""Incident type, fraud type, report or chatter."""

from __future__ import annotations

import pytest

from pingan.algo.text.classify import classify


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("我的电瓶车昨晚被偷了", "theft.ebike"),
        ("孩子的红色捷安特自行车在学校门口被偷了", "theft.bicycle"),
        ("在菜市场买菜手机被偷了", "theft.phone"),
        ("家里进贼了 门锁被撬", "theft.burglary"),
        ("车窗被砸了 车里的包被拿走了", "theft.vehicle"),
        ("放在门口的快递被人拿走了", "theft.other"),
        ("两个骑摩托的飞车抢包", "robbery"),
        ("烧烤摊有人打架 已经流血了", "assault"),
        ("房东不退押金 还骂人", "dispute"),
        ("楼上放音乐唱歌 吵死了", "noise"),
        ("楼道里有人飞线充电", "fire_hazard"),
        ("路口追尾了 三辆车", "traffic"),
        ("我爸出门到现在没回家 有点老年痴呆", "missing_person"),
        ("有两个人鬼鬼祟祟的一直在看电动车的锁", "suspicious"),
        ("那家棋牌室天天晚上聚赌", "vice"),
        ("my e-bike was stolen last night, the lock was cut", "theft.ebike"),
    ],
)
def test_incident_types(text: str, kind: str) -> None:
    verdict = classify(text)
    assert verdict.type == kind
    assert verdict.is_report


@pytest.mark.parametrize(
    ("text", "fraud_type"),
    [
        ("做刷单任务 垫付了五千提不了现 被骗了", "rebate_task"),
        ("导师荐股 在平台上投资 被骗20万", "investment"),
        ("闲鱼上买二手手机 卖家一直不发货 被骗了", "fake_shopping"),
        ("自称京东客服说百万保障要关闭 让我屏幕共享 被骗了", "customer_service"),
        ("网上申请贷款 交了解冻费 一直不放款 被骗", "loan"),
        ("说我校园贷没注销影响征信 转了2.8万 被骗了", "credit_record"),
        ("头像名字都是我们领导 让我转5万 被骗了", "impersonating_acquaintance"),
        ("自称公安局说我涉嫌洗钱 要转到安全账户 被骗", "impersonating_officials"),
        ("网恋对象说来见面要机票钱 被骗了", "romance"),
        ("买王者荣耀皮肤被骗了600", "game_trade"),
    ],
)
def test_fraud_types(text: str, fraud_type: str) -> None:
    verdict = classify(text)
    assert (verdict.type, verdict.fraud_type) == ("fraud", fraud_type)


@pytest.mark.parametrize(
    "text",
    [
        "谢谢警察同志！车已经找回来了🙏",
        "大家早上好☀️",
        "收到",
        "请问派出所办身份证几点上班？",
        "温馨提示：近期电动车被盗案件多发，请大家停车时加装防盗锁",
        "👍",
    ],
)
def test_chatter_is_not_a_report(text: str) -> None:
    verdict = classify(text)
    assert not verdict.is_report
    assert verdict.type == "other"
    assert verdict.fraud_type is None

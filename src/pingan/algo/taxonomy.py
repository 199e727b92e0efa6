"""pingan's incident taxonomy: the one list of incident and fraud types.

Incident types are dotted where a family has kinds (``theft.ebike``). Fraud types
follow the Ministry of Public Security's ten common types of telecom and online fraud.
"""

from __future__ import annotations

INCIDENT_TYPES: tuple[str, ...] = (
    "theft.ebike",  # an e-bike or its battery 电动车/电瓶
    "theft.bicycle",
    "theft.phone",
    "theft.burglary",  # 入室盗窃
    "theft.vehicle",  # a car, or things from a car
    "theft.other",
    "robbery",
    "fraud",
    "assault",
    "dispute",  # 纠纷
    "noise",
    "fire_hazard",  # 消防隐患
    "traffic",
    "missing_person",
    "suspicious",
    "vice",  # gambling, drugs, prostitution 黄赌毒
    "other",
)

FRAUD_TYPES: tuple[str, ...] = (
    "rebate_task",  # 刷单返利
    "investment",  # 虚假投资理财
    "fake_shopping",  # 虚假购物、服务
    "customer_service",  # 冒充电商物流客服
    "loan",  # 虚假贷款
    "credit_record",  # 虚假征信
    "impersonating_acquaintance",  # 冒充领导、熟人
    "impersonating_officials",  # 冒充公检法及政府机关
    "romance",  # 网络婚恋、交友
    "game_trade",  # 网络游戏产品虚假交易
)

"""Checklists by site category and the inspection frequencies, after 公安部令第61号
(《机关、团体、企业、事业单位消防安全管理规定》) and GB 25506-2010.

Each item has a code, its text in Chinese and English, the rule it comes from and the site
categories it applies to (empty: all). Items marked ``on_spot`` are among the eight
violations Article 31 of 61号令 says must be corrected on the spot (当场改正).

Frequencies default to 61号令 and can be changed per category in the settings
(``ledger_frequencies``):

* patrols (防火巡查, Art. 25): daily at key units; every 2 h while open at public venues,
  plus a closing check;
* checks (防火检查, Art. 26): at least monthly, quarterly for government bodies;
* training (Art. 36): yearly at key units, every 6 months at public venues;
* drills (Art. 40): every 6 months at key units, yearly elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from pingan.config import Settings
from pingan.ledgers.models import SiteCategory

C = SiteCategory
MPS61 = "公安部令第61号"
GB25506 = "GB 25506-2010"
FIRE_LAW = "《消防法》"

#: 公众聚集场所: patrolled every 2 h while open.
PUBLIC_VENUES = frozenset(
    {
        C.mall,
        C.hotel,
        C.ktv,
        C.bar,
        C.nightclub,
        C.internet_cafe,
        C.chess_room,
        C.cinema,
        C.restaurant,
        C.gaming,
    }
)
#: 机关、团体、事业单位: checked quarterly.
GOVERNMENT = frozenset({C.government})


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    text_zh: str
    text_en: str
    rule: str
    categories: frozenset[SiteCategory] = frozenset()
    on_spot: bool = False

    def applies_to(self, category: SiteCategory) -> bool:
        return not self.categories or category in self.categories


_WITH_CONTROL_ROOM = frozenset({C.mall, C.hotel, C.high_rise, C.hospital, C.factory, C.cinema})

ITEMS: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "EV-01",
        "安全出口未上锁、未遮挡，疏散通道畅通无堆物",
        "Exits unlocked and unobstructed, evacuation routes clear",
        f"{MPS61} 第三十一条（三）",
        on_spot=True,
    ),
    ChecklistItem(
        "EV-02",
        "应急照明、疏散指示标志完好有效",
        "Emergency lighting and exit signs working",
        f"{MPS61} 第二十五条",
    ),
    ChecklistItem(
        "EQ-01",
        "灭火器在有效期内，压力正常，未被遮挡或挪作他用",
        "Extinguishers in date, charged, unobstructed and not used for anything else",
        f"{MPS61} 第三十一条（四）",
        on_spot=True,
    ),
    ChecklistItem(
        "EQ-02",
        "消火栓未被遮挡，水带水枪齐全",
        "Hydrants unobstructed, hoses and nozzles complete",
        f"{MPS61} 第三十一条（四）",
        on_spot=True,
    ),
    ChecklistItem(
        "DR-01",
        "常闭式防火门处于关闭状态，防火卷帘下无堆物",
        "Fire doors closed, nothing stored under fire shutters",
        f"{MPS61} 第三十一条（五）",
        on_spot=True,
    ),
    ChecklistItem(
        "CR-01",
        "消防控制室每班不少于2人持证值班，无脱岗",
        "Control room staffed by at least two certified operators, nobody away",
        f"{GB25506} 4.2.1；{MPS61} 第三十一条（六）",
        _WITH_CONTROL_ROOM,
        on_spot=True,
    ),
    ChecklistItem(
        "CR-02",
        "消防设施处于自动状态，未违章关闭或切断消防电源",
        "Fire systems in automatic mode, none switched off, fire power supply on",
        f"{GB25506} 4.2.2；{MPS61} 第三十一条（七）",
        _WITH_CONTROL_ROOM,
        on_spot=True,
    ),
    ChecklistItem(
        "EB-01",
        "电动自行车未在室内、楼道、安全出口处停放充电",
        "No e-bikes parked or charged indoors, in corridors or at exits",
        "《高层民用建筑消防安全管理规定》（应急管理部令第5号）第三十七条",
    ),
    ChecklistItem(
        "FL-01",
        "无违章使用明火、无在禁烟区域吸烟",
        "No open flames against the rules, no smoking where it is forbidden",
        f"{MPS61} 第三十一条（二）",
        on_spot=True,
    ),
    ChecklistItem(
        "EL-01",
        "电气线路无私拉乱接，无超负荷用电",
        "No improvised wiring, no overloaded circuits",
        f"{MPS61} 第二十六条",
    ),
    ChecklistItem(
        "ST-01",
        "员工会报警、会灭初起火灾、会组织疏散（“四个能力”）",
        "Staff can raise the alarm, fight a starting fire and lead an evacuation",
        f"{MPS61} 第三十六条",
    ),
    ChecklistItem(
        "VN-01",
        "营业期间防火巡查每2小时一次，营业结束进行检查",
        "Patrols every 2 h while open and a check at closing",
        f"{MPS61} 第二十五条",
        PUBLIC_VENUES,
    ),
    ChecklistItem(
        "VN-02",
        "未超员营业，室内装修材料符合防火要求",
        "Not over capacity; interior finishes meet fire-resistance rules",
        f"{FIRE_LAW} 第二十六条",
        PUBLIC_VENUES,
    ),
    ChecklistItem(
        "OT-01",
        "其他可以当场改正的违法行为",
        "Any other violation that can be corrected on the spot",
        f"{MPS61} 第三十一条（八）",
        on_spot=True,
    ),
)
BY_CODE = {item.code: item for item in ITEMS}


def checklist(category: SiteCategory) -> list[ChecklistItem]:
    """The items that apply to a site of ``category``, in order."""
    return [item for item in ITEMS if item.applies_to(category)]


def item_json(item: ChecklistItem) -> dict[str, object]:
    return {
        "code": item.code,
        "text_zh": item.text_zh,
        "text_en": item.text_en,
        "rule": item.rule,
        "on_spot": item.on_spot,
    }


@dataclass(frozen=True)
class Frequencies:
    """How often a site is patrolled, checked, trained and drilled.

    Attributes
    ----------
    patrol_h
        Hours between patrols (24: daily; 2: every two hours while open).
    while_open
        Patrols run while the site is open, with a closing check.
    check_days, training_days, drill_days
        Days between checks, training sessions and drills.
    """

    patrol_h: int
    while_open: bool
    check_days: int
    training_days: int
    drill_days: int


def frequencies(settings: Settings, category: SiteCategory, key_unit: bool) -> Frequencies:
    """61号令's frequencies for a site, with the settings' overrides for its category."""
    public = category in PUBLIC_VENUES
    default = {
        "patrol_h": 2 if public else (24 if key_unit else 168),
        "check_days": 91 if category in GOVERNMENT else 30,
        "training_days": 182 if public else 365,
        "drill_days": 182 if key_unit else 365,
    }
    override = settings.ledger_frequencies.get(category.value, {})
    merged = {name: int(override.get(name, value)) for name, value in default.items()}
    return Frequencies(
        patrol_h=max(1, merged["patrol_h"]),
        while_open=public,
        check_days=max(1, merged["check_days"]),
        training_days=max(1, merged["training_days"]),
        drill_days=max(1, merged["drill_days"]),
    )

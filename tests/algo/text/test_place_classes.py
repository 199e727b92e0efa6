"""Places the training passes missed, by class (issue 16 item 3); sentences written here."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pingan.algo.text import extract_report
from pingan.algo.text.spots import read_place

AT = datetime(2026, 7, 10, 21, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_fraud_has_no_scene() -> None:
    # the shop is where the victim took the call, not a place to send anyone to
    got = extract_report("我在店里接到一个自称客服的电话 让我扫码退款 被骗了三千", AT)
    assert got.type == "fraud"
    assert (got.place, got.place_ref, got.location) == (None, None, None)
    assert got.amount_yuan == 3000


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # the place next door or across the road is the place (not 隔壁出租屋)
        ("隔壁出租屋半夜一直有人吵架摔东西", "出租屋"),
        ("对面夜宵店半夜还在放音乐", "夜宵店"),
        # a crossing or a roadside after a relative place: the landmark says where
        ("幼儿园旁边的路口早上有电动车撞了人", "幼儿园旁边"),
        # a street named by what it is holds the place; a proper name stays the place
        ("步行街有个按摩店晚上在门口拉客", "按摩店"),
        ("和平路那家按摩店晚上在门口拉客", "和平路"),
        # a place that opens the message, an exit or a floor is a place, even of a weak kind
        ("商场二楼试衣服的时候包被人拿了", "商场二楼"),
        ("地铁上手机被偷了 十点左右", "地铁上"),
        # times and verbs before a place are no part of it; 停车场 keeps its 停
        ("凌晨三点多停车场有人撬车门", "停车场"),
        ("昨晚九点四十锁地铁站B口的单车没了", "地铁站B口"),
        ("回来发现幸福里小区家里门被撬了", "幸福里小区"),
        ("停车场收费员跟车主吵起来了", "停车场"),
        # a market or street named by its trade is no name: its words of relation stay
        ("批发市场门口有人抢了我的包", "批发市场门口"),
        ("劳务市场旁边几个人在打架", "劳务市场旁边"),
        ("城中村巷子里有人抢包", "城中村巷子"),
        # a part of a generic place, a building or a room number makes it more precise
        ("火锅店后厨有人吵架动了刀", "火锅店后厨"),
        ("商场卫生间里有人偷拍", "商场卫生间"),
        ("男生宿舍3栋有人偷电脑", "男生宿舍3栋"),
        ("305宿舍的笔记本电脑被偷了", "305宿舍"),
        ("宿舍楼道里堆满了纸箱子", "宿舍楼道"),
        ("有人在小区里遛狗不拴绳 咬了我", "小区里"),
        # inside an area, a place of its own is the place; the area's facilities stay whole
        ("城中村出租屋昨晚被人撬了门", "出租屋"),
        ("厂里宿舍车棚的电瓶全被撬了", "宿舍车棚"),
        ("小区车棚里的自行车被偷了", "小区车棚"),
        # verbs and times before a shop are no part of it
        ("一个男的拿着刀冲进入便利店抢钱", "便利店"),
        ("我关店回家路上 在小区南门被抢了手机", "小区南门"),
        ("上礼拜店后面的三轮车丢了", "店后面"),
        # spoken northern places; 广场舞 is a dance on the square
        ("俺们家属院里头的电驴叫人偷了", "家属院"),
        ("村口有俩人打起来了", "村口"),
        ("诊所门口的电动车没了", "诊所门口"),
        ("社区医院门口有人抢包", "社区医院门口"),
        ("跳广场舞的时候手机叫人偷了", "广场"),
        # a bus ridden is a place; 跑路 is no road
        ("今天坐公交去上班手机被偷了", "公交"),
        ("健身房跑路了 年卡三千没退", "健身房"),
        # 里 inside a place without a name is not shown, but 店里 stays whole
        ("火锅店里有人喝多了砸杯子 十点多", "火锅店"),
        ("网吧里面有人抽烟还打架", "网吧"),
        ("店里的收银机昨晚被人撬了", "店里"),
        # the same place said again with a relation is where it happened
        ("下午去医院看病 出来发现电动车在医院门口被偷了", "医院门口"),
        ("去超市买菜 车子停超市对面 回来就没了", "超市对面"),
        # a building by its number before a place of it; a named compound keeps its name
        ("居民反映 12栋车棚昨晚又丢了两个电瓶", "12栋车棚"),
        ("3号楼楼道里堆满了纸箱子 还有人充电", "3号楼楼道"),
        ("碧水湾5栋楼下有人吵架", "碧水湾5栋"),
        # the part of a place without a name: its gate, its charging area
        ("夜市北口有人为了摊位打起来了", "夜市北口"),
        ("地下车库充电区那边冒烟了 快来人", "地下车库充电区"),
        # a grid worker's report words and a time before a place are no part of it
        ("6点10分左右小区正门外一辆渣土车把门岗撞了", "小区正门"),
        ("居民反映路边停的车这两天连着被人偷油", "路边"),
        # drivers' and night workers' places
        ("昨晚十二点高速出口有两辆车追尾了", "高速出口"),
        ("宵夜摊上两桌人喝多了打起来了", "宵夜摊"),
        ("车停在高架桥底 早上起来电瓶被人拆了", "高架桥底"),
        # written Cantonese: 喺 is 在, so 停喺 is no part of the place
        ("我架车停喺商场停车场 返嚟就冇咗", "商场停车场"),
        # English: gates, racks, numbered buildings and rooms, the wet market
        ("my bike was taken from the north gate bike shed last night", "north gate bike shed"),
        ("someone was fighting at the hospital main entrance around 9", "hospital main entrance"),
        ("lost my wallet at the wet market this morning", "wet market"),
        ("guys smoking weed behind building 7 every night", "building 7"),
        ("my laptop was taken from room 305 while I was out", "room 305"),
        ("we stayed at the hotel 3 nights and nothing happened", "hotel"),
        # a Chinese name pasted into English says where: it wins over the English words
        (
            "the taxi driver hit me after we argued about the fare, at 白云机场 taxi line",
            "白云机场",
        ),
        ("our shop on the 3rd floor of 天河城 was broken into last night", "天河城"),
        ("a man snatched my bag in 沙面 around 6 this evening", "沙面"),
        ("my colleague 王伟 said his phone was stolen at the gym", "gym"),
    ],
)
def test_place_classes(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place


def test_an_institution_acting_is_no_place() -> None:
    assert read_place("公司说他三天没来上班了 电话也打不通") is None
    assert read_place("学校通知交资料费 结果是骗子") is None


@pytest.mark.parametrize(
    ("text", "place", "landmark"),
    [
        # the first place said, named after a relation, before a street named later
        (
            "My wallet was stolen across from Starbucks on Nanjing Road around 8pm",
            "Starbucks",
            True,
        ),
        ("psa someone snatched a phone at the gate of People's Park lol", "People's Park", True),
        # a capitalised name after "at" / "in" when nothing else names a place
        ("my phone was stolen at Starbucks this afternoon", "Starbucks", True),
        ("I was mugged in Sanlitun last night", "Sanlitun", True),
        # a name with "of", a lower-case station or temple after a name
        (
            "my purse was snatched in front of the Bank of China on Nanjing Road",
            "Bank of China",
            True,
        ),
        ("a man flashed my daughter near Exit 2 of Xujiahui station", "Xujiahui station", True),
        ("pickpocketed at Jing'an Temple this morning", "Jing'an Temple", True),
        # English places without names
        ("there is a guy following girls near the university gate", "university gate", False),
        ("I was pickpocketed on the bus this morning around 8", "bus", False),
        ("someone grabbed my bag in the park at 7pm", "park", False),
        ("my laptop was stolen in a coffee shop near the hostel", "coffee shop", False),
    ],
)
def test_english_place_classes(text: str, place: str, landmark: bool) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place
    assert (ref.landmark is not None) == landmark


def test_an_app_or_a_month_is_no_place() -> None:
    assert read_place("Got scammed on Telegram, lost 3k") is None
    assert read_place("It started in March and I paid in RMB") is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # an English street keeps its house number, a time or a count after a name does not
        ("my bike was stolen outside Mannerheimintie 5 last night", "Mannerheimintie 5"),
        ("someone broke into my car at Aleksanterinkatu 12b this morning", "Aleksanterinkatu 12b"),
        ("phone stolen at Starbucks 2 hours ago", "Starbucks"),
        ("outside People's Park 2 guys fighting", "People's Park"),
    ],
)
def test_an_english_street_keeps_its_house_number(text: str, place: str) -> None:
    assert extract_report(text, AT).place == place

"""Places of everyday errands, rides, chains and spoken northern Chinese; sentences written here."""

from __future__ import annotations

import pytest

from pingan.algo.text.spots import read_place


@pytest.mark.parametrize(
    ("text", "place", "kind"),
    [
        # errands and the outskirts: generic places with their kinds
        ("加油站旁边两个司机吵起来了", "加油站旁边", "fuel"),
        ("车间里的铜线昨晚被人剪走了", "车间", "office"),
        ("人行天桥上有个人抢了我的包", "人行天桥", "outdoor"),
        ("地下通道里有个人一直跟着我走", "地下通道", "outdoor"),
        ("住院部楼下的电动车被人骑走了", "住院部楼下", "hospital"),
        ("候车室里睡着了 醒来背包没了", "候车室", "station"),
        ("鱼塘里的鱼半夜叫人捞走了", "鱼塘", "farmland"),
        # 俺 is the speaker, no part of a name; 菜地里 is in the field, no place named …里
        ("俺家菜地里的白菜叫人偷了", "菜地", "farmland"),
        ("村委会门口有人拉横幅闹事", "村委会门口", "townhall"),
        ("高速服务区停了一会儿 车窗被砸了", "服务区", "services"),
        ("美容院办的卡 老板卷钱跑了", "美容院", "beauty"),
        # a public ride is the place; a metro line by its number
        ("长途车上睡了一觉 兜里的钱没了", "长途车上", "vehicle"),
        ("在地铁4号线上被人摸了手机", "地铁4号线", "station"),
        # a chain or a bank by its house name is a proper name
        ("在肯德基吃饭的时候书包被人拿了", "肯德基", None),
        ("麦当劳门口停的自行车没了", "麦当劳", None),
        ("星巴克里有人顺走了我的电脑", "星巴克", None),
        ("刚从建设银行取完钱出来就被抢了", "建设银行", None),
        # named places ending in 社区, 中心, 庄; a village's own gate is no part of its name
        ("和谐社区活动室里有人打架", "和谐社区", None),
        ("会展中心门口有人倒卖门票", "会展中心", None),
        ("李家庄那边有人半夜偷牛", "李家庄", None),
        ("柳树村村口有人烧垃圾 烟很大", "柳树村", None),
    ],
)
def test_everyday_places(text: str, place: str, kind: str | None) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place
    if kind is not None:
        assert ref.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        # what holds a thing is no named place ending in 里 (口袋里, 抽屉里)
        "放在抽屉里的两千块钱没了",
        "钱包揣在外套兜里还是叫人掏了",
        # a taxi or one's own car is no place; 电动车上 is no bullet train
        "手机落在出租车上了 司机联系不上",
        "电动车上挂的头盔被人拿了",
        # a bank alone is an institution in a story
        "冒充银行的打电话说我贷款逾期",
    ],
)
def test_no_place(text: str) -> None:
    ref = read_place(text)
    assert ref is None, ref


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # a Chinese name typed in lower-case pinyin before an English place word
        ("psa my scooter got nicked outside zhongshan park this morning", "zhongshan park"),
        ("someone grabbed my phone on jiefang road around 9pm lol", "jiefang road"),
        # capitalised names ending in a lake, a hotel, a hospital, a centre …
        ("my kid dropped his phone into Moon Lake near the bridge", "Moon Lake"),
        ("our luggage was taken from the lobby of the Riverside Hotel", "Riverside Hotel"),
        # his / her / their / a name's before a generic place
        ("a man took money from kids near their school at 4pm", "school"),
        ("someone broke into my neighbour's garage last night", "garage"),
        # a chain's name, digits and all; a metro line by number
        ("a guy with a knife robbed the 7-Eleven across from our hostel", "7-Eleven"),
        ("my wallet was lifted on metro line 4 around 8am", "line 4"),
    ],
)
def test_english_places(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place


@pytest.mark.parametrize(
    "text",
    [
        # English words before a street are no pinyin name; a queue is no metro line
        "we walked down a long road and got lost, no crime just asking",
        "we waited in line 2 hours for tickets",
    ],
)
def test_no_english_place(text: str) -> None:
    assert read_place(text) is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # spoken northern words of relation: 跟前 (right by), 里头 (inside), 外头, 底下
        ("俺在邮局跟前叫人把兜里的钱掏了", "邮局跟前"),
        ("超市里头有个人老跟着俺", "超市"),
        ("网吧外头有几个小年轻打起来了", "网吧外头"),
        ("天桥底下睡着个人 叫也叫不醒", "天桥底下"),
        # 上 as "go to" before a generic place is no part of it (上海路 keeps its 上)
        ("上医院看病 电驴停门口叫人推走了", "医院"),
        ("上海路那家药店门口有人打架", "上海路"),
        # 里 after a named place is inside it, no name …里 of its own
        ("夕阳红公寓里有个老太太走丢了", "夕阳红公寓"),
        # the village as a place (村里), a pavilion
        ("俺们村里这个月丢了三只羊", "村里"),
        ("公园凉亭那天天有人赌钱", "公园凉亭"),
    ],
)
def test_spoken_places(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # English generic places of travellers: rides, waterfronts, old towns, parlours
        ("i left my backpack in a cab outside the station", "cab"),
        ("a boy fell off the pier around 6pm, people pulled him out", "pier"),
        ("two men were fighting by the river after the bars closed", "river"),
        ("pickpocketed twice in the ancient town today", "ancient town"),
        ("they tried to drag me into a massage parlour on my way back", "massage parlour"),
        ("a man was taking photos of women in the public toilet", "public toilet"),
        # a part said after a generic place belongs to it
        ("my passport went missing at the hostel reception", "hostel reception"),
        ("someone went through my bag in the hotel lobby", "hotel lobby"),
        # a name after a generic place says which one (as a street after a shop does)
        ("cash was taken from our room at the Grand Hyatt while we were out", "Grand Hyatt"),
    ],
)
def test_traveller_places(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # the Chinese place word in pinyin after a capitalised name
        ("my scooter was stolen on Jianshe Lu around noon", "Jianshe Lu"),
        ("a man exposed himself near Chunhui Huayuan this morning", "Chunhui Huayuan"),
        # estates named …名都, …公馆
        ("银河名都2栋昨晚有人撬门", "银河名都2栋"),
        ("翠湖公馆地下车库的车被划了一道", "翠湖公馆"),
        # 包厢里 is inside the box, no place named …里: the KTV said before it stays
        ("那家KTV 包厢里有人抽烟还打人", "KTV"),
    ],
)
def test_more_names(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place


@pytest.mark.parametrize(
    ("text", "place", "kind"),
    [
        # the countryside as old people call it: fields, pens, the town, the dam
        ("俺家玉米地叫人糟蹋了一大片", "玉米地", "farmland"),
        ("俺家猪圈里的两头猪半夜叫人赶走了", "猪圈", "farmland"),
        ("俺在镇上买东西 钱包叫人掏了", "镇上", "outdoor"),
        ("河堤上有个老头摔倒了 起不来", "河堤", "outdoor"),
        ("水库那边天天有人电鱼", "水库", "water"),
        ("街道办门口有人拉横幅闹事", "街道办门口", "townhall"),
        ("俺在营业厅办手机卡 钱包叫人拿了", "营业厅", "shop"),
        # the water of a place is that place (the park, not 公园池塘)
        ("游乐场池塘边的护栏断了 小孩容易掉下去", "游乐场", "playground"),
    ],
)
def test_country_places(text: str, place: str, kind: str | None) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place
    if kind is not None:
        assert ref.kind == kind


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # spoken words for the day or a part of it before a name are no part of it
        ("后晌红旗小区门口来了俩卖假药的", "红旗小区"),
        ("傍黑胜利市场那块有人打架", "胜利市场"),
        ("昨儿个向阳花园又丢了两辆电驴", "向阳花园"),
        # … but a name that starts like one keeps it (白天鹅宾馆)
        ("白天鹅宾馆门口有人抢包", "白天鹅宾馆"),
    ],
)
def test_day_words_before_names(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # 搁 (put) and 叫 (by, in 叫人偷了) are no part of a name
        ("电驴搁楼洞里叫人推走了", "楼洞"),
        ("三轮车搁红星小区门口 叫人骑走了", "红星小区"),
        # 社区 with a word of relation is a place; alone it is the office
        ("社区门口有个人拿着喇叭骂街", "社区门口"),
        ("楼门口有人半夜烧纸", "楼门口"),
    ],
)
def test_northern_words_around_places(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place


def test_the_community_office_is_no_place() -> None:
    assert read_place("俺去社区办老年证 人家说要带户口本") is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # the name given to a generic place after it
        ("someone put something in my drink at a bar called Lucky Star", "Lucky Star"),
        ("my card was copied at a massage place named Lotus Spa", "Lotus Spa"),
        # a quoted name said first wins over a generic place said after it
        ('a brawl at "Blue Moon" by the riverside, 2 guys hurt', "Blue Moon"),
        # a kind of school or toilet keeps its word; a generic street after "on"
        ("a man was filming girls outside the primary school at 4pm", "primary school"),
        ("somebody threw a bottle at me on bar street around 1am", "bar street"),
        ("my wallet was lifted on subway Line 3 this morning", "Line 3"),
    ],
)
def test_english_names_given(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # a town said around a generic place is no venue: the generic place stays
        ("I was in Chengdu last week and my bag was taken at the train station", "train station"),
        ("someone grabbed my phone at the bus station in Guilin", "bus station"),
    ],
)
def test_towns_around_generic_places(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # a centre named by whom it serves and what for is no proper name: its relation stays
        ("老年人活动中心旁边天天有人推销磁疗床", "老年人活动中心旁边"),
        ("社区服务中心门口两个人吵起来了", "社区服务中心门口"),
        ("体检中心门口有人发免费体检的传单", "体检中心门口"),
        # … a proper name before the trade keeps it a name
        ("万达购物中心门口有人抢了我的包", "万达购物中心"),
    ],
)
def test_centres(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # spoken 儿 inside a word of relation keeps the relation with the place
        ("菜市场边儿上有个人拿刀吓唬人", "菜市场边儿上"),
        ("小卖部跟前儿几个人喝多了闹事", "小卖部跟前儿"),
    ],
)
def test_spoken_er(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # a ride is a place when ridden, not when it acts
        ("someone touched my daughter on a packed bus this morning", "bus"),
        ("my friend was knocked down by a taxi outside the train station", "train station"),
        # an English corner of two streets is one place, as 和 joins a Chinese crossing
        (
            "a van hit a cyclist at the corner of Fuxing Road and Ruijin Road",
            "Fuxing Road and Ruijin Road",
        ),
    ],
)
def test_rides_and_corners(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # stalls and small shops as old people name them
        ("俺在菜摊子跟前挑菜 兜里的钱叫人掏了", "菜摊子跟前"),
        ("修鞋摊旁边停的三轮车叫人推走了", "修鞋摊旁边"),
        ("杂货铺半夜叫人撬了 丢了好几条烟", "杂货铺"),
    ],
)
def test_stalls(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place


def test_a_vendor_is_no_stall() -> None:
    # 小摊贩 is the vendor, not a stall: the gate stays the place
    ref = read_place("学校门口小摊贩跟顾客吵起来了")
    assert ref is not None
    assert ref.text == "学校门口"


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # the caller's home said first gives way to where it happened
        ("喂 同志 俺是向阳小区的 今儿早上在早市叫人把钱包摸了", "早市"),
        ("我家住在建设路 下午在超市门口被人抢了包", "超市门口"),
        # … but stays the place when nothing else is, or when the later place is by the home
        ("俺是向阳小区的 俺家昨儿黑夜进贼了", "向阳小区"),
        ("我家住建设路 电动车停在楼下被偷了", "建设路"),
        # 我在 is where the caller was, not where they live
        ("我在万达广场被偷了手机 后来在派出所报的案", "万达广场"),
    ],
)
def test_home_and_scene(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # 东头 / 西头: the end of a place, spoken
        ("早市西头有俩人为了摊位打起来了", "早市西头"),
        ("俺们村北头的桥塌了一半", "村北头"),
        # 对门 is the flat across the landing, as 隔壁 is the one next door
        ("对门那家天天半夜剁馅子", "对门"),
        ("对门出租屋里老有陌生人进进出出", "出租屋"),
    ],
)
def test_ends_and_neighbours(text: str, place: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert ref.text == place

"""Words of places without names: the tables of :mod:`pingan.algo.text.spots`.

Generic words and their kinds, the kinds' OSM tags, and the words of relation to a landmark.
"""

from __future__ import annotations

#: Generic words (Chinese and English, lower case) → kind. Longest first when matching.
KIND_WORDS: dict[str, str] = {
    **dict.fromkeys(("夜市", "菜市场", "菜场", "农贸市场", "集市", "早市"), "marketplace"),
    **dict.fromkeys(
        ("地下停车场", "停车场", "地下车库", "车库", "停车位", "停车楼", "停车库"), "parking"
    ),
    **dict.fromkeys(
        ("车棚", "自行车棚", "电动车棚", "电瓶车棚", "非机动车棚", "充电棚", "车棚子"),
        "bicycle_parking",
    ),
    **dict.fromkeys(
        ("学校", "小学", "中学", "初中", "高中", "校门口", "校门", "学校门口"), "school"
    ),
    **dict.fromkeys(("幼儿园",), "kindergarten"),
    **dict.fromkeys(("KTV包厢", "KTV包间", "KTV", "ktv", "歌厅", "练歌房"), "karaoke_box"),
    **dict.fromkeys(("网吧", "网咖"), "internet_cafe"),
    **dict.fromkeys(("棋牌室", "麻将馆", "麻将室", "游戏厅"), "gaming_centre"),
    **dict.fromkeys(("烧烤摊", "烧烤店", "大排档", "夜宵摊", "小吃摊", "烧烤"), "fast_food"),
    **dict.fromkeys(("饭店", "餐馆", "饭馆", "餐厅", "火锅店"), "restaurant"),
    **dict.fromkeys(("酒吧", "清吧"), "bar"),
    **dict.fromkeys(("夜店", "迪厅"), "nightclub"),
    **dict.fromkeys(("公交站", "公交车站", "公交站台", "车站"), "bus_stop"),
    **dict.fromkeys(("火车站", "高铁站", "地铁站", "地铁口"), "station"),
    **dict.fromkeys(("银行",), "bank"),
    **dict.fromkeys(("取款机", "ATM机", "ATM", "atm"), "atm"),
    **dict.fromkeys(("医院",), "hospital"),
    **dict.fromkeys(("商场", "购物中心"), "mall"),
    **dict.fromkeys(("电影院",), "cinema"),
    **dict.fromkeys(("超市",), "supermarket"),
    **dict.fromkeys(("公园",), "park"),
    **dict.fromkeys(
        ("楼道", "楼梯间", "电梯", "电梯间", "单元门口", "小区门口", "小区", "地下室", "天台"),
        "residential",
    ),
    **dict.fromkeys(("宿舍", "宿舍楼", "工棚", "城中村", "出租屋"), "residential"),
    **dict.fromkeys(("写字楼", "公司", "办公室"), "office"),
    **dict.fromkeys(("工地",), "construction"),
    **dict.fromkeys(("食堂",), "canteen"),
    **dict.fromkeys(("图书馆",), "library"),
    **dict.fromkeys(("操场", "球场", "篮球场"), "pitch"),
    **dict.fromkeys(("奶茶店", "咖啡店", "咖啡馆"), "cafe"),
    **dict.fromkeys(("游乐场", "儿童乐园"), "playground"),
    **dict.fromkeys(("健身房",), "fitness_centre"),
    **dict.fromkeys(("外卖柜", "快递柜", "丰巢"), "parcel_locker"),
    **dict.fromkeys(("快递驿站", "菜鸟驿站", "驿站"), "post_depot"),
    **dict.fromkeys(("老年活动中心", "活动中心", "社区中心"), "community_centre"),
    **dict.fromkeys(("药店", "药房"), "pharmacy"),
    **dict.fromkeys(("便利店", "小卖部"), "convenience"),
    **dict.fromkeys(("地铁口", "地铁上", "地铁里", "公交车上", "公交上"), "station"),
    **dict.fromkeys(("桥洞", "小巷子", "巷子", "路边", "河边", "湖边", "高架下面"), "outdoor"),
    **dict.fromkeys(("快餐店", "水果店", "打印店", "复印店", "理发店", "手机店"), "shop"),
    **dict.fromkeys(("仓库", "商铺", "摊位", "收银台", "快递点", "柜台"), "shop"),
    **dict.fromkeys(("路口", "十字路口", "后巷"), "outdoor"),
    **dict.fromkeys(("足浴店", "足疗店", "按摩店"), "massage"),
    **dict.fromkeys(("宾馆", "旅馆", "酒店"), "hotel"),
    **dict.fromkeys(("养老院", "敬老院"), "nursing_home"),
    **dict.fromkeys(("教学楼", "实验楼", "自习室", "教室"), "school"),
    **dict.fromkeys(
        ("宿舍区", "家属区", "楼上", "隔壁", "楼下", "阳台", "消防通道"), "residential"
    ),
    **dict.fromkeys(("补习班", "培训班", "兴趣班", "绘画班", "早教中心", "托管班"), "school"),
    **dict.fromkeys(("游泳馆", "体育馆"), "sports_centre"),
    **dict.fromkeys(("景区",), "attraction"),
    **dict.fromkeys(("广场",), "square"),
    **dict.fromkeys(("厂门口", "厂里", "工厂", "工作室", "茶水间", "工位"), "office"),
    **dict.fromkeys(("桥头", "桥洞下", "高架桥下", "隧道", "国道", "国道边上"), "outdoor"),
    # drivers' and night workers' places (w11, w12 training passes)
    **dict.fromkeys(("高速出口", "高速路口", "高速口", "高架桥", "高架", "斑马线"), "outdoor"),
    **dict.fromkeys(("宵夜摊", "夜宵摊"), "fast_food"),
    **dict.fromkeys(("洗车场", "洗车店", "档口", "铺面", "底商"), "shop"),
    **dict.fromkeys(("卡座", "吧台"), "bar"),
    **dict.fromkeys(("车位", "地库"), "parking"),
    **dict.fromkeys(("电梯厅",), "residential"),
    **dict.fromkeys(("快递站",), "post_depot"),
    **dict.fromkeys(("民宿",), "hotel"),
    **dict.fromkeys(("茶楼",), "cafe"),
    **dict.fromkeys(("汽车站",), "station"),
    **dict.fromkeys(("茶馆", "发廊", "澡堂", "洗浴中心"), "shop"),
    **dict.fromkeys(("地铁车厢", "公交车", "公交"), "station"),
    **dict.fromkeys(("园区", "产业园", "工业园"), "office"),
    **dict.fromkeys(("家属院", "大院", "村口", "胡同口", "巷口"), "residential"),
    **dict.fromkeys(("诊所", "卫生所", "卫生院", "社区医院"), "hospital"),
    **dict.fromkeys(("寝室", "村里", "对门"), "residential"),
    **dict.fromkeys(("村头", "村东头", "村西头", "村南头", "村北头"), "residential"),
    # a block's own entrances and stores, northern words too (楼洞: the stairwell's door)
    **dict.fromkeys(("楼洞", "楼门口", "楼道口", "单元门", "储藏室", "社区"), "residential"),
    **dict.fromkeys(("凉亭", "亭子"), "outdoor"),
    # the places of daily errands, rides and the outskirts, as people call them
    **dict.fromkeys(("加油站",), "fuel"),
    **dict.fromkeys(("车间", "厂房"), "office"),
    **dict.fromkeys(
        ("天桥", "人行天桥", "过街天桥", "地下通道", "人行道", "马路边", "马路上"),
        "outdoor",
    ),
    **dict.fromkeys(("街上", "大街上", "江边", "海边", "小树林", "树林", "垃圾站"), "outdoor"),
    **dict.fromkeys(("收费站",), "outdoor"),
    **dict.fromkeys(("公厕", "公共厕所", "厕所"), "toilets"),
    **dict.fromkeys(("美容院", "美甲店", "美容店"), "beauty"),
    **dict.fromkeys(("台球厅", "桌球室", "足球场", "羽毛球馆", "游泳池"), "sports_centre"),
    **dict.fromkeys(("电玩城",), "gaming_centre"),
    **dict.fromkeys(("病房", "住院部", "急诊", "急诊室", "门诊", "门诊部", "挂号大厅"), "hospital"),
    **dict.fromkeys(("卫生站", "社区卫生站", "卫生服务站"), "hospital"),
    **dict.fromkeys(("候车室", "候车厅", "售票厅", "站台", "月台", "出站口", "进站口"), "station"),
    **dict.fromkeys(("售楼处", "保安亭", "门卫室", "传达室"), "residential"),
    **dict.fromkeys(("楼梯口", "电梯口", "走廊"), "residential"),
    **dict.fromkeys(
        ("菜地", "鱼塘", "果园", "大棚", "玉米地", "麦地", "庄稼地", "田里"), "farmland"
    ),
    **dict.fromkeys(("羊圈", "猪圈", "牛棚", "鸡窝", "鸡棚"), "farmland"),
    **dict.fromkeys(("池塘", "水库", "护城河"), "water"),
    **dict.fromkeys(("河堤", "河沿", "后山", "山上", "山脚下"), "outdoor"),
    **dict.fromkeys(("铁路边", "铁道边", "铁路桥", "镇上", "集上"), "outdoor"),
    **dict.fromkeys(("营业厅",), "shop"),
    # stalls and small shops as old people name them (菜摊子, 杂货铺)
    **dict.fromkeys(("菜摊", "菜摊子", "水果摊", "地摊", "肉摊", "鱼摊", "修鞋摊"), "shop"),
    **dict.fromkeys(("摊子", "小摊", "小摊子", "早点摊", "早餐摊"), "shop"),
    **dict.fromkeys(("杂货铺", "药铺", "理发铺", "肉铺", "铺子", "早点铺", "小铺"), "shop"),
    **dict.fromkeys(("村委会", "居委会", "街道办", "镇政府", "乡政府", "村部"), "townhall"),
    **dict.fromkeys(("服务区",), "services"),
    **dict.fromkeys(("码头",), "ferry_terminal"),
    **dict.fromkeys(("机场", "航站楼"), "airport"),
    **dict.fromkeys(("澡堂子",), "shop"),
    **dict.fromkeys(("停车棚",), "bicycle_parking"),
    **dict.fromkeys(("老年大学",), "school"),
    **dict.fromkeys(("活动室",), "community_centre"),
    **dict.fromkeys(("寺庙", "庙里", "教堂"), "place_of_worship"),
    **dict.fromkeys(("景点",), "attraction"),
    **dict.fromkeys(("邮局",), "post_office"),
    # a public ride is where it happened (高铁上, 长途车上), as 地铁上 and 公交车上 are; a taxi
    # or a car is no place (出租车上)
    **dict.fromkeys(("高铁上", "火车上", "大巴上", "大巴车上", "长途车上", "客车上"), "vehicle"),
    **dict.fromkeys(("车厢里",), "vehicle"),
    # English
    **dict.fromkeys(
        ("night market", "market", "food market", "wet market", "vegetable market"), "marketplace"
    ),
    **dict.fromkeys(("bicycle shed", "bike shelter"), "bicycle_parking"),
    **dict.fromkeys(("taxi rank", "taxi stand", "taxi line"), "taxi"),
    **dict.fromkeys(("shuttle bus",), "station"),
    **dict.fromkeys(("warehouse", "factory", "workshop"), "industrial"),
    **dict.fromkeys(
        ("parking garage", "parking lot", "car park", "underground parking", "garage", "parking"),
        "parking",
    ),
    **dict.fromkeys(
        ("bike shed", "bike rack", "bicycle parking", "bike parking"), "bicycle_parking"
    ),
    **dict.fromkeys(("school gate", "school"), "school"),
    **dict.fromkeys(("karaoke", "karaoke bar"), "karaoke_box"),
    **dict.fromkeys(("internet cafe", "internet café", "net cafe"), "internet_cafe"),
    **dict.fromkeys(("mahjong parlour", "mahjong room", "mahjong parlor"), "gaming_centre"),
    **dict.fromkeys(("bbq stall", "barbecue stall", "food stall", "street stall"), "fast_food"),
    **dict.fromkeys(("restaurant",), "restaurant"),
    **dict.fromkeys(("bar", "pub"), "bar"),
    **dict.fromkeys(("nightclub", "club"), "nightclub"),
    **dict.fromkeys(("bus stop",), "bus_stop"),
    **dict.fromkeys(("metro station", "subway station", "train station", "station"), "station"),
    **dict.fromkeys(("supermarket",), "supermarket"),
    **dict.fromkeys(("mall", "shopping mall"), "mall"),
    **dict.fromkeys(("hospital",), "hospital"),
    **dict.fromkeys(("stairwell", "hallway", "corridor", "lift", "elevator"), "residential"),
    **dict.fromkeys(("dorm", "dormitory", "building site", "construction site"), "residential"),
    **dict.fromkeys(("gym",), "fitness_centre"),
    **dict.fromkeys(("hotel", "hostel", "guesthouse", "hotel room"), "hotel"),
    **dict.fromkeys(("convenience store", "corner shop", "shop", "store"), "shop"),
    **dict.fromkeys(("apartment", "flat", "lobby", "compound", "housing estate"), "residential"),
    **dict.fromkeys(("subway exit", "metro exit", "metro", "subway"), "station"),
    **dict.fromkeys(("food street", "bbq place", "barbecue place"), "fast_food"),
    **dict.fromkeys(("crossing", "intersection", "crosswalk", "alley"), "outdoor"),
    **dict.fromkeys(("playground",), "playground"),
    **dict.fromkeys(("pharmacy",), "pharmacy"),
    **dict.fromkeys(("canteen",), "canteen"),
    **dict.fromkeys(("library",), "library"),
    **dict.fromkeys(("office building", "office"), "office"),
    **dict.fromkeys(("parcel locker",), "parcel_locker"),
    **dict.fromkeys(
        (
            "university gate",
            "campus gate",
            "college gate",
            "university",
            "campus",
            "college",
            "classroom",
        ),
        "school",
    ),
    **dict.fromkeys(("kindergarten", "nursery"), "kindergarten"),
    **dict.fromkeys(("park", "park gate", "public park"), "park"),
    **dict.fromkeys(("square", "plaza"), "square"),
    **dict.fromkeys(("cafe", "café", "coffee shop", "tea house", "teahouse"), "cafe"),
    **dict.fromkeys(("food court", "street food stall", "noodle shop", "food stand"), "fast_food"),
    **dict.fromkeys(("bank",), "bank"),
    **dict.fromkeys(("clinic",), "hospital"),
    **dict.fromkeys(("airport",), "airport"),
    **dict.fromkeys(("temple",), "place_of_worship"),
    **dict.fromkeys(("museum",), "museum"),
    **dict.fromkeys(("beach",), "beach"),
    **dict.fromkeys(("scenic area", "scenic spot", "tourist spot"), "attraction"),
    **dict.fromkeys(("shopping centre", "shopping center", "department store"), "mall"),
    **dict.fromkeys(("night club",), "nightclub"),
    **dict.fromkeys(("karaoke room", "ktv room"), "karaoke_box"),
    **dict.fromkeys(("parking space", "parking spot", "parking bay"), "parking"),
    **dict.fromkeys(
        ("bus", "taxi", "train", "subway train", "metro train", "high-speed train", "ferry"),
        "station",
    ),
    **dict.fromkeys(("bus station", "railway station", "ticket hall"), "station"),
    **dict.fromkeys(
        ("building", "apartment building", "residential compound", "stairs", "staircase"),
        "residential",
    ),
    **dict.fromkeys(("street", "road", "sidewalk", "pavement", "bike lane", "roadside"), "outdoor"),
    **dict.fromkeys(("hotel lobby", "hostel room", "room"), "hotel"),
    **dict.fromkeys(("swimming pool", "pool", "sports centre", "stadium"), "sports_centre"),
    **dict.fromkeys(("cab", "ferry", "sleeper train", "tram"), "station"),
    **dict.fromkeys(("waiting room", "waiting hall", "ticket office", "platform"), "station"),
    **dict.fromkeys(("reception", "front desk"), "hotel"),
    **dict.fromkeys(("pier", "ferry terminal", "wharf"), "ferry_terminal"),
    **dict.fromkeys(
        ("lake", "lakeside", "river", "riverside", "riverbank", "waterfront", "canal"), "outdoor"
    ),
    **dict.fromkeys(("bridge", "footbridge", "underpass", "overpass", "tunnel"), "outdoor"),
    **dict.fromkeys(("old town", "ancient town", "old city", "water town"), "attraction"),
    **dict.fromkeys(("pedestrian street", "walking street", "shopping street"), "outdoor"),
    **dict.fromkeys(("bar street",), "bar"),
    **dict.fromkeys(
        ("massage parlour", "massage parlor", "massage place", "foot massage place", "spa"),
        "massage",
    ),
    **dict.fromkeys(("hair salon", "barbershop", "barber shop", "nail salon"), "beauty"),
    **dict.fromkeys(("gas station", "petrol station"), "fuel"),
    **dict.fromkeys(("public toilet", "toilets", "restroom", "bathroom"), "toilets"),
    **dict.fromkeys(("zoo", "aquarium", "theme park", "amusement park"), "attraction"),
    **dict.fromkeys(("church", "mosque", "pagoda"), "place_of_worship"),
    **dict.fromkeys(("post office",), "post_office"),
    **dict.fromkeys(("cinema", "movie theater", "movie theatre"), "cinema"),
    **dict.fromkeys(("bakery", "market stall", "stall"), "shop"),
}

#: Chains everyone names without a suffix (星巴克, 肯德基, "the 7-Eleven") → kind: proper names.
#: Words that are also common words (全家, 物美价廉) are left out.
CHAINS: dict[str, str] = {
    **dict.fromkeys(("星巴克", "瑞幸", "喜茶", "蜜雪冰城", "Starbucks", "Luckin"), "cafe"),
    **dict.fromkeys(
        ("肯德基", "麦当劳", "必胜客", "汉堡王", "德克士", "海底捞", "KFC", "McDonald's"),
        "fast_food",
    ),
    **dict.fromkeys(("Pizza Hut", "Burger King", "Haidilao"), "fast_food"),
    **dict.fromkeys(("沃尔玛", "家乐福", "大润发", "华润万家", "Walmart"), "supermarket"),
    **dict.fromkeys(("Carrefour", "Costco", "Sam's Club"), "supermarket"),
    **dict.fromkeys(("罗森", "便利蜂", "美宜佳", "7-11", "7-Eleven", "7-eleven"), "convenience"),
    **dict.fromkeys(("FamilyMart", "Family Mart", "Lawson"), "convenience"),
    **dict.fromkeys(("宜家", "IKEA", "Ikea", "苏宁", "国美"), "mall"),
    # banks by their house name (工商银行门口); a bank alone is an institution (冒充银行)
    **dict.fromkeys(
        (
            *("工商银行", "建设银行", "农业银行", "中国银行", "交通银行", "招商银行"),
            *("邮政储蓄银行", "邮储银行", "农商银行", "农村信用社", "信用社"),
            *("建行", "农行", "招行"),
        ),
        "bank",
    ),
}

#: Kind → the OSM tags (``key=value``) of its features; empty: never on the map.
KIND_TAGS: dict[str, tuple[str, ...]] = {
    "marketplace": ("amenity=marketplace",),
    "parking": ("amenity=parking",),
    "bicycle_parking": ("amenity=bicycle_parking",),
    "school": ("amenity=school",),
    "kindergarten": ("amenity=kindergarten",),
    "karaoke_box": ("amenity=karaoke_box",),
    "internet_cafe": ("amenity=internet_cafe",),
    # no OSM tag names a mahjong room; the nearest is an adult gaming centre
    "gaming_centre": ("leisure=adult_gaming_centre",),
    "fast_food": ("amenity=fast_food", "amenity=restaurant"),
    "restaurant": ("amenity=restaurant", "amenity=fast_food"),
    "bar": ("amenity=bar", "amenity=pub"),
    "nightclub": ("amenity=nightclub",),
    "bus_stop": ("highway=bus_stop",),
    "station": ("railway=station", "railway=subway_entrance"),
    "bank": ("amenity=bank",),
    "atm": ("amenity=atm",),
    "hospital": ("amenity=hospital",),
    "mall": ("shop=mall",),
    "cinema": ("amenity=cinema",),
    "supermarket": ("shop=supermarket",),
    "park": ("leisure=park",),
    "residential": (),
    "outdoor": (),
    "shop": (),
    "massage": ("shop=massage",),
    "hotel": ("tourism=hotel",),
    "nursing_home": ("amenity=social_facility",),
    "sports_centre": ("leisure=sports_centre",),
    "attraction": ("tourism=attraction",),
    "square": ("place=square",),
    "office": ("office=company",),
    "construction": ("landuse=construction",),
    "canteen": (),
    "library": ("amenity=library",),
    "pitch": ("leisure=pitch",),
    "cafe": ("amenity=cafe",),
    "playground": ("leisure=playground",),
    "fitness_centre": ("leisure=fitness_centre",),
    "parcel_locker": ("amenity=parcel_locker",),
    "post_depot": ("amenity=post_depot",),
    "community_centre": ("amenity=community_centre",),
    "pharmacy": ("amenity=pharmacy",),
    "convenience": ("shop=convenience",),
    "airport": ("aeroway=aerodrome",),
    "place_of_worship": ("amenity=place_of_worship",),
    "museum": ("tourism=museum",),
    "beach": ("natural=beach",),
    "fuel": ("amenity=fuel",),
    "toilets": ("amenity=toilets",),
    "beauty": ("shop=beauty",),
    "farmland": ("landuse=farmland",),
    "townhall": ("amenity=townhall",),
    "services": ("highway=services",),
    "ferry_terminal": ("amenity=ferry_terminal",),
    "post_office": ("amenity=post_office",),
    "vehicle": (),
    "water": ("natural=water",),
    "taxi": ("amenity=taxi",),
    "industrial": ("landuse=industrial",),
}

#: Chinese relation words after a landmark → relation.
RELATIONS: dict[str, str] = {
    **dict.fromkeys(("门口", "大门口", "大门", "正门", "门前", "出口", "入口", "巷子口"), "gate"),
    # spoken northern 儿 inside a word of relation (边儿上, 跟前儿)
    **dict.fromkeys(("边儿上",), "beside"),
    **dict.fromkeys(("跟前儿",), "near"),
    **dict.fromkeys(("外面", "外边", "外头"), "outside"),
    **dict.fromkeys(("东门", "西门", "南门", "北门", "后门", "侧门"), "gate"),
    **dict.fromkeys(("对面", "马路对面", "对过"), "opposite"),
    **dict.fromkeys(("旁边", "边上", "隔壁", "旁"), "beside"),
    **dict.fromkeys(("附近", "周边", "一带", "跟前"), "near"),  # 跟前: spoken, right by
    **dict.fromkeys(("楼下", "底下", "下面", "底"), "below"),  # 天桥底下, 高架桥底
    **dict.fromkeys(("后面", "背后", "后头"), "behind"),
    **dict.fromkeys(("前面",), "front"),
    **dict.fromkeys(("东侧", "东边", "西侧", "西边", "南侧", "南边", "北侧", "北边"), "side"),
    **dict.fromkeys(("东头", "西头", "南头", "北头"), "side"),  # spoken: 菜市场东头
    **dict.fromkeys(("里面", "里头", "里", "内", "上"), "inside"),
}
#: English relation words before a landmark → relation.
EN_RELATIONS: dict[str, str] = {
    "across from": "opposite",
    "across the road from": "opposite",
    "across the street from": "opposite",
    "opposite": "opposite",
    "at the gate of": "gate",
    "at the entrance of": "gate",
    "at the entrance to": "gate",
    "outside": "gate",
    "in front of": "front",
    "next to": "beside",
    "beside": "beside",
    "near": "near",
    "close to": "near",
    "behind": "behind",
    "below": "below",
    "under": "below",
}
#: Relations that put the event off the landmark itself (its point is only near it).
OFFSET_RELATIONS = frozenset({"opposite", "beside", "near", "behind", "front", "side", "below"})
#: Capitalised words after "at" / "in" that name no place (a time, a language, an app).
EN_NOT_PLACES = frozenset(
    """I I'm Im Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
    April May June July August September October November December Christmas English Chinese
    Mandarin WeChat Wechat Alipay Telegram WhatsApp Whatsapp Taobao Douyin TikTok Instagram
    Facebook Tinder Bumble Hinge Line QQ RMB CNY USD AM PM China Weibo Xianyu Didi DiDi Meituan
    Ele Pinduoduo JD Jingdong Amazon Binance USDT Bitcoin Skype Zoom Signal Apple Huawei
    Xiaomi Google Gmail Email My The A An This That Our Exit Gate""".split()  # noqa: SIM905
)
#: Words that say what a market or a street is for (劳务市场, 批发市场, 步行街): no name.
TRADES = frozenset(
    {
        *("劳务", "批发", "农贸", "商业", "步行", "美食", "小吃", "建材", "家具", "服装"),
        *("二手", "花鸟", "水果", "海鲜", "蔬菜", "人才", "酒吧", "夜宵", "会议", "购物"),
        *("活动", "文化", "社区"),
        # what a centre is for (健身中心, 社区服务中心, 老年人活动中心)
        *("服务", "健身", "体检", "培训", "康复", "养老", "洗浴", "休闲", "娱乐", "便民", "政务"),
    }
)
#: Whom a place is for, before its trade (老年人活动中心, 社区服务中心): still no name.
SERVED = frozenset(
    {"老年", "老年人", "老干部", "社区", "街道", "市民", "青少年", "儿童", "妇女", "职工", "居民"}
)

"""Demo step: about 60 registered police–citizen groups (警民群) whose simulated messages go
through the chat intake, and a month of simulated drills (演练).

For ``pingan demo`` only, safe to run again (it does nothing once the simulated groups are
there). Everything is marked simulated: the groups and drills by their flag, the drafts the
chat intake makes from the messages by theirs, and every message and draft text by the
mark "（模拟）". Most groups are kept: questions are answered within minutes. A few are
neglected (no officer message for ten days, questions left waiting), so the chief's
dashboard and the weekly health have something to show.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shapely.geometry import Point, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.algo.synth import SIMULATED_MARK_ZH
from pingan.community import drills, groups
from pingan.community.group_schemas import ChatGroupCreate, DrillCreate
from pingan.community.models import ChatGroup, ChatPlatform, Drill, DrillKind, VolunteerTeam
from pingan.config import Settings
from pingan.db import utcnow
from pingan.demo.accounts import Progress, operator
from pingan.incidents import chat
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

SEED = 15
#: External ids of the demo's groups start with this (how a later run knows they exist).
EXTERNAL_PREFIX = "sim-"
#: Groups per grid: (grid, owning officer, the name officers write under).
GRIDS: tuple[tuple[str, str, str, int], ...] = (
    ("grid-a1", "officer_a", "东街社区民警王警官", 22),
    ("grid-a2", "officer_a", "东街二网格李警官", 20),
    ("grid-b1", "chief_b", "西湖派出所赵警官", 18),
)
PLACES: tuple[str, ...] = (
    "幸福里", "锦绣花园", "和平小区", "光明里", "东街夜市", "翠湖苑", "阳光新城", "枫林湾",
    "春晖小区", "金桂园", "康乐坊", "滨江花园", "紫荆苑", "朝阳里", "丰泽园", "百花巷",
    "书香门第", "兴华路商户", "长青社区", "东街烧烤街", "新华里", "建设小区", "向阳花园",
    "明珠苑", "桃源居", "泰和家园", "御景湾", "海棠苑", "育才路", "文化广场商户",
    "西湖人家", "湖畔雅居", "柳浪小区", "荷塘月色", "西湖夜市", "南屏里", "曲院小区",
    "断桥商户", "孤山路", "玉泉苑", "北山街", "宝石山下", "龙井路", "梅家坞", "九溪花园",
    "虎跑路", "满觉陇", "灵隐路商户", "天竺苑", "茅家埠", "杨公堤", "花港小区", "三台山",
    "赤山埠", "丁家山", "金沙港", "浴鹄湾", "乌龟潭", "郭庄", "曲苑风荷",
)  # fmt: skip
#: Every how-manieth group is neglected (no officer message for the last ten days).
NEGLECTED_EVERY = 9

QUESTIONS: tuple[tuple[str, str], ...] = (
    ("请问{place}东门晚上几点关门？", "晚上十一点关，有急事可以打110"),
    ("办居住证是去派出所还是社区？", "居住证在派出所户籍窗口办理，带上身份证和租房合同"),
    ("有人知道电动车上牌要带什么材料吗", "带身份证、购车发票和合格证，去车管服务站办理"),
    ("{place}门口的路灯坏了有人管么", "已经联系物业，明天上午来修"),
    ("晚上夜市那边烧烤摊是不是营业到凌晨两点？", "按规定十二点前收摊，我们会去提醒"),
    ("接到自称快递客服的电话说要理赔，是不是骗子？", "别信，直接挂掉电话，拿不准可以打96110咨询"),
    ("孩子身份证丢了补办要多久", "一般20个工作日，可以先办临时身份证"),
    ("小区里有陌生人挨家挨户推销，能报警吗", "可以，我们马上安排巡逻过去看看"),
)  # fmt: skip
REPORTS: tuple[str, ...] = (
    "我放在{place}3栋楼下的电瓶车昨天夜里被人偷了，绿色的雅迪",
    "{place}南门有两个人喝多了在吵架，快打起来了",
    "{place}地下车库消防通道堆满了杂物，还有人在楼道里给电动车充电",
    "{place}有个老人走失了，穿灰色外套，说不清家在哪",
)
CHATTER: tuple[str, ...] = ("谢谢民警同志！", "辛苦了👍", "收到", "大家晚上好", "好的，明白了")
NOTICES: tuple[str, ...] = (
    "各位邻居晚上好，夏季治安巡逻今晚开始，有情况随时在群里说",
    "今天上午社区有反诈宣传活动，欢迎参加",
    "最近电动车被盗多发，请大家停车后上锁，不要在楼道充电",
)
CITIZENS: tuple[str, ...] = ("李阿姨", "张三", "小陈", "刘女士", "赵师傅", "王大爷", "孙先生")


@dataclass(frozen=True)
class DemoDrill:
    kind: DrillKind
    scenario: str
    place_text: str


DRILLS: tuple[DemoDrill, ...] = (
    DemoDrill(DrillKind.fight, "烧烤街两桌食客酒后斗殴，一人持酒瓶伤人", "东街烧烤一条街"),
    DemoDrill(DrillKind.fire, "KTV包厢起火，疏散顾客并引导消防车", "东街18号KTV"),
    DemoDrill(DrillKind.missing_person, "夜市走失一名6岁儿童，封控出口并广播寻人", "东街夜市"),
    DemoDrill(DrillKind.crowd, "商场周年庆人流拥挤，防踩踏疏导", "西湖银泰商场"),
    DemoDrill(DrillKind.fight, "大排档醉酒滋事，劝离并保护现场", "西湖夜市大排档"),
    DemoDrill(DrillKind.fire, "电动车楼道充电起火，组织住户疏散", "和平小区5栋"),
)


def _say(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    group: ChatGroup,
    grid: str,
    rows: Sequence[tuple[datetime, str, str]],
) -> None:
    for sent_at, sender, text in rows:
        outcome = chat.post_chat_message(
            db_session,
            settings,
            principal,
            group=group.name,
            sender=sender,
            sent_at=sent_at,
            text=text + SIMULATED_MARK_ZH,
            jurisdiction_code=grid,
            geocode=lambda _text: None,
            simulated=True,
        )
        groups.link_messages(db_session, [outcome.message.id])


def _conversation(
    rng: random.Random, place: str, officer: str, at: datetime, answered: bool
) -> list[tuple[datetime, str, str]]:
    """One exchange of a group: a question with (or without) the officer's answer, a report
    with the officer's word, or chatter and a notice."""
    citizen = rng.choice(CITIZENS)
    pick = rng.random()
    if pick < 0.55:
        question, answer = rng.choice(QUESTIONS)
        rows = [(at, citizen, question.format(place=place))]
        if answered:
            rows.append((at + timedelta(minutes=rng.randint(3, 45)), officer, answer))
        return rows
    if pick < 0.7:
        rows = [(at, citizen, rng.choice(REPORTS).format(place=place))]
        if answered:
            rows.append(
                (at + timedelta(minutes=rng.randint(2, 20)), officer, "收到，已安排人员处理")
            )
        return rows
    rows = [(at, citizen, rng.choice(CHATTER))]
    if answered:
        rows.insert(0, (at - timedelta(minutes=30), officer, rng.choice(NOTICES)))
    return rows


def _group_data(index: int, place: str, grid: str, owner: str, sender: str) -> ChatGroupCreate:
    platform = (
        ChatPlatform.wechat,
        ChatPlatform.wechat,
        ChatPlatform.wecom,
        ChatPlatform.dingtalk,
    )[index % 4]
    return ChatGroupCreate(
        platform=platform,
        external_id=f"{EXTERNAL_PREFIX}{platform.value}-{index:03d}",
        name=f"{place}警民群（模拟）",
        grid_code=grid,
        officer=owner,
        officer_senders=[sender],
        member_count=80 + (index * 37) % 420,
        created_on=date(2024, 1 + index % 12, 1 + index % 28),
    )


def seed_groups(db_session: Session, settings: Settings, progress: Progress) -> int:
    """Register the demo's groups and feed four weeks of their simulated messages through
    the chat intake; how many groups were made (0 when they exist already)."""
    there = db_session.scalar(
        select(ChatGroup.id).where(ChatGroup.external_id.startswith(EXTERNAL_PREFIX)).limit(1)
    )
    if there is not None:
        progress("group chats", 1.0)
        return 0
    principal = operator(db_session)
    rng = random.Random(SEED)
    now = utcnow().replace(second=0, microsecond=0)
    made = 0
    total = sum(count for *_, count in GRIDS)
    for grid, owner, sender, count in GRIDS:
        for _ in range(count):
            place = PLACES[made % len(PLACES)]
            data = _group_data(made, place, grid, owner, sender)
            group = groups.register_group(db_session, principal, data, simulated=True)
            neglected = made % NEGLECTED_EVERY == NEGLECTED_EVERY - 1
            rows: list[tuple[datetime, str, str]] = []
            for day in range(28, 0, -1):
                if rng.random() > 0.3:
                    continue
                at = now - timedelta(days=day, hours=rng.randint(0, 12))
                answered = not (neglected and day <= 10) and rng.random() > 0.08
                rows += _conversation(rng, place, sender, at, answered)
            if not neglected:  # a kept group hears from its officer every few days
                for day in range(26, 0, -5):
                    at = now - timedelta(days=day, hours=rng.randint(12, 14))
                    rows.append((at, sender, rng.choice(NOTICES)))
            _say(db_session, settings, principal, group, grid, sorted(rows))
            made += 1
            progress("group chats", made / total)
    return made


def _spot(node: Jurisdiction, rng: random.Random) -> tuple[float | None, float | None]:
    """A point inside the node's boundary (none without one)."""
    if not node.boundary:
        return None, None
    area = shape(json.loads(node.boundary))
    point = area.representative_point()
    for _ in range(20):
        minx, miny, maxx, maxy = area.bounds
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if area.contains(Point(x, y)):
            return y, x
    return point.y, point.x


def seed_drills(db_session: Session, settings: Settings, progress: Progress) -> int:
    """Two simulated drills a week over the last four weeks, alternating the stations, with
    the station's teams when it has any; how many were made (0 when they exist already)."""
    principal = operator(db_session)
    if db_session.scalar(select(Drill.id).where(Drill.simulated.is_(True)).limit(1)):
        progress("drills", 1.0)
        return 0
    rng = random.Random(SEED + 1)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    made = 0
    for n in range(8):
        station_code = ("station-a", "station-b")[n % 2]
        station = jurisdictions.get_by_code(db_session, station_code)
        teams = db_session.scalars(
            select(VolunteerTeam.id).where(VolunteerTeam.jurisdiction_id == station.id)
        ).all()
        drill = DRILLS[n % len(DRILLS)]
        lat, lon = _spot(station, rng)
        data = DrillCreate(
            kind=drill.kind,
            scenario=drill.scenario + SIMULATED_MARK_ZH,
            held_at=now - timedelta(days=27 - n * 3.5, hours=rng.randint(0, 4)),
            jurisdiction_code=station_code,
            place_text=drill.place_text,
            lat=lat,
            lon=lon,
            police_count=rng.randint(3, 8),
            venue_staff_count=rng.randint(2, 12),
            team_ids=list(teams),
            assemble_s=rng.randint(150, 420),
            first_action_s=rng.randint(60, 240),
            outcome="按预案完成处置（模拟）",
            lessons=rng.choice(
                ("对讲机频道需提前统一", "志愿者应先疏散围观群众", "夜间照明不足，需配头灯")
            ),
        )
        drills.record_drill(db_session, principal, data, simulated=True)
        made += 1
        progress("drills", made / 8)
    return made


def seed_community_groups(db_session: Session, settings: Settings, progress: Progress) -> None:
    """The demo step: the group chats and the drills."""
    seed_groups(db_session, settings, progress)
    seed_drills(db_session, settings, progress)

"""Demo step: the fire-safety ledgers (消防台账).

Helsinki's venues are its real OpenStreetMap places (bars, pubs, nightclubs, cinemas,
restaurants …, marked ``osm``). Everything else is **simulated** and marked so (source
``simulated``, names ending in "（模拟）"): 136 buildings with fire control rooms on road
nodes of the stations' areas (Coquimbo's weighted by its zones' population), Coquimbo's
venues (its extract has no places), a summer of duty records, inspections and the hazards
they found (some rectified on time, some late, some still overdue), drills and training.
Safe to run again: nothing is added once the simulated ledger exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.config import Settings
from pingan.db import utcnow
from pingan.demo.accounts import Progress, operator
from pingan.demo.units import GIVEN, SURNAMES, area_ground, demo_city
from pingan.jurisdictions import service as jurisdictions
from pingan.ledgers import (
    checklists,
    control_rooms,
    duty,
    hazards,
    inspections,
    sites,
    training,
    venues,
)
from pingan.ledgers.models import (
    InspectionKind,
    ItemResult,
    Reinspection,
    SessionKind,
    Severity,
    Site,
    SiteCategory,
    Source,
)
from pingan.ledgers.schemas import (
    ControlRoomWrite,
    InspectionWrite,
    ItemWrite,
    OperatorWrite,
    ReinspectionWrite,
    ShiftWrite,
    SiteWrite,
    SystemState,
    TrainingWrite,
)
from pingan.principal import Principal

SEED = 2614
C = SiteCategory
MARK = "（模拟）"


@dataclass(frozen=True)
class LedgerArea:
    """Where a station's simulated ledger lies."""

    city: str
    half: str
    station: str
    prefix: str
    rooms: int
    venues: int


#: 70 + 36 + 30 = 136 control rooms.
AREAS = (
    LedgerArea("helsinki", "east", "station-a", "HA", 70, 0),
    LedgerArea("helsinki", "west", "station-b", "HB", 36, 0),
    LedgerArea("coquimbo", "", "demo-bureau", "CQ", 30, 140),
)
BUILDINGS = (
    (C.high_rise, "大厦", "24h"),
    (C.mall, "商场", "10:00-22:00"),
    (C.hotel, "宾馆", "24h"),
    (C.hospital, "医院", "24h"),
    (C.factory, "工厂", "08:00-18:00"),
)
VENUES = (
    (C.ktv, "KTV", "14:00-02:00"),
    (C.bar, "酒吧", "18:00-02:00"),
    (C.internet_cafe, "网吧", "24h"),
    (C.chess_room, "棋牌室", "10:00-24:00"),
    (C.restaurant, "餐馆", "10:00-22:00"),
    (C.cinema, "影院", "10:00-24:00"),
)
#: Duty records are simulated for this many control rooms per area.
DUTY_ROOMS = 6
#: Helsinki OSM venues inspected per station.
OSM_INSPECTED = 40


def _summer(now: datetime) -> tuple[date, date]:
    year = now.year if now.month >= 9 else now.year - 1
    return date(year, 6, 1), date(year, 8, 31)


def _name(rng: np.random.Generator) -> str:
    return SURNAMES[int(rng.integers(len(SURNAMES)))] + GIVEN[int(rng.integers(len(GIVEN)))]


def _phone(rng: np.random.Generator) -> str:
    return f"139{int(rng.integers(10**8)):08d}"


def _points(
    db_session: Session, settings: Settings, area: LedgerArea, k: int, seed: int
) -> list[tuple[float, float]]:
    """``k`` road nodes of the area, drawn in proportion to its weight (population)."""
    city = demo_city(db_session, area.city)
    if city is None or k <= 0:
        return []
    ground = area_ground(settings, city, area.half)
    rng = np.random.default_rng(seed)
    pick = rng.choice(ground.lat.size, size=k, replace=False, p=ground.weight / ground.weight.sum())
    return [(float(ground.lat[i]), float(ground.lon[i])) for i in pick]


def _operators(rng: np.random.Generator, today: date) -> list[OperatorWrite]:
    out = []
    for n in range(int(rng.integers(2, 4))):
        roll = rng.random()
        days = (
            -int(rng.integers(5, 90))
            if roll < 0.05
            else (int(rng.integers(5, 60)) if roll < 0.15 else int(rng.integers(120, 1000)))
        )
        out.append(
            OperatorWrite(
                name=_name(rng),
                certificate_no=f"XF{int(rng.integers(10**9)):09d}{n}",
                level=("五级", "四级", "三级")[int(rng.integers(3))],
                expires_on=today + timedelta(days=days),
            )
        )
    return out


def _site(
    code: str, kind: tuple[SiteCategory, str, str], number: int, point: tuple[float, float],
    rng: np.random.Generator,
) -> SiteWrite:  # fmt: skip
    category, label, hours = kind
    return SiteWrite(
        code=code,
        name=f"模拟{label}{number}号{MARK}",
        category=category,
        address=f"模拟路{number}号{MARK}",
        lat=point[0],
        lon=point[1],
        responsible_name=_name(rng),
        responsible_phone=_phone(rng),
        manager_name=_name(rng),
        manager_phone=_phone(rng),
        opening_hours=hours,
        key_unit=category in (C.high_rise, C.mall, C.hotel, C.hospital),
    )


def _seed_area(
    db_session: Session,
    settings: Settings,
    admin: Principal,
    area: LedgerArea,
    summer: tuple[date, date],
    rng: np.random.Generator,
) -> list[str]:
    """The area's simulated buildings with control rooms and venues; the room codes."""
    station = jurisdictions.get_by_code(db_session, area.station)
    points = _points(db_session, settings, area, area.rooms + area.venues, SEED + len(area.prefix))
    zone = ZoneInfo(settings.time_zone)
    today = utcnow().astimezone(zone).date()
    rooms = []
    for number, point in enumerate(points, start=1):
        is_room = number <= area.rooms
        kind = (BUILDINGS if is_room else VENUES)[
            int(rng.integers(len(BUILDINGS if is_room else VENUES)))
        ]
        code = f"SIM-{area.prefix}-{number:03d}"
        body = _site(code, kind, number, point, rng)
        placed = sites.Placed(station, None, point[0], point[1])
        sites.add_site(db_session, settings, admin, body, source=Source.simulated, placed=placed)
        if not is_room:
            continue
        surveyed = rng.random() < 0.85
        day = summer[0] + timedelta(days=int(rng.integers(0, 92)))
        systems = {
            name: SystemState(mode="manual" if rng.random() < 0.04 else "auto")
            for name in ("alarm_controller", "linkage_controller", "sprinkler_pump", "hydrant_pump")
        }
        room = ControlRoomWrite(
            code=f"{code}-CR",
            site_code=code,
            location=f"一层消防控制室{MARK}",
            systems=systems,
            surveyed_at=datetime.combine(day, time(10), zone) if surveyed else None,
            operators=_operators(rng, today),
        )
        control_rooms.add_room(db_session, admin, room, source=Source.simulated)
        rooms.append(room.code)
    return rooms


def _shift(room: ControlRoomWrite, start: datetime, rng: np.random.Generator) -> ShiftWrite:
    """One 8-hour shift: mostly by the rules; now and then one that breaks one."""
    people = [{"name": o.name, "certificate_no": o.certificate_no} for o in room.operators[:2]]
    roll = rng.random()
    if roll < 0.03:
        people = people[:1]
    elif roll < 0.05:
        people = [people[0], {"name": "临时顶班" + MARK}]
    hours = [1.5, 3.5, 5.5, 7.5] if rng.random() > 0.04 else [1.0, 6.0]
    alarms = []
    if rng.random() < 0.12:
        received = start + timedelta(hours=float(rng.uniform(0.2, 7.5)))
        delay = float(rng.lognormal(np.log(90), 0.6))
        nature = "fault" if rng.random() < 0.25 else "false_alarm"
        alarms.append(
            {
                "received_at": received,
                "confirmed_at": received + timedelta(seconds=min(delay, 3000)),
                "nature": nature,
                "location": "三层烟感" + MARK,
                "cause": "误报" if nature == "false_alarm" else "探测器故障",
                "handling": "复位",
                "reported": nature != "fault" or rng.random() < 0.8,
            }
        )
    manual = rng.random() < 0.02
    return ShiftWrite.model_validate(
        {
            "control_room_code": room.code,
            "starts_at": start,
            "ends_at": start + timedelta(hours=8),
            "on_duty": people,
            "handover_to": "下一班" + MARK,
            "systems": {"sprinkler_pump": {"mode": "manual" if manual else "auto"}},
            "daily_check": {
                "self_test": True,
                "silence": True,
                "reset": True,
                "main_power": True,
                "backup_power": True,
            },
            "entries": [start + timedelta(hours=h) for h in hours],
            "alarms": alarms,
        }
    )


def _duty(
    db_session: Session,
    settings: Settings,
    admin: Principal,
    codes: list[str],
    days: list[date],
    rng: np.random.Generator,
) -> int:
    zone = ZoneInfo(settings.time_zone)
    shifts = []
    for code in codes:
        room = control_rooms.get_room(
            db_session, admin, control_rooms.room_by_code(db_session, admin, code)[0].id
        )
        written = ControlRoomWrite(
            code=code,
            site_code=room["site_code"],
            operators=[OperatorWrite(name=o["name"], certificate_no=o["certificate_no"])
                       for o in room["operators"]],
        )  # fmt: skip
        for day in days:
            for hour in (0, 8, 16):
                start = datetime.combine(day, time(hour), zone)
                shifts.append(_shift(written, start, rng))
    return duty.add_simulated_shifts(db_session, settings, shifts)


def _inspect(
    db_session: Session,
    settings: Settings,
    admin: Principal,
    site: Site,
    at: datetime,
    rng: np.random.Generator,
) -> None:
    """A check of the site in the summer; failed items open hazards, most of which a later
    re-inspection closes (on time or late), the rest stay open and go overdue."""
    items = checklists.checklist(site.category)
    written = []
    for item in items:
        failed = rng.random() < 0.12
        spot = failed and item.on_spot and rng.random() < 0.4
        severity = Severity.major if failed and rng.random() < 0.15 else Severity.ordinary
        written.append(
            ItemWrite(
                code=item.code,
                result=ItemResult.failed if failed else ItemResult.passed,
                note=("现场发现" + MARK) if failed else "",
                corrected_on_spot=spot,
                severity=severity,
            )
        )
    body = InspectionWrite(
        site_id=site.id, at=at, inspectors=["消防专干", "东街民警"], items=written,
        signature=_name(rng), lat=site.lat, lon=site.lon, note=MARK,
    )  # fmt: skip
    inspection, _ = inspections.record_inspection(
        db_session, settings, admin, body, source=Source.simulated
    )
    opened = hazards.hazard_rows(db_session, admin, site_ids=[site.id], state="open")
    for hazard in opened:
        if hazard["inspection_id"] != inspection.id or rng.random() > 0.65:
            continue  # left open: overdue by now
        late = rng.random() < 0.25
        days = int(rng.integers(3, 14)) + (20 if late else 0)
        again = InspectionWrite(
            site_id=site.id, kind=InspectionKind.reinspection, at=at + timedelta(days=days),
            inspectors=["消防专干"], signature=_name(rng), note=MARK,
            items=[ItemWrite(code=hazard["item_code"], result=ItemResult.passed)],
        )  # fmt: skip
        passed, _ = inspections.record_inspection(
            db_session, settings, admin, again, source=Source.simulated
        )
        hazards.reinspect(
            db_session,
            settings,
            admin,
            hazard["id"],
            ReinspectionWrite(outcome=Reinspection.corrected, inspection_id=passed.id),
        )


def seed_ledgers(db_session: Session, settings: Settings, progress: Progress) -> None:
    """The demo's ledgers (once): OSM venues, simulated buildings with control rooms, a
    summer of duty records, inspections, hazards, drills."""
    if db_session.scalar(select(Site.id).where(Site.source == Source.simulated).limit(1)):
        return
    admin = operator(db_session)
    rng = np.random.default_rng(SEED)
    now = utcnow()
    summer = _summer(now)
    if demo_city(db_session, "helsinki") is not None:
        venues.seed_venues(db_session, settings, admin, "helsinki")
    progress("ledgers: venues", 0.1)
    rooms: dict[str, list[str]] = {}
    for area in AREAS:
        if demo_city(db_session, area.city) is not None:
            rooms[area.station] = _seed_area(db_session, settings, admin, area, summer, rng)
    progress("ledgers: control rooms", 0.3)
    summer_days = [summer[0] + timedelta(days=d) for d in range((summer[1] - summer[0]).days + 1)]
    today = now.astimezone(ZoneInfo(settings.time_zone)).date()
    recent = [today - timedelta(days=d) for d in range(14, 0, -1)]
    for codes in rooms.values():
        _duty(db_session, settings, admin, codes[:DUTY_ROOMS], summer_days + recent, rng)
    progress("ledgers: duty records", 0.5)
    _inspections(db_session, settings, admin, summer, rng)
    progress("ledgers: inspections", 0.9)
    _training(db_session, admin, summer, rng)
    progress("ledgers: drills", 1.0)


def _inspections(
    db_session: Session,
    settings: Settings,
    admin: Principal,
    summer: tuple[date, date],
    rng: np.random.Generator,
) -> None:
    zone = ZoneInfo(settings.time_zone)
    found = sites.visible_sites(db_session, admin)
    chosen: list[Site] = []
    osm_per_station: dict[str, int] = {}
    for site, node in found:
        if site.source is Source.osm:
            osm_per_station[node.code] = osm_per_station.get(node.code, 0) + 1
            if osm_per_station[node.code] > OSM_INSPECTED:
                continue
        chosen.append(site)
    for site in chosen:
        day = summer[0] + timedelta(days=int(rng.integers(0, 80)))
        at = datetime.combine(day, time(int(rng.integers(10, 17))), zone)
        _inspect(db_session, settings, admin, site, at, rng)


def _training(
    db_session: Session, admin: Principal, summer: tuple[date, date], rng: np.random.Generator
) -> None:
    for site, _node in sites.visible_sites(db_session, admin):
        if site.source is not Source.simulated or rng.random() > 0.6:
            continue
        kind = (SessionKind.evacuation_drill, SessionKind.training,
                SessionKind.extinguisher_practice)[int(rng.integers(3))]  # fmt: skip
        count = int(rng.integers(8, 60))
        training.record_session(
            db_session,
            admin,
            TrainingWrite(
                site_id=site.id,
                held_on=summer[0] + timedelta(days=int(rng.integers(0, 92))),
                kind=kind,
                attendees=f"员工{count}人{MARK}",
                attendee_count=count,
                duration_min=int(rng.integers(30, 120)),
            ),
            source=Source.simulated,
        )

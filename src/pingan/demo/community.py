"""Demo step: two **simulated** volunteer teams of station A (红袖标 and 萤火虫, 40 each) with
a month of shifts on the active demo plan's posts and loops, their QR check-ins (a few late,
a few without check-out), verified shifts with their points, and clues from ``volunteer_a``
and the demo citizen, triaged by ``officer_a``.

Everything is marked simulated. ``volunteer_a`` is tied to the first volunteer of the
red-armband team, so the demo account lands on a phone page with shifts, clues and points.
Safe to run again: an existing simulated team keeps the step from running twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.community import checkins, clues, points, shifts, teams, volunteers
from pingan.community.clues import ClueInput
from pingan.community.models import (
    CheckKind,
    ClueStatus,
    PointKind,
    TeamKind,
    Volunteer,
    VolunteerStatus,
    VolunteerTeam,
)
from pingan.community.schemas import (
    CheckInRequest,
    ClueTriage,
    QualificationIn,
    ShiftCreate,
    TeamCreate,
    VolunteerCreate,
)
from pingan.config import Settings
from pingan.demo.accounts import Progress, operator, principal_of
from pingan.incidents.models import Incident
from pingan.jurisdictions import service as jurisdictions
from pingan.patrol.models import Plan, PlanStatus
from pingan.patrol.reads import load_plan

TEAM_SIZE = 40
DAYS = 30
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国玉兰"
SKILLS = ("first_aid", "driving", "lang_en", "mediation")
CLUE_TEXTS = (
    "东街夜市口最近几晚总有人在电动车棚附近转悠，拿着剪线钳",
    "锦绣花园3栋楼下的电瓶车昨天夜里被人偷了，绿色的雅迪，我看见一个戴帽子的男的往南门推走了",
    "烧烤街有两桌人喝多了吵起来，有人拿了酒瓶",
    "菜市场后门有人兜售来路不明的手机，价格很低",
    "公园东门有人发小广告，说能办理高息贷款，疑似诈骗",
    "小区门口的监控坏了一周了，晚上很黑",
    "KTV后巷经常有人聚集，凌晨还在喧哗",
    "河边步道有个老人迷路了，已经送回家，提醒家属注意",
)


def _name(rng: np.random.Generator) -> str:
    return str(rng.choice(list(SURNAMES))) + "".join(
        str(c) for c in rng.choice(list(GIVEN), size=int(rng.integers(1, 3)))
    )


def _active_plan(db_session: Session, station_id: int) -> Plan | None:
    plan_id = db_session.scalar(
        select(Plan.id).where(Plan.jurisdiction_id == station_id, Plan.status == PlanStatus.active)
    )
    return load_plan(db_session, plan_id)[0] if plan_id else None


def _team(
    db_session: Session,
    rng: np.random.Generator,
    name: str,
    kind: TeamKind,
    grid: str,
    first: int,
) -> tuple[VolunteerTeam, list[Volunteer]]:
    admin = operator(db_session)
    team = teams.create_team(
        db_session,
        admin,
        TeamCreate(
            station_code="station-a",
            name=name,
            kind=kind,
            home_grid_code=grid,
            leaderboard_opt_in=True,
        ),
        simulated=True,
    )
    members = []
    for index in range(TEAM_SIZE):
        body = VolunteerCreate(
            station_code="station-a",
            grid_code=grid,
            name=_name(rng),
            phone=f"139{first + index:08d}",
            skills=sorted({str(s) for s in rng.choice(SKILLS, size=int(rng.integers(0, 3)))}),
            availability=str(rng.choice(["平日晚上", "周末", "每天晚上", "周五周六晚上"])),
            team_id=team.id,
        )
        volunteer = volunteers.create_volunteer(db_session, admin, body, simulated=True)
        volunteers.change_status(db_session, admin, volunteer.id, VolunteerStatus.active)
        if "first_aid" in volunteer.skills:
            expires = datetime.now(UTC).date() + timedelta(days=int(rng.integers(-10, 400)))
            volunteers.set_qualification(
                db_session,
                admin,
                volunteer.id,
                QualificationIn(kind="first_aid", expires_on=expires),
            )
        members.append(volunteer)
    for volunteer in members[-3:]:
        volunteers.change_status(db_session, admin, volunteer.id, VolunteerStatus.paused)
    team.lead_volunteer_id = members[0].id
    db_session.flush()
    return team, members


def _duty(
    db_session: Session,
    settings: Settings,
    rng: np.random.Generator,
    plan: Plan,
    team: VolunteerTeam,
    members: list[Volunteer],
    offset: int,
) -> int:
    """A month of evening shifts (20:00-23:00) of the team, with check-ins; the shifts
    are verified by the demo operator (points)."""
    admin = operator(db_session)
    zone = ZoneInfo(settings.time_zone)
    points_of_plan = shifts.plan_points(plan)
    codes = {
        c["point"]: c["code"] for c in checkins.plan_codes(db_session, settings, admin, plan.id)
    }
    on_duty = [v for v in members if v.status is VolunteerStatus.active]
    today = datetime.now(zone).date()
    made = 0
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        point = points_of_plan[(back + offset) % len(points_of_plan)]
        starts = datetime(day.year, day.month, day.day, 20, 0, tzinfo=zone)
        crew = [on_duty[int(i)] for i in rng.choice(len(on_duty), size=4, replace=False)]
        shift = shifts.create_shift(
            db_session,
            admin,
            ShiftCreate(
                plan_id=plan.id,
                point_kind=point.kind,
                point_id=point.point_id,
                team_id=team.id,
                starts_at=starts,
                ends_at=starts + timedelta(hours=3),
                min_people=3,
                max_people=5,
                volunteer_ids=[v.id for v in crew],
            ),
            simulated=True,
        )
        for volunteer in crew:
            if rng.random() < 0.1:
                continue  # absent
            late = rng.random() < 0.15
            arrive = starts + timedelta(
                minutes=int(rng.integers(12, 40) if late else rng.integers(-10, 5))
            )
            request = CheckInRequest(code=codes[point.key], lat=point.lat, lon=point.lon)
            checkins.check_volunteer(
                db_session, settings, volunteer, request, now=arrive, simulated=True
            )
            if back > 1 and rng.random() < 0.08:
                continue  # forgot to check out
            leave = starts + timedelta(hours=3, minutes=int(rng.integers(-15, 10)))
            checkins.check_volunteer(
                db_session,
                settings,
                volunteer,
                request.model_copy(update={"kind": CheckKind.check_out}),
                now=leave,
                simulated=True,
            )
        points.verify_shift(db_session, settings, admin, shift.id)
        made += 1
    # tonight's shift on the first post, to sign up for and check in at
    tonight = datetime(today.year, today.month, today.day, 20, 0, tzinfo=zone)
    first = next(p for p in points_of_plan if p.kind is PointKind.post)
    shifts.create_shift(
        db_session,
        admin,
        ShiftCreate(
            plan_id=plan.id,
            point_kind=first.kind,
            point_id=first.point_id,
            team_id=team.id,
            starts_at=tonight,
            ends_at=tonight + timedelta(hours=3),
            min_people=4,
            max_people=6,
            volunteer_ids=[members[0].id, members[1].id],
        ),
        simulated=True,
    )
    return made


def _clues(db_session: Session, settings: Settings, rng: np.random.Generator) -> None:
    """Clues from volunteer_a and the citizen over the month, most triaged by officer_a."""
    volunteer = principal_of(db_session, "volunteer_a")
    citizen = principal_of(db_session, "citizen")
    officer = principal_of(db_session, "officer_a")
    if volunteer is None or citizen is None or officer is None:
        return
    station = jurisdictions.get_by_code(db_session, "station-a")
    incidents = list(
        db_session.scalars(
            select(Incident.id)
            .where(Incident.jurisdiction_id == station.id, Incident.simulated.is_(True))
            .order_by(Incident.id.desc())
            .limit(20)
        )
    )
    now = datetime.now(UTC)
    outcomes = [ClueStatus.linked, ClueStatus.useful, ClueStatus.useful, ClueStatus.duplicate]
    outcomes += [ClueStatus.rejected, ClueStatus.new]
    made: list[int] = []
    for index in range(24):
        who = volunteer if index % 3 == 0 else citizen
        text = CLUE_TEXTS[index % len(CLUE_TEXTS)]
        clue = clues.submit_clue(
            db_session,
            settings,
            who,
            ClueInput(text=text, station_code="station-a"),
            now=now - timedelta(days=DAYS - index, hours=int(rng.integers(0, 6))),
            simulated=True,
        )
        status = outcomes[index % len(outcomes)]
        if status is ClueStatus.linked and not incidents:
            status = ClueStatus.useful
        if status is ClueStatus.duplicate and not made:
            status = ClueStatus.useful
        if status is not ClueStatus.new:
            clues.triage(
                db_session,
                settings,
                officer,
                clue.id,
                ClueTriage(
                    status=status,
                    incident_id=incidents[index % len(incidents)]
                    if status is ClueStatus.linked
                    else None,
                    duplicate_of_id=made[-1] if status is ClueStatus.duplicate else None,
                    reason="信息不足，无法核实（模拟）" if status is ClueStatus.rejected else None,
                ),
            )
        made.append(clue.id)


def seed_community(db_session: Session, settings: Settings, progress: Progress) -> None:
    """The simulated teams, a month of duty and clues (once)."""
    exists = db_session.scalar(select(VolunteerTeam.id).where(VolunteerTeam.simulated.is_(True)))
    if exists is not None:
        progress("community", 1.0)
        return
    rng = np.random.default_rng(42)
    red, red_members = _team(
        db_session, rng, "东街红袖标（模拟）", TeamKind.red_armband, "grid-a1", 0
    )
    firefly, firefly_members = _team(
        db_session, rng, "东街萤火虫（模拟）", TeamKind.firefly, "grid-a2", 100
    )
    account = principal_of(db_session, "volunteer_a")
    if account is not None:
        volunteers.link_account(db_session, red_members[0], account.user_id)
    progress("community: volunteers", 0.3)
    station = jurisdictions.get_by_code(db_session, "station-a")
    plan = _active_plan(db_session, station.id)
    if plan is not None and shifts.plan_points(plan):
        _duty(db_session, settings, rng, plan, red, red_members, 0)
        progress("community: shifts", 0.6)
        _duty(db_session, settings, rng, plan, firefly, firefly_members, 3)
    progress("community: clues", 0.8)
    _clues(db_session, settings, rng)
    progress("community", 1.0)

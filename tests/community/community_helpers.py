"""Shared set-up for the community tests: an active patrol plan on station A with one post
and one loop, and volunteer records tied to the demo volunteer account (and to a station-B
volunteer account made here)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from pingan.auth import service as auth
from pingan.auth.models import User
from pingan.auth.schemas import GrantRead, UserCreate
from pingan.community import volunteers
from pingan.community.models import Volunteer, VolunteerStatus
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.jurisdictions import service as jurisdictions
from pingan.patrol.models import Plan, PlanPost, PlanRoute, PlanStatus
from pingan.policy import Role

#: A post inside station A (the east half of the demo city), and one in station B.
POST_A = (60.1699611, 24.9484908)
POST_B = (60.17, 24.94)
#: 50 m north of POST_A.
NEAR_A = (60.1704111, 24.9484908)


@dataclass(frozen=True)
class Setup:
    plan_a: int
    post_a: int
    route_a: int
    plan_b: int
    post_b: int
    volunteer_a: int
    volunteer_b: int


def _plan(db_session, station: str, at: tuple[float, float]) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    plan = Plan(
        jurisdiction_id=jurisdictions.get_by_code(db_session, station).id,
        city="helsinki",
        name=f"night {station}",
        groups=1,
        status=PlanStatus.active,
    )
    plan.posts.append(PlanPost(group_no=1, node=0, lat=at[0], lon=at[1]))
    plan.routes.append(
        PlanRoute(
            group_no=1,
            stops=[
                {"order": 0, "hotspot": 1, "node": 0, "lat": at[0], "lon": at[1] + 0.002},
                {"order": 1, "hotspot": 2, "node": 0, "lat": at[0] + 0.002, "lon": at[1]},
            ],
        )
    )
    db_session.add(plan)
    db_session.flush()
    return plan.id, plan.posts[0].id, plan.routes[0].id


def _volunteer(db_session, username: str, station: str, grid: str, name: str) -> int:  # type: ignore[no-untyped-def]
    user = db_session.scalar(select(User).where(User.username == username))
    volunteer = Volunteer(
        jurisdiction_id=jurisdictions.get_by_code(db_session, station).id,
        grid_id=jurisdictions.get_by_code(db_session, grid).id,
        name=name,
        phone="13800001111",
        skills=["first_aid"],
        status=VolunteerStatus.active,
    )
    db_session.add(volunteer)
    db_session.flush()
    volunteers.link_account(db_session, volunteer, user.id)
    return volunteer.id


def set_up(settings: Settings) -> Setup:
    """The plans, the station-B volunteer account and both volunteers' records."""
    engine = make_engine(settings.database_url)
    with unit_of_work(make_session_factory(engine)) as db_session:
        auth.create_user(
            db_session,
            UserCreate(
                username="volunteer_b",
                password=settings.demo_password,
                display_name="西湖志愿者",
                grants=[GrantRead(role=Role.volunteer, jurisdiction_code="grid-b1")],
            ),
        )
        plan_a, post_a, route_a = _plan(db_session, "station-a", POST_A)
        plan_b, post_b, _route_b = _plan(db_session, "station-b", POST_B)
        va = _volunteer(db_session, "volunteer_a", "station-a", "grid-a1", "王小明")
        vb = _volunteer(db_session, "volunteer_b", "station-b", "grid-b1", "李小红")
    engine.dispose()
    return Setup(plan_a, post_a, route_a, plan_b, post_b, va, vb)

"""Demo step: the demo district (one bureau, two police stations, a few grids) and one
account per role. Demo accounts exist only in demo mode; their password is
``settings.demo_password``. Outside demo mode a server refuses a database that still has
them (:mod:`pingan.auth.demo_guard`).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.auth import service as auth
from pingan.auth.models import User
from pingan.auth.schemas import GrantRead, UserCreate
from pingan.config import Settings
from pingan.errors import NotFound
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction, Level
from pingan.jurisdictions.schemas import JurisdictionCreate
from pingan.policy import Role
from pingan.principal import Principal

#: How a step reports progress: (what, fraction done).
Progress = Callable[[str, float], None]

#: The demo tree: (code, parent, level, 中文名, English name).
DEMO_TREE: tuple[tuple[str, str | None, Level, str, str], ...] = (
    ("demo-bureau", None, Level.bureau, "示范市公安局", "Demo City Public Security Bureau"),
    ("demo-sub", "demo-bureau", Level.sub_bureau, "城区分局", "Central Sub-bureau"),
    ("station-a", "demo-sub", Level.station, "东街派出所", "East Street Police Station"),
    ("station-b", "demo-sub", Level.station, "西湖派出所", "West Lake Police Station"),
    ("grid-a1", "station-a", Level.grid, "东街第一网格", "East Street Grid 1"),
    ("grid-a2", "station-a", Level.grid, "东街第二网格", "East Street Grid 2"),
    ("grid-b1", "station-b", Level.grid, "西湖第一网格", "West Lake Grid 1"),
)

#: One account per role: (username, role, where, display name).
DEMO_ACCOUNTS: tuple[tuple[str, Role, str, str], ...] = (
    ("admin", Role.admin, "demo-bureau", "系统管理员"),
    ("auditor", Role.auditor, "demo-bureau", "审计员"),
    ("chief_a", Role.station_chief, "station-a", "东街所长"),
    ("chief_b", Role.station_chief, "station-b", "西湖所长"),
    ("dispatcher_a", Role.dispatcher, "station-a", "东街值班员"),
    ("officer_a", Role.officer, "station-a", "东街民警"),
    ("analyst", Role.analyst, "demo-sub", "情报分析员"),
    ("fire_a", Role.fire_officer, "station-a", "消防专干"),
    ("antifraud_a", Role.antifraud_officer, "station-a", "反诈民警"),
    ("volunteer_a", Role.volunteer, "grid-a1", "平安志愿者"),
    ("citizen", Role.citizen, "demo-bureau", "市民"),
)

#: The demo account the steps act as (it holds admin on the bureau).
DEMO_OPERATOR = "admin"


def seed_accounts(db_session: Session, settings: Settings, progress: Progress) -> None:
    """Create the demo tree and accounts; safe to run again."""
    for code, parent, level, name_zh, name_en in DEMO_TREE:
        if db_session.scalar(select(Jurisdiction.id).where(Jurisdiction.code == code)) is None:
            jurisdictions.create(
                db_session,
                JurisdictionCreate(
                    code=code, parent_code=parent, level=level, name_zh=name_zh, name_en=name_en
                ),
            )
    for index, (username, role, where, display) in enumerate(DEMO_ACCOUNTS):
        if db_session.scalar(select(User.id).where(User.username == username)) is None:
            auth.create_user(
                db_session,
                UserCreate(
                    username=username,
                    password=settings.demo_password,
                    display_name=display,
                    grants=[GrantRead(role=role, jurisdiction_code=where)],
                ),
            )
        progress("accounts", (index + 1) / len(DEMO_ACCOUNTS))


def principal_of(db_session: Session, username: str) -> Principal | None:
    """The principal of a demo account, or ``None`` when it does not exist."""
    user = db_session.scalar(select(User).where(User.username == username))
    return auth.principal_for(db_session, user, client_addr="demo") if user else None


def operator(db_session: Session) -> Principal:
    """The demo operator's principal (the ``admin`` demo account)."""
    principal = principal_of(db_session, DEMO_OPERATOR)
    if principal is None:
        raise NotFound(f"the demo account {DEMO_OPERATOR!r} is missing; seed the accounts first")
    return principal

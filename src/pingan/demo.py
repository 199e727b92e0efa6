"""The demo district: one bureau, two police stations, a few grids, one account per role.

Each capability adds a step to :data:`DEMO_STEPS` ("module:function", called with
``(db_session, settings, progress)``), so ``pingan demo`` grows with the product.
Demo accounts exist only in demo mode; their password is ``settings.demo_password``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from pingan.auth import service as auth
from pingan.auth.models import Role, User
from pingan.auth.schemas import GrantRead, UserCreate
from pingan.config import DEMO_PASSWORD, Settings
from pingan.errors import ConfigError
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction, Level
from pingan.jurisdictions.schemas import JurisdictionCreate

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

DEMO_STEPS: tuple[str, ...] = (
    "pingan.demo:seed_accounts",
    "pingan.city.demo:import_cities",
    "pingan.dispatch.demo:seed_units",
    "pingan.dispatch.demo:seed_history",
    "pingan.dispatch.demo:seed_live_incidents",
    "pingan.analytics.demo:seed_analytics",
    "pingan.patrol.demo:seed_plan",
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    jurisdiction: str


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


def load_demo(
    db_session_factory: Callable[[], Session], settings: Settings, progress: Progress
) -> list[DemoAccount]:
    """Run every demo step, each in its own transaction."""
    if not settings.demo_mode:
        raise ConfigError("the demo runs only in demo mode (PINGAN_DEMO_MODE=1)")
    for target in DEMO_STEPS:
        module_name, _, function_name = target.partition(":")
        step = getattr(importlib.import_module(module_name), function_name)
        session = db_session_factory()
        try:
            step(session, settings, progress)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
    return [DemoAccount(u, r.value, w) for u, r, w, _ in DEMO_ACCOUNTS]


def demo_accounts_left(db_session: Session, settings: Settings) -> list[str]:
    """The demo accounts that still let anyone in: active accounts with a demo username
    whose password is a demo password (the public default, or the configured one that
    ``pingan demo`` would have used). An account of the same name with a password of its
    own, or deactivated, is not one of them.

    Costs one argon2 check per demo-named account and password (none on a database without
    demo usernames).
    """
    if not inspect(db_session.connection()).has_table(User.__tablename__):
        return []  # not migrated yet: no accounts at all
    passwords = {DEMO_PASSWORD, settings.demo_password}
    names = [username for username, *_ in DEMO_ACCOUNTS]
    rows = db_session.execute(
        select(User.username, User.password_hash)
        .where(User.username.in_(names), User.is_active.is_(True))
        .order_by(User.username)
    )
    return [
        username
        for username, password_hash in rows
        if any(auth.verify_password(password_hash, p) for p in passwords)
    ]


def check_no_demo_accounts(db_session: Session, settings: Settings) -> None:
    """Refuse to serve outside demo mode from a database that still has demo accounts.

    Raises
    ------
    ConfigError
        Outside demo mode, :func:`demo_accounts_left` finds any.
    """
    if settings.demo_mode:
        return
    left = demo_accounts_left(db_session, settings)
    if left:
        raise ConfigError(
            f"this database still has the demo accounts {', '.join(left)} with the demo "
            "password, so anyone could log in; outside demo mode serve a database of your "
            "own (point PINGAN_DATABASE_URL or PINGAN_DATA_DIR at a new one, then run "
            "`pingan db upgrade` and `pingan users add`), or set PINGAN_DEMO_MODE=1 to run "
            "the demo."
        )

"""The production guard against demo accounts: a server outside demo mode refuses a
database that still lets anyone in with a demo account's published password.

The demo itself (:mod:`pingan.demo`) creates these accounts; this guard lives with the
accounts' domain so that the web layer can use it without importing the demo.
"""

from __future__ import annotations

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from pingan.auth import service as auth
from pingan.auth.models import User
from pingan.config import DEMO_PASSWORD, Settings
from pingan.errors import ConfigError

#: The usernames ``pingan demo`` creates (``pingan.demo.accounts.DEMO_ACCOUNTS``).
DEMO_USERNAMES: tuple[str, ...] = (
    "admin",
    "auditor",
    "chief_a",
    "chief_b",
    "dispatcher_a",
    "officer_a",
    "analyst",
    "fire_a",
    "antifraud_a",
    "volunteer_a",
    "citizen",
)


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
    rows = db_session.execute(
        select(User.username, User.password_hash)
        .where(User.username.in_(DEMO_USERNAMES), User.is_active.is_(True))
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

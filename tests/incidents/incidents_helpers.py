"""Helpers for the incidents tests: the real app over a real database, with the two
demo stations given boundaries (station A east of 24.94°E, station B west of it)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from pingan.auth.models import AccessToken, TokenKind, User
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work, utcnow
from pingan.incidents import reads

EAST = {
    "type": "Polygon",
    "coordinates": [
        [[24.94, 60.14], [25.00, 60.14], [25.00, 60.22], [24.94, 60.22], [24.94, 60.14]]
    ],
}
WEST = {
    "type": "Polygon",
    "coordinates": [
        [[24.88, 60.14], [24.94, 60.14], [24.94, 60.22], [24.88, 60.22], [24.88, 60.14]]
    ],
}
IN_A = (60.17, 24.96)  # lat, lon inside station A
IN_B = (60.17, 24.91)  # inside station B
OUTSIDE = (31.23, 121.47)  # Shanghai: outside every boundary


@dataclass
class Env:
    client: TestClient
    settings: Settings

    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    def headers(self, username: str) -> dict[str, str]:
        """Bearer headers for a demo account.

        The token row is written directly (as ``auth.service.login`` would after checking
        the password) because argon2 takes most of a second per login; the login route
        itself is tested in tests/auth.
        """
        if username not in self.tokens:
            token = secrets.token_urlsafe(32)
            with self.session() as session:
                user = session.scalar(select(User).where(User.username == username))
                assert user is not None, username
                session.add(
                    AccessToken(
                        user_id=user.id,
                        token_hash=hashlib.sha256(token.encode("ascii")).hexdigest(),
                        kind=TokenKind.api,
                        expires_at=utcnow() + timedelta(hours=1),
                    )
                )
            self.tokens[username] = {"Authorization": f"Bearer {token}"}
        return self.tokens[username]

    def counts(self) -> dict[str, int]:
        with self.session() as session:
            return reads.counts(session)

    def session(self):  # type: ignore[no-untyped-def]
        if "engine" not in self.__dict__:
            self.__dict__["engine"] = make_engine(self.settings.effective_database_url)
        return unit_of_work(make_session_factory(self.__dict__["engine"]))

    def close(self) -> None:
        engine = self.__dict__.pop("engine", None)
        if engine is not None:
            engine.dispose()

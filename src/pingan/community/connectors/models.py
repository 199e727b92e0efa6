"""A group's connector (its platform secrets sealed) and the replay guard's memory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pingan.db import Base, UTCDateTime, utcnow


class GroupConnector(Base):
    """The callback of one registered group (:class:`~pingan.community.models.ChatGroup`).

    ``slug`` names it in the callback address (``/api/v1/connectors/<platform>/<slug>``);
    ``sealed`` holds the platform's secrets as a Fernet token
    (:mod:`pingan.community.connectors.sealing`), never in the clear.
    """

    __tablename__ = "group_connector"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("chat_group.id"), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    sealed: Mapped[str] = mapped_column(Text)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"GroupConnector(id={self.id!r}, platform={self.platform!r}, slug={self.slug!r})"


class ConnectorSeen(Base):
    """A nonce, signature or message id a connector took in: seen again, it is a replay.
    ``digest`` is the SHA-256 of the kind and value; rows older than the platform's
    timestamp window are purged."""

    __tablename__ = "connector_seen"
    __table_args__ = (UniqueConstraint("connector_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connector_id: Mapped[int] = mapped_column(ForeignKey("group_connector.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

"""The jurisdiction tree.

Each node stores its materialised ``path`` (``/1/4/9/``), so "is X inside the
subtree of Y" is a prefix test and a subtree query is one ``LIKE``.
"""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pingan.db import Base


class Level(enum.StrEnum):
    bureau = "bureau"  # 公安局
    sub_bureau = "sub_bureau"  # 分局
    station = "station"  # 派出所
    grid = "grid"  # 社区 / 网格


LEVEL_ORDER = [Level.bureau, Level.sub_bureau, Level.station, Level.grid]


class Jurisdiction(Base):
    __tablename__ = "jurisdiction"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    level: Mapped[Level] = mapped_column(Enum(Level, native_enum=False, length=16))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    path: Mapped[str] = mapped_column(String(512), index=True, default="")
    #: GeoJSON geometry (Polygon/MultiPolygon, lon/lat), when known.
    boundary: Mapped[str | None] = mapped_column(Text)
    #: Mutual aid: the roles (comma-separated) whose holders in one station under this node
    #: may send units of another station under it. NULL keeps the level's default
    #: (:data:`pingan.jurisdictions.service.DEFAULT_MUTUAL_AID_ROLES`); "" grants none.
    mutual_aid_roles: Mapped[str | None] = mapped_column(String(200))

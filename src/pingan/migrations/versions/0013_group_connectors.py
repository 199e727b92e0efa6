"""group connectors (WeCom, DingTalk) with secrets encrypted at rest

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 02:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pingan.db

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """A connected group's sealed secrets, and the replay guard's memory."""
    op.create_table(
        "group_connector",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("slug", sa.String(length=32), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("connected_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["chat_group.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "connector_seen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("seen_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["connector_id"], ["group_connector.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("connector_id", "digest"),
    )
    op.create_index("ix_connector_seen_connector_id", "connector_seen", ["connector_id"])
    op.create_index("ix_connector_seen_seen_at", "connector_seen", ["seen_at"])


def downgrade() -> None:
    """Drop the tables, in reverse order."""
    op.drop_index("ix_connector_seen_seen_at", table_name="connector_seen")
    op.drop_index("ix_connector_seen_connector_id", table_name="connector_seen")
    op.drop_table("connector_seen")
    op.drop_table("group_connector")

"""security hardening: rate-limit counters, public status notes, audit keying

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 17:00:00

Each part of issue 11 keeps its operations in its own section below.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pingan.db  # noqa: F401  (column types used by the sections)

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # --- mutual aid (11.4) ---
    op.add_column(
        "assignment",
        sa.Column("mutual_aid", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("jurisdiction", sa.Column("mutual_aid_roles", sa.String(length=200)))
    op.add_column(
        "camera",
        sa.Column(
            "owner_role",
            sa.Enum(
                "shop",
                "property_manager",
                "organisation",
                "transport",
                "police",
                "resident",
                "other",
                name="ownerrole",
                native_enum=False,
                length=16,
            ),
        ),
    )
    op.add_column("camera", sa.Column("direction_deg", sa.Float()))
    # --- rate limits (11.2) ---
    op.create_table(
        "rate_limit_counter",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counter")),
    )
    op.create_index(op.f("ix_rate_limit_counter_expires_at"), "rate_limit_counter", ["expires_at"])
    # --- public status note (11.5) ---
    op.add_column("incident", sa.Column("public_note", sa.String(length=500)))
    # --- audit chain keying and anchors (11.6) ---
    # Existing rows keep their plain SHA-256 hashes and an empty key_id: they verify only
    # under an anchor (`pingan audit anchor --accept-unkeyed` once after the upgrade).
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key_id", sa.String(length=16), server_default="", nullable=False)
        )
    pass


def downgrade() -> None:
    # --- mutual aid (11.4) ---
    with op.batch_alter_table("camera") as batch:
        batch.drop_column("direction_deg")
        batch.drop_column("owner_role")
    with op.batch_alter_table("jurisdiction") as batch:
        batch.drop_column("mutual_aid_roles")
    with op.batch_alter_table("assignment") as batch:
        batch.drop_column("mutual_aid")
    # --- audit chain keying and anchors (11.6) ---
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("key_id")
    # --- public status note (11.5) ---
    with op.batch_alter_table("incident") as batch:
        batch.drop_column("public_note")
    # --- rate limits (11.2) ---
    op.drop_index(op.f("ix_rate_limit_counter_expires_at"), table_name="rate_limit_counter")
    op.drop_table("rate_limit_counter")
    pass

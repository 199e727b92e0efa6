"""anti-fraud outreach and consultation demand

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 20:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pingan.db

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


# --- consultation demand (13.5) ---


def _upgrade_demand() -> None:
    op.create_table(
        "fraud_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("consultation", "chat", name="questionchannel", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("fraud_type", sa.String(length=40), nullable=False),
        sa.Column("risk", sa.String(length=10), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("asked_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("chat_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["jurisdiction_id"], ["jurisdiction.id"]),
        sa.ForeignKeyConstraint(["chat_message_id"], ["chat_message.id"]),
        sa.UniqueConstraint("chat_message_id"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_fraud_question_jurisdiction_id", "fraud_question", ["jurisdiction_id"])
    op.create_index("ix_fraud_question_asked_at", "fraud_question", ["asked_at"])


def _downgrade_demand() -> None:
    op.drop_index("ix_fraud_question_asked_at", table_name="fraud_question")
    op.drop_index("ix_fraud_question_jurisdiction_id", table_name="fraud_question")
    op.drop_table("fraud_question")


# --- end consultation demand (13.5) ---


def upgrade() -> None:
    """Create the tables (filled in with the package's models)."""
    _upgrade_demand()


def downgrade() -> None:
    """Drop the tables, in reverse order."""
    _downgrade_demand()

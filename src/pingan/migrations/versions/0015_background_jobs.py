"""background jobs

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 02:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pingan.db

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_STATUS = sa.Enum(
    "queued",
    "running",
    "done",
    "failed",
    "cancelled",
    name="jobstatus",
    native_enum=False,
    length=20,
)


def upgrade() -> None:
    """The job table (pingan.jobs.models)."""
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("started_by_user_id", sa.Integer(), nullable=True),
        sa.Column("started_by", sa.String(length=80), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("status", _STATUS, nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=False),
        sa.Column("result_url", sa.String(length=300), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=120), nullable=True),
        sa.Column("created_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("enqueued_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", pingan.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", pingan.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", pingan.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["jurisdiction_id"], ["jurisdiction.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_job_jurisdiction_id", "job", ["jurisdiction_id"])
    op.create_index("ix_job_status", "job", ["status"])


def downgrade() -> None:
    """Drop the job table."""
    op.drop_index("ix_job_status", table_name="job")
    op.drop_index("ix_job_jurisdiction_id", table_name="job")
    op.drop_table("job")

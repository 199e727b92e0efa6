"""anti-fraud desk: warnings, contact attempts, outreach and the cases library

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pingan.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade() -> None:
    op.create_table(
        "fraud_warning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("target_name", sa.String(length=100), nullable=True),
        sa.Column("target_phone", sa.String(length=32), nullable=True),
        sa.Column("situation", sa.Text(), nullable=True),
        sa.Column("fraud_type", sa.String(length=40), nullable=True),
        sa.Column("tier", _enum("tier", "red", "orange", "yellow"), nullable=False),
        sa.Column(
            "source",
            _enum("warningsource", "screening", "consultation", "manual", "referral", "report"),
            nullable=False,
        ),
        sa.Column(
            "status",
            _enum("warningstatus", "new", "assigned", "contacting", "closed"),
            nullable=False,
        ),
        sa.Column("created_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("first_contact_at", pingan.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", pingan.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "outcome",
            _enum(
                "outcome",
                "dissuaded",
                "self_protected",
                "payment_stopped",
                "app_removed",
                "already_lost",
                "unreachable",
            ),
            nullable=True,
        ),
        sa.Column("amount_yuan", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("source_incident_id", sa.Integer(), nullable=True),
        sa.Column("visit_required", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["jurisdiction_id"], ["jurisdiction.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["assignee_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["source_incident_id"], ["incident.id"]),
        sa.UniqueConstraint("source_incident_id"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_fraud_warning_jurisdiction_id", "fraud_warning", ["jurisdiction_id"])
    op.create_index("ix_fraud_warning_created_at", "fraud_warning", ["created_at"])
    op.create_index("ix_fraud_warning_due_at", "fraud_warning", ["due_at"])
    op.create_table(
        "fraud_contact_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "channel", _enum("contactchannel", "phone", "in_person", "via_family"), nullable=False
        ),
        sa.Column("reached", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["warning_id"], ["fraud_warning.id"]),
        sa.ForeignKeyConstraint(["by_user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_fraud_contact_attempt_warning_id", "fraud_contact_attempt", ["warning_id"])
    op.create_table(
        "fraud_outreach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("outreachkind", "stall", "talk"), nullable=False),
        sa.Column(
            "venue",
            _enum("venue", "night_market", "square", "school", "company", "community", "other"),
            nullable=False,
        ),
        sa.Column("place_text", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("starts_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=False),
        sa.Column("volunteers", sa.Integer(), nullable=False),
        sa.Column("people_reached", sa.Integer(), nullable=False),
        sa.Column("leaflets", sa.Integer(), nullable=False),
        sa.Column("app_registrations", sa.Integer(), nullable=False),
        sa.Column("clues", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["jurisdiction_id"], ["jurisdiction.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_fraud_outreach_jurisdiction_id", "fraud_outreach", ["jurisdiction_id"])
    op.create_index("ix_fraud_outreach_starts_at", "fraud_outreach", ["starts_at"])
    op.create_table(
        "fraud_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fraud_type", sa.String(length=40), nullable=False),
        sa.Column("story_zh", sa.Text(), nullable=False),
        sa.Column("story_en", sa.Text(), nullable=False),
        sa.Column("signs_zh", sa.Text(), nullable=False),
        sa.Column("signs_en", sa.Text(), nullable=False),
        sa.Column("say_zh", sa.Text(), nullable=False),
        sa.Column("say_en", sa.Text(), nullable=False),
        sa.Column("updated_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fraud_type"),
    )


def downgrade() -> None:
    op.drop_table("fraud_case")
    op.drop_index("ix_fraud_outreach_starts_at", table_name="fraud_outreach")
    op.drop_index("ix_fraud_outreach_jurisdiction_id", table_name="fraud_outreach")
    op.drop_table("fraud_outreach")
    op.drop_index("ix_fraud_contact_attempt_warning_id", table_name="fraud_contact_attempt")
    op.drop_table("fraud_contact_attempt")
    op.drop_index("ix_fraud_warning_due_at", table_name="fraud_warning")
    op.drop_index("ix_fraud_warning_created_at", table_name="fraud_warning")
    op.drop_index("ix_fraud_warning_jurisdiction_id", table_name="fraud_warning")
    op.drop_table("fraud_warning")

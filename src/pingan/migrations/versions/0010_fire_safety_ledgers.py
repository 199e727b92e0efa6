"""fire-safety and venue ledgers: sites, control rooms, duty records, inspections, hazards, drills

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 20:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pingan.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the ledgers' tables."""
    op.create_table(
        "ledger_site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "mall",
                "hotel",
                "high_rise",
                "hospital",
                "school",
                "ktv",
                "bar",
                "nightclub",
                "internet_cafe",
                "chess_room",
                "cinema",
                "restaurant",
                "gaming",
                "factory",
                "warehouse",
                "government",
                "residential",
                "other",
                name="sitecategory",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("responsible_name", sa.String(length=100), nullable=False),
        sa.Column("responsible_phone", sa.String(length=32), nullable=False),
        sa.Column("manager_name", sa.String(length=100), nullable=False),
        sa.Column("manager_phone", sa.String(length=32), nullable=False),
        sa.Column("opening_hours", sa.String(length=40), nullable=False),
        sa.Column("key_unit", sa.Boolean(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "manual",
                "imported",
                "osm",
                "simulated",
                name="source",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("osm_type", sa.String(length=1), nullable=True),
        sa.Column("osm_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["grid_id"], ["jurisdiction.id"], name=op.f("fk_ledger_site_grid_id_jurisdiction")
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_ledger_site_jurisdiction_id_jurisdiction"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_site")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_site_code")),
    )
    op.create_index(op.f("ix_ledger_site_category"), "ledger_site", ["category"], unique=False)
    op.create_index(
        op.f("ix_ledger_site_jurisdiction_id"), "ledger_site", ["jurisdiction_id"], unique=False
    )
    op.create_table(
        "ledger_control_room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("systems", sa.JSON(), nullable=False),
        sa.Column("surveyed_at", pingan.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "manual",
                "imported",
                "osm",
                "simulated",
                name="source",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("created_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["ledger_site.id"], name=op.f("fk_ledger_control_room_site_id_ledger_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_control_room")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_control_room_code")),
    )
    op.create_index(
        op.f("ix_ledger_control_room_site_id"), "ledger_control_room", ["site_id"], unique=False
    )
    op.create_table(
        "ledger_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "patrol",
                "check",
                "reinspection",
                name="inspectionkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("interval_h", sa.Integer(), nullable=False),
        sa.Column("starts_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", pingan.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_ledger_task_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["ledger_site.id"], name=op.f("fk_ledger_task_site_id_ledger_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_task")),
    )
    op.create_index(op.f("ix_ledger_task_site_id"), "ledger_task", ["site_id"], unique=False)
    op.create_table(
        "ledger_training",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "training",
                "evacuation_drill",
                "extinguisher_practice",
                name="sessionkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("attendees", sa.String(length=2000), nullable=False),
        sa.Column("attendee_count", sa.Integer(), nullable=False),
        sa.Column("duration_min", sa.Integer(), nullable=False),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "manual",
                "imported",
                "osm",
                "simulated",
                name="source",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_ledger_training_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["ledger_site.id"], name=op.f("fk_ledger_training_site_id_ledger_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_training")),
    )
    op.create_index(
        op.f("ix_ledger_training_held_on"), "ledger_training", ["held_on"], unique=False
    )
    op.create_index(
        op.f("ix_ledger_training_site_id"), "ledger_training", ["site_id"], unique=False
    )
    op.create_table(
        "ledger_duty_shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("control_room_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("on_duty", sa.JSON(), nullable=False),
        sa.Column("handover_to", sa.String(length=200), nullable=False),
        sa.Column("systems", sa.JSON(), nullable=False),
        sa.Column("daily_check", sa.JSON(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("alarms", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "manual",
                "imported",
                "osm",
                "simulated",
                name="source",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["control_room_id"],
            ["ledger_control_room.id"],
            name=op.f("fk_ledger_duty_shift_control_room_id_ledger_control_room"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_ledger_duty_shift_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_duty_shift")),
    )
    op.create_index(
        op.f("ix_ledger_duty_shift_control_room_id"),
        "ledger_duty_shift",
        ["control_room_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_ledger_duty_shift_flagged"), "ledger_duty_shift", ["flagged"], unique=False
    )
    op.create_index(
        op.f("ix_ledger_duty_shift_starts_at"), "ledger_duty_shift", ["starts_at"], unique=False
    )
    op.create_table(
        "ledger_inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "patrol",
                "check",
                "reinspection",
                name="inspectionkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("inspectors", sa.JSON(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "manual",
                "imported",
                "osm",
                "simulated",
                name="source",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_ledger_inspection_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["ledger_site.id"], name=op.f("fk_ledger_inspection_site_id_ledger_site")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["ledger_task.id"], name=op.f("fk_ledger_inspection_task_id_ledger_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_inspection")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_ledger_inspection_idempotency_key")),
    )
    op.create_index(op.f("ix_ledger_inspection_at"), "ledger_inspection", ["at"], unique=False)
    op.create_index(
        op.f("ix_ledger_inspection_site_id"), "ledger_inspection", ["site_id"], unique=False
    )
    op.create_index(
        op.f("ix_ledger_inspection_task_id"), "ledger_inspection", ["task_id"], unique=False
    )
    op.create_table(
        "ledger_operator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("control_room_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("certificate_no", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["control_room_id"],
            ["ledger_control_room.id"],
            name=op.f("fk_ledger_operator_control_room_id_ledger_control_room"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_operator")),
    )
    op.create_index(
        op.f("ix_ledger_operator_control_room_id"),
        "ledger_operator",
        ["control_room_id"],
        unique=False,
    )
    op.create_table(
        "ledger_hazard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("item_code", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column(
            "severity",
            sa.Enum("major", "ordinary", name="severity", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("measures", sa.String(length=1000), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("responsible_name", sa.String(length=100), nullable=False),
        sa.Column("funding", sa.String(length=100), nullable=False),
        sa.Column("interim_safeguards", sa.String(length=1000), nullable=False),
        sa.Column("found_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open", "rectifying", "closed", name="hazardstatus", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("closed_at", pingan.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by_inspection_id", sa.Integer(), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "manual",
                "imported",
                "osm",
                "simulated",
                name="source",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_inspection_id"],
            ["ledger_inspection.id"],
            name=op.f("fk_ledger_hazard_closed_by_inspection_id_ledger_inspection"),
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["ledger_inspection.id"],
            name=op.f("fk_ledger_hazard_inspection_id_ledger_inspection"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["ledger_site.id"], name=op.f("fk_ledger_hazard_site_id_ledger_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_hazard")),
    )
    op.create_index(op.f("ix_ledger_hazard_deadline"), "ledger_hazard", ["deadline"], unique=False)
    op.create_index(op.f("ix_ledger_hazard_site_id"), "ledger_hazard", ["site_id"], unique=False)
    op.create_table(
        "ledger_inspection_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column(
            "result",
            sa.Enum(
                "passed",
                "failed",
                "not_applicable",
                name="itemresult",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("corrected_on_spot", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["ledger_inspection.id"],
            name=op.f("fk_ledger_inspection_item_inspection_id_ledger_inspection"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_inspection_item")),
    )
    op.create_index(
        op.f("ix_ledger_inspection_item_inspection_id"),
        "ledger_inspection_item",
        ["inspection_id"],
        unique=False,
    )
    op.create_table(
        "ledger_hazard_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=False),
        sa.Column("at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "corrected",
                "violations_remaining",
                "not_corrected",
                name="reinspection",
                native_enum=False,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("new_deadline", pingan.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_user_id"],
            ["user_account.id"],
            name=op.f("fk_ledger_hazard_event_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["hazard_id"],
            ["ledger_hazard.id"],
            name=op.f("fk_ledger_hazard_event_hazard_id_ledger_hazard"),
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["ledger_inspection.id"],
            name=op.f("fk_ledger_hazard_event_inspection_id_ledger_inspection"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_hazard_event")),
    )
    op.create_index(
        op.f("ix_ledger_hazard_event_hazard_id"), "ledger_hazard_event", ["hazard_id"], unique=False
    )


def downgrade() -> None:
    """Drop the ledgers' tables, in reverse order."""
    op.drop_index(op.f("ix_ledger_hazard_event_hazard_id"), table_name="ledger_hazard_event")
    op.drop_table("ledger_hazard_event")
    op.drop_index(
        op.f("ix_ledger_inspection_item_inspection_id"), table_name="ledger_inspection_item"
    )
    op.drop_table("ledger_inspection_item")
    op.drop_index(op.f("ix_ledger_hazard_site_id"), table_name="ledger_hazard")
    op.drop_index(op.f("ix_ledger_hazard_deadline"), table_name="ledger_hazard")
    op.drop_table("ledger_hazard")
    op.drop_index(op.f("ix_ledger_operator_control_room_id"), table_name="ledger_operator")
    op.drop_table("ledger_operator")
    op.drop_index(op.f("ix_ledger_inspection_task_id"), table_name="ledger_inspection")
    op.drop_index(op.f("ix_ledger_inspection_site_id"), table_name="ledger_inspection")
    op.drop_index(op.f("ix_ledger_inspection_at"), table_name="ledger_inspection")
    op.drop_table("ledger_inspection")
    op.drop_index(op.f("ix_ledger_duty_shift_starts_at"), table_name="ledger_duty_shift")
    op.drop_index(op.f("ix_ledger_duty_shift_flagged"), table_name="ledger_duty_shift")
    op.drop_index(op.f("ix_ledger_duty_shift_control_room_id"), table_name="ledger_duty_shift")
    op.drop_table("ledger_duty_shift")
    op.drop_index(op.f("ix_ledger_training_site_id"), table_name="ledger_training")
    op.drop_index(op.f("ix_ledger_training_held_on"), table_name="ledger_training")
    op.drop_table("ledger_training")
    op.drop_index(op.f("ix_ledger_task_site_id"), table_name="ledger_task")
    op.drop_table("ledger_task")
    op.drop_index(op.f("ix_ledger_control_room_site_id"), table_name="ledger_control_room")
    op.drop_table("ledger_control_room")
    op.drop_index(op.f("ix_ledger_site_jurisdiction_id"), table_name="ledger_site")
    op.drop_index(op.f("ix_ledger_site_category"), table_name="ledger_site")
    op.drop_table("ledger_site")

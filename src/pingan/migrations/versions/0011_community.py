"""community: volunteers, teams, shifts and check-ins, clues, drills, group chats

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 20:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pingan.db

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def _stamp(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, pingan.db.UTCDateTime(timezone=True), nullable=nullable)


# --- volunteers, shifts, check-ins, clues (15.1-3) ---


def _upgrade_volunteers() -> None:
    """Volunteers, teams, shifts, check-ins and clues (15.1-3)."""
    op.create_table(
        "volunteer_team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", _enum("teamkind", "red_armband", "firefly", "named"), nullable=False),
        sa.Column("home_grid_id", sa.Integer(), nullable=True),
        sa.Column("lead_volunteer_id", sa.Integer(), nullable=True),
        sa.Column("leaderboard_opt_in", sa.Boolean(), nullable=False),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        _stamp("created_at"),
        sa.ForeignKeyConstraint(["home_grid_id"], ["jurisdiction.id"]),
        sa.ForeignKeyConstraint(["jurisdiction_id"], ["jurisdiction.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_volunteer_team_jurisdiction_id", "volunteer_team", ["jurisdiction_id"])
    op.create_table(
        "volunteer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("id_number", sa.String(length=32), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("availability", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            _enum("volunteerstatus", "applied", "approved", "active", "paused", "left"),
            nullable=False,
        ),
        _stamp("applied_at"),
        _stamp("status_changed_at"),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["approved_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["grid_id"], ["jurisdiction.id"]),
        sa.ForeignKeyConstraint(["jurisdiction_id"], ["jurisdiction.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["volunteer_team.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
    )
    op.create_index("ix_volunteer_jurisdiction_id", "volunteer", ["jurisdiction_id"])
    op.create_index("ix_volunteer_team_id", "volunteer", ["team_id"])
    op.create_table(
        "clue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("place_text", sa.String(length=200), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        _stamp("occurred_at", nullable=True),
        sa.Column("extracted", sa.JSON(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            _enum("cluestatus", "new", "linked", "useful", "duplicate", "rejected"),
            nullable=False,
        ),
        sa.Column("linked_incident_id", sa.Integer(), nullable=True),
        sa.Column("linked_series_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("triaged_by_id", sa.Integer(), nullable=True),
        _stamp("triaged_at", nullable=True),
        sa.Column("property_returned", sa.Boolean(), nullable=False),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        _stamp("created_at"),
        sa.ForeignKeyConstraint(["duplicate_of_id"], ["clue.id"]),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["jurisdiction_id"], ["jurisdiction.id"]),
        sa.ForeignKeyConstraint(["linked_incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["linked_series_id"], ["crime_series.id"]),
        sa.ForeignKeyConstraint(["series_id"], ["crime_series.id"]),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["triaged_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_clue_created_at", "clue", ["created_at"])
    op.create_index("ix_clue_jurisdiction_id", "clue", ["jurisdiction_id"])
    op.create_index("ix_clue_submitted_by_id", "clue", ["submitted_by_id"])
    op.create_index("ix_clue_volunteer_id", "clue", ["volunteer_id"])
    op.create_table(
        "points_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column(
            "reason",
            _enum(
                "pointsreason",
                "patrol_shift",
                "stall",
                "clue",
                "clue_useful",
                "clue_case",
                "property_returned",
            ),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        _stamp("at"),
        sa.ForeignKeyConstraint(["verified_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("volunteer_id", "reason", "source"),
    )
    op.create_index("ix_points_entry_at", "points_entry", ["at"])
    op.create_index("ix_points_entry_volunteer_id", "points_entry", ["volunteer_id"])
    op.create_table(
        "volunteer_qualification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("volunteer_id", "kind"),
    )
    op.create_index(
        "ix_volunteer_qualification_volunteer_id", "volunteer_qualification", ["volunteer_id"]
    )
    op.create_table(
        "volunteer_shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("point_kind", _enum("pointkind", "post", "stop"), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("route_id", sa.Integer(), nullable=True),
        sa.Column("group_no", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        _stamp("starts_at"),
        _stamp("ends_at"),
        sa.Column("min_people", sa.Integer(), nullable=False),
        sa.Column("max_people", sa.Integer(), nullable=False),
        sa.Column("required", sa.JSON(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _stamp("created_at"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["jurisdiction_id"], ["jurisdiction.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["patrol_plan.id"]),
        sa.ForeignKeyConstraint(["post_id"], ["patrol_plan_post.id"]),
        sa.ForeignKeyConstraint(["route_id"], ["patrol_plan_route.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["volunteer_team.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_volunteer_shift_jurisdiction_id", "volunteer_shift", ["jurisdiction_id"])
    op.create_index("ix_volunteer_shift_plan_id", "volunteer_shift", ["plan_id"])
    op.create_index("ix_volunteer_shift_starts_at", "volunteer_shift", ["starts_at"])
    op.create_index("ix_volunteer_shift_team_id", "volunteer_shift", ["team_id"])
    op.create_table(
        "volunteer_checkin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("point", sa.String(length=32), nullable=False),
        sa.Column("kind", _enum("checkkind", "check_in", "check_out"), nullable=False),
        _stamp("at"),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["jurisdiction_id"], ["jurisdiction.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["patrol_plan.id"]),
        sa.ForeignKeyConstraint(["shift_id"], ["volunteer_shift.id"]),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_volunteer_checkin_at", "volunteer_checkin", ["at"])
    op.create_index(
        "ix_volunteer_checkin_jurisdiction_id", "volunteer_checkin", ["jurisdiction_id"]
    )
    op.create_index("ix_volunteer_checkin_shift_id", "volunteer_checkin", ["shift_id"])
    op.create_index("ix_volunteer_checkin_volunteer_id", "volunteer_checkin", ["volunteer_id"])
    op.create_table(
        "volunteer_shift_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        _stamp("signed_up_at"),
        sa.ForeignKeyConstraint(["shift_id"], ["volunteer_shift.id"]),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shift_id", "volunteer_id"),
    )
    op.create_index("ix_volunteer_shift_member_shift_id", "volunteer_shift_member", ["shift_id"])
    op.create_index(
        "ix_volunteer_shift_member_volunteer_id", "volunteer_shift_member", ["volunteer_id"]
    )


def _downgrade_volunteers() -> None:
    """Drop the tables of 15.1-3, in reverse order."""
    op.drop_index("ix_volunteer_shift_member_shift_id", table_name="volunteer_shift_member")
    op.drop_index("ix_volunteer_shift_member_volunteer_id", table_name="volunteer_shift_member")
    op.drop_table("volunteer_shift_member")
    op.drop_index("ix_volunteer_checkin_at", table_name="volunteer_checkin")
    op.drop_index("ix_volunteer_checkin_jurisdiction_id", table_name="volunteer_checkin")
    op.drop_index("ix_volunteer_checkin_shift_id", table_name="volunteer_checkin")
    op.drop_index("ix_volunteer_checkin_volunteer_id", table_name="volunteer_checkin")
    op.drop_table("volunteer_checkin")
    op.drop_index("ix_volunteer_shift_jurisdiction_id", table_name="volunteer_shift")
    op.drop_index("ix_volunteer_shift_plan_id", table_name="volunteer_shift")
    op.drop_index("ix_volunteer_shift_starts_at", table_name="volunteer_shift")
    op.drop_index("ix_volunteer_shift_team_id", table_name="volunteer_shift")
    op.drop_table("volunteer_shift")
    op.drop_index("ix_volunteer_qualification_volunteer_id", table_name="volunteer_qualification")
    op.drop_table("volunteer_qualification")
    op.drop_index("ix_points_entry_at", table_name="points_entry")
    op.drop_index("ix_points_entry_volunteer_id", table_name="points_entry")
    op.drop_table("points_entry")
    op.drop_index("ix_clue_created_at", table_name="clue")
    op.drop_index("ix_clue_jurisdiction_id", table_name="clue")
    op.drop_index("ix_clue_submitted_by_id", table_name="clue")
    op.drop_index("ix_clue_volunteer_id", table_name="clue")
    op.drop_table("clue")
    op.drop_index("ix_volunteer_jurisdiction_id", table_name="volunteer")
    op.drop_index("ix_volunteer_team_id", table_name="volunteer")
    op.drop_table("volunteer")
    op.drop_index("ix_volunteer_team_jurisdiction_id", table_name="volunteer_team")
    op.drop_table("volunteer_team")


# --- drills and group chats (15.4-5) ---


def _upgrade_drills_and_groups() -> None:
    op.create_table(
        "drill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            _enum("drillkind", "fight", "fire", "missing_person", "crowd", "other"),
            nullable=False,
        ),
        sa.Column("scenario", sa.String(length=300), nullable=False),
        _stamp("held_at"),
        sa.Column("place_text", sa.String(length=300), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("police_count", sa.Integer(), nullable=False),
        sa.Column("venue_staff_count", sa.Integer(), nullable=False),
        sa.Column("assemble_s", sa.Integer(), nullable=False),
        sa.Column("first_action_s", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _stamp("created_at"),
        sa.ForeignKeyConstraint(["jurisdiction_id"], ["jurisdiction.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_drill_jurisdiction_id", "drill", ["jurisdiction_id"])
    op.create_index("ix_drill_held_at", "drill", ["held_at"])
    for name, column, target in (
        ("drill_team", "team_id", "volunteer_team"),
        ("drill_volunteer", "volunteer_id", "volunteer"),
    ):
        op.create_table(
            name,
            sa.Column("drill_id", sa.Integer(), nullable=False),
            sa.Column(column, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["drill_id"], ["drill.id"]),
            sa.ForeignKeyConstraint([column], [f"{target}.id"]),
            sa.PrimaryKeyConstraint("drill_id", column),
        )
    op.create_table(
        "chat_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column(
            "platform",
            _enum("chatplatform", "wechat", "wecom", "dingtalk", "other"),
            nullable=False,
        ),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("officer_senders", sa.Text(), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        _stamp("registered_at"),
        sa.ForeignKeyConstraint(["jurisdiction_id"], ["jurisdiction.id"]),
        sa.ForeignKeyConstraint(["officer_id"], ["user_account.id"]),
        sa.UniqueConstraint("platform", "external_id"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_chat_group_jurisdiction_id", "chat_group", ["jurisdiction_id"])
    op.create_index("ix_chat_group_name", "chat_group", ["name"])
    op.create_index("ix_chat_group_officer_id", "chat_group", ["officer_id"])
    op.create_table(
        "chat_group_message",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["chat_message.id"]),
        sa.ForeignKeyConstraint(["group_id"], ["chat_group.id"]),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.create_index("ix_chat_group_message_group_id", "chat_group_message", ["group_id"])


def _downgrade_drills_and_groups() -> None:
    op.drop_index("ix_chat_group_message_group_id", table_name="chat_group_message")
    op.drop_table("chat_group_message")
    for index in ("officer_id", "name", "jurisdiction_id"):
        op.drop_index(f"ix_chat_group_{index}", table_name="chat_group")
    op.drop_table("chat_group")
    op.drop_table("drill_volunteer")
    op.drop_table("drill_team")
    op.drop_index("ix_drill_held_at", table_name="drill")
    op.drop_index("ix_drill_jurisdiction_id", table_name="drill")
    op.drop_table("drill")


def upgrade() -> None:
    """Create the tables: 15.1-3 first, then drills and group chats (they refer to teams)."""
    _upgrade_volunteers()
    _upgrade_drills_and_groups()


def downgrade() -> None:
    """Drop the tables, in reverse order."""
    _downgrade_drills_and_groups()
    _downgrade_volunteers()

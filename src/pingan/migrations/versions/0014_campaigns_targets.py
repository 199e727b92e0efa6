"""campaigns, targets, focus places, briefs

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 02:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pingan.db

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The campaign, its jurisdictions, focus places and targets (issue 17)."""
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", pingan.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "campaign_jurisdiction",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["jurisdiction_id"], ["jurisdiction.id"]),
        sa.PrimaryKeyConstraint("campaign_id", "jurisdiction_id"),
    )
    op.create_index(
        "ix_campaign_jurisdiction_jurisdiction_id", "campaign_jurisdiction", ["jurisdiction_id"]
    )
    op.create_table(
        "campaign_focus_place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("radius_m", sa.Float(), nullable=False),
        sa.Column("polygon", sa.JSON(), nullable=True),
        sa.Column("osm_place", sa.String(length=40), nullable=True),
        sa.Column("hours_from", sa.Integer(), nullable=False),
        sa.Column("hours_to", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_campaign_focus_place_campaign_id", "campaign_focus_place", ["campaign_id"])
    op.create_table(
        "campaign_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("figure", sa.String(length=40), nullable=False),
        sa.Column("direction", sa.String(length=2), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["jurisdiction_id"], ["jurisdiction.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_campaign_target_campaign_id", "campaign_target", ["campaign_id"])


def downgrade() -> None:
    op.drop_index("ix_campaign_target_campaign_id", table_name="campaign_target")
    op.drop_table("campaign_target")
    op.drop_index("ix_campaign_focus_place_campaign_id", table_name="campaign_focus_place")
    op.drop_table("campaign_focus_place")
    op.drop_index("ix_campaign_jurisdiction_jurisdiction_id", table_name="campaign_jurisdiction")
    op.drop_table("campaign_jurisdiction")
    op.drop_table("campaign")

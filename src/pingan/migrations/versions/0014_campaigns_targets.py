"""campaigns, targets, focus places, briefs

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 02:20:00
"""

from __future__ import annotations

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Reserved in the migration chain; the tables land with their issue."""


def downgrade() -> None:
    """Nothing to undo yet."""

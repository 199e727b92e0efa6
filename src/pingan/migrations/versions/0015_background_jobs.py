"""background jobs

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 02:20:00
"""

from __future__ import annotations

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Reserved in the migration chain; the tables land with their issue."""


def downgrade() -> None:
    """Nothing to undo yet."""

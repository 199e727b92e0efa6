"""group connectors (WeCom, DingTalk) with secrets encrypted at rest

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 02:20:00
"""

from __future__ import annotations

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Reserved in the migration chain; the tables land with their issue."""


def downgrade() -> None:
    """Nothing to undo yet."""

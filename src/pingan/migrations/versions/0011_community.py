"""community: volunteers, teams, shifts and check-ins, clues, drills, group chats

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 20:45:00
"""

from __future__ import annotations

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (filled in with the package's models)."""


def downgrade() -> None:
    """Drop the tables, in reverse order."""

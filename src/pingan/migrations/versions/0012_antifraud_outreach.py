"""anti-fraud outreach and consultation demand

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 20:45:00
"""

from __future__ import annotations

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (filled in with the package's models)."""


def downgrade() -> None:
    """Drop the tables, in reverse order."""

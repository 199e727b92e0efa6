"""fire-safety and venue ledgers: sites, control rooms, duty records, inspections, hazards, drills

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 20:45:00
"""

from __future__ import annotations

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (filled in with the package's models)."""


def downgrade() -> None:
    """Drop the tables, in reverse order."""

"""Authors' last seq is derived from log_entries at start, no longer stored per event.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM projection_rows WHERE tbl = 'log.authors'")


def downgrade() -> None:
    op.execute(
        "INSERT INTO projection_rows (tbl, key, value) "
        "SELECT 'log.authors', '\"' || author || '\"', CAST(MAX(seq) AS TEXT) "
        "FROM log_entries GROUP BY author"
    )

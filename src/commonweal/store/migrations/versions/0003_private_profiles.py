"""Members' private profiles: off the public log, keyed by the commitment the log carries.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "private_profiles",
        sa.Column("commitment", sa.String(80), primary_key=True),
        sa.Column("salt", sa.String(100), nullable=False),
        sa.Column("profile", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("private_profiles")

"""The census's private ``census_people``: per census, the nullifiers it committed to.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "census_people",
        sa.Column("epoch", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("nullifiers", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("census_people")

"""Who each census counted, with their salts: off the public log (docs/census.md).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "census_members",
        sa.Column("epoch", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("counted", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("census_members")

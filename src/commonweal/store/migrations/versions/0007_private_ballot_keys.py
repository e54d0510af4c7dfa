"""The node's secret keys for secret ballots (token signing key, teller secret): off the log.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "private_ballot_keys",
        sa.Column("proposal", sa.BigInteger, primary_key=True),
        sa.Column("token_key", sa.Text, nullable=False),
        sa.Column("teller_secret", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("private_ballot_keys")

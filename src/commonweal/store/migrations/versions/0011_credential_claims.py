"""Community credentials' private ``private_credential_claims``: the claims a logged
issuance commits to, kept off the public log.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "private_credential_claims",
        sa.Column("commitment", sa.String(80), primary_key=True),
        sa.Column("salt", sa.String(100), nullable=False),
        sa.Column("claims", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("private_credential_claims")

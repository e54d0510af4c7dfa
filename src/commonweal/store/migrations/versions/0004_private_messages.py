"""Messages relayed between the parties of an aid post: off the public log.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "private_messages",
        sa.Column("commitment", sa.String(80), primary_key=True),
        sa.Column("post", sa.BigInteger, nullable=False),
        sa.Column("sender", sa.String(200), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("salt", sa.String(100), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
    )
    op.create_index("ix_private_messages_post", "private_messages", ["post"])


def downgrade() -> None:
    op.drop_index("ix_private_messages_post", "private_messages")
    op.drop_table("private_messages")

"""Web Push: members' push subscriptions and the push channel's outbox, off the log.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "push_subscriptions",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("did", sa.String(200), nullable=False),
        sa.Column("endpoint", sa.Text, nullable=False),
        sa.Column("p256dh", sa.String(100), nullable=False),
        sa.Column("auth", sa.String(40), nullable=False),
        sa.Column("created", sa.String(40), nullable=False),
        sa.UniqueConstraint("endpoint", name="uq_push_endpoint"),
    )
    op.create_index("ix_push_subscriptions_did", "push_subscriptions", ["did"])
    op.create_table(
        "push_outbox",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("subscription", _ID, nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("event_key", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("topic", sa.String(100), nullable=False),
        sa.Column("urgent", sa.Integer, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("created", sa.String(40), nullable=False),
        sa.Column("next_attempt", sa.String(40), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("sent_at", sa.String(40), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.UniqueConstraint("subscription", "event_key", "kind", name="uq_push_once"),
    )
    op.create_index("ix_push_outbox_subscription", "push_outbox", ["subscription"])
    op.create_index("ix_push_outbox_recipient", "push_outbox", ["recipient"])
    op.create_index("ix_push_outbox_next_attempt", "push_outbox", ["next_attempt"])


def downgrade() -> None:
    op.drop_index("ix_push_outbox_next_attempt", "push_outbox")
    op.drop_index("ix_push_outbox_recipient", "push_outbox")
    op.drop_index("ix_push_outbox_subscription", "push_outbox")
    op.drop_table("push_outbox")
    op.drop_index("ix_push_subscriptions_did", "push_subscriptions")
    op.drop_table("push_subscriptions")

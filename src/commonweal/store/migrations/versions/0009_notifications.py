"""Notifications: the durable outbox, members' preferences and the notifier's state, off the log.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "notification_outbox",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
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
        sa.UniqueConstraint("recipient", "event_key", "kind", name="uq_notification_once"),
    )
    op.create_index("ix_notification_outbox_recipient", "notification_outbox", ["recipient"])
    op.create_index("ix_notification_outbox_next_attempt", "notification_outbox", ["next_attempt"])
    op.create_table(
        "notification_preferences",
        sa.Column("did", sa.String(200), primary_key=True),
        sa.Column("preferences", sa.Text, nullable=False),
    )
    op.create_table(
        "notification_state",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notification_state")
    op.drop_table("notification_preferences")
    op.drop_index("ix_notification_outbox_next_attempt", "notification_outbox")
    op.drop_index("ix_notification_outbox_recipient", "notification_outbox")
    op.drop_table("notification_outbox")

"""Federation: peers, witness state, cosignatures, mirrors, fork evidence, nonces, refusals.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = (
    "federation_peers",
    "witness_state",
    "cosignatures",
    "mirrors",
    "mirror_bundles",
    "mirror_checkpoints",
    "fork_evidence",
    "peer_nonces",
    "federation_refusals",
    "status_lists",
    "peer_recognitions",
)


def upgrade() -> None:
    op.create_table(
        "federation_peers",
        sa.Column("did", sa.String(200), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("identity", sa.Text, nullable=False),
        sa.Column("added_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "witness_state",
        sa.Column("origin", sa.String(300), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("root", sa.LargeBinary(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "cosignatures",
        sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("witness", sa.String(300), primary_key=True),
        sa.Column("line", sa.Text, nullable=False),
        sa.Column("timestamp", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "mirrors",
        sa.Column("origin", sa.String(300), primary_key=True),
        sa.Column("did", sa.String(200), nullable=False),
        sa.Column("vkey", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("root", sa.LargeBinary(32), nullable=False),
        sa.Column("frontier", sa.LargeBinary, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "mirror_bundles",
        sa.Column("origin", sa.String(300), primary_key=True),
        sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("width", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "mirror_checkpoints",
        sa.Column("origin", sa.String(300), primary_key=True),
        sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_table(
        "fork_evidence",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("origin", sa.String(300), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("found_at", sa.String(40), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.UniqueConstraint("digest", name="uq_fork_evidence_digest"),
    )
    op.create_table(
        "peer_nonces",
        sa.Column("keyid", sa.String(200), primary_key=True),
        sa.Column("nonce", sa.String(200), primary_key=True),
        sa.Column("created", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_peer_nonces_created", "peer_nonces", ["created"])
    op.create_table(
        "federation_refusals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("peer", sa.Text, nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_table(
        "status_lists",
        sa.Column("url", sa.String(500), primary_key=True),
        sa.Column("issuer", sa.String(200), nullable=False),
        sa.Column("credential", sa.Text, nullable=False),
        sa.Column("fetched_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "peer_recognitions",
        sa.Column("did", sa.String(200), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("idx", sa.BigInteger, nullable=False),
        sa.Column("terms", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)

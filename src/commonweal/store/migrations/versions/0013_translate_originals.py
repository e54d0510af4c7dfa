"""Translations: the originals already in the log, recorded as the translations rule
records new ones (``translations.originals`` and ``translations.hash_of``).

A node upgraded to this release has logged proposals, comments and aid posts before the
translations capability watched for them; replaying its log now records each of them
(``domain/translations/rules.record_original``), so the projection must have them too,
or ``verify`` would find rows missing and old originals could not be translated. Their
language is ``en``: before this release a constitution could not name another.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import base64

import orjson
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

KINDS = {
    "governance.proposal.drafted": "proposal",
    "governance.comment.posted": "comment",
    "aid.request.posted": "aid_post",
    "aid.offer.posted": "aid_post",
}
ORIGINALS, HASH_OF = "translations.originals", "translations.hash_of"


def upgrade() -> None:
    conn = op.get_bind()
    entries = sa.table("log_entries", sa.column("idx"), sa.column("leaf_hash"), sa.column("type"))
    rows = sa.table("projection_rows", sa.column("tbl"), sa.column("key"), sa.column("value"))
    found = conn.execute(
        sa.select(entries.c.idx, entries.c.leaf_hash, entries.c.type)
        .where(entries.c.type.in_(sorted(KINDS)))
        .order_by(entries.c.idx)
    )
    batch: list[dict[str, str]] = []
    for idx, digest, kind_type in found:
        leaf_hash = base64.b64encode(bytes(digest)).decode()
        record = {"index": idx, "type": kind_type, "kind": KINDS[kind_type], "language": "en"}
        batch.append(
            {
                "tbl": ORIGINALS,
                "key": orjson.dumps(leaf_hash).decode(),
                "value": orjson.dumps(record).decode(),
            }
        )
        batch.append({"tbl": HASH_OF, "key": str(idx), "value": orjson.dumps(leaf_hash).decode()})
        if len(batch) >= 1000:
            conn.execute(sa.insert(rows), batch)
            batch = []
    if batch:
        conn.execute(sa.insert(rows), batch)


def downgrade() -> None:
    op.execute(f"DELETE FROM projection_rows WHERE tbl IN ('{ORIGINALS}', '{HASH_OF}')")

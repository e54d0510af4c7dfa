"""The tables, as SQLAlchemy Core objects. Alembic migrations create them (see migrations/).

- ``log_entries``: each leaf's exact bytes and hash, with the event's type, author
  and seq copied out for lookups (``verify`` checks they agree with the bytes).
- ``tree_hashes``: the hash of every complete subtree of 256**k leaves (k ≥ 1), so
  any proof or hash tile needs O(log n) reads.
- ``log_head``: one row, the current size and root; the sequencer's row lock.
- ``checkpoints``: every signed checkpoint note.
- ``projection_rows``: the projected state, one row per (table, key).
- ``node_meta``: the node's public identity (DID, origin, verifier key).
- ``private_profiles``: members' personal data, never in the log; the log holds only
  a salted commitment to each, so a profile can be erased without breaking the log.
- ``private_messages``: messages the node relays between the two parties of an aid
  post, never in the log (it carries a salted commitment), erased once the post closes.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# INTEGER PRIMARY KEY is SQLite's rowid alias; BIGINT elsewhere.
LeafIndex = BigInteger().with_variant(Integer(), "sqlite")

node_meta = Table(
    "node_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

log_head = Table(
    "log_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
    Column("root", LargeBinary(32), nullable=False),
)

log_entries = Table(
    "log_entries",
    metadata,
    Column("idx", LeafIndex, primary_key=True, autoincrement=False),
    Column("leaf", LargeBinary, nullable=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
    Column("type", String(200), nullable=False),
    Column("author", String(200), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("received", String(40), nullable=False),
    UniqueConstraint("author", "seq", name="uq_log_entries_author_seq"),
)

tree_hashes = Table(
    "tree_hashes",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("root", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("signed_at", String(40), nullable=False),
)

projection_rows = Table(
    "projection_rows",
    metadata,
    Column("tbl", String(100), primary_key=True),
    Column("key", String(1000), primary_key=True),
    Column("value", Text, nullable=False),
)

private_profiles = Table(
    "private_profiles",
    metadata,
    Column("commitment", String(80), primary_key=True),
    Column("salt", String(100), nullable=False),
    Column("profile", Text, nullable=False),
)

private_messages = Table(
    "private_messages",
    metadata,
    Column("commitment", String(80), primary_key=True),
    Column("post", BigInteger, nullable=False, index=True),
    Column("sender", String(200), nullable=False),
    Column("recipient", String(200), nullable=False),
    Column("salt", String(100), nullable=False),
    Column("message", Text, nullable=False),
)

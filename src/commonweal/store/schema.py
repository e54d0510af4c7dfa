"""The tables, as SQLAlchemy Core objects. Alembic migrations create them (see migrations/).

- ``log_entries``: each leaf's exact bytes and hash, with the event's type, author
  and seq copied out for lookups (``verify`` checks they agree with the bytes).
- ``tree_hashes``: the hash of every complete subtree of 256**k leaves (k ≥ 1), so
  any proof or hash tile needs O(log n) reads.
- ``log_head``: one row, the current size and root; the sequencer's row lock.
- ``checkpoints``: every signed checkpoint note.
- ``projection_rows``: the projected state, one row per (table, key); members'
  records also have a partial index on their status (:data:`EXPRESSION_INDEXES`).
- ``node_meta``: the node's public identity (DID, origin, verifier key).
- ``private_profiles``: members' personal data, never in the log; the log holds only
  a salted commitment to each, so a profile can be erased without breaking the log.
- ``private_messages``: messages the node relays between the two parties of an aid
  post, never in the log (it carries a salted commitment), erased once the post closes.
- ``private_ballot_keys``: the node's secret keys for each secret ballot (the RSA key
  that signs tokens, its teller secret), never in the log; they name no voter.
- ``census_members``: per census, whom it counted and their salts, never in the log (it
  carries only a Merkle root over salted commitments), so a member can be sent a proof.
- ``census_people``: per census, the nullifiers of whom it counted (served, committed in
  the log by their root; they name nobody without the alliance's key).
- ``notification_outbox``, ``notification_preferences``, ``notification_state``: the
  notifications' durable outbox, members' private preferences (erased with the profile)
  and the notifier's cursor and unsubscribe key (docs/notifications.md), never in the log.
- ``push_subscriptions``, ``push_outbox``: members' Web Push subscriptions and the push
  channel's outbox (docs/notifications.md, "Web Push"), never in the log.
"""

from __future__ import annotations

from typing import Any

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


def _time(name: str, *, nullable: bool = False, index: bool = False) -> Column[Any]:
    """A moment, kept as its RFC 3339 text in UTC (at most 40 characters)."""
    if index:
        return Column(name, String(40), nullable=nullable, index=True)
    return Column(name, String(40), nullable=nullable)


def _tree_head() -> list[Column[Any]]:
    """A log's size and its Merkle root at that size."""
    return [
        Column("size", BigInteger, nullable=False),
        Column("root", LargeBinary(32), nullable=False),
    ]


def _key_value(name: str, key_length: int) -> Table:
    """A table of text values by a short key."""
    return Table(
        name,
        metadata,
        Column("key", String(key_length), primary_key=True),
        Column("value", Text, nullable=False),
    )


def _salted(name: str, content: str) -> Table:
    """Private data kept off the log under the salted commitment the log carries."""
    return Table(
        name,
        metadata,
        Column("commitment", String(80), primary_key=True),
        Column("salt", String(100), nullable=False),
        Column(content, Text, nullable=False),
    )


node_meta = _key_value("node_meta", 64)

log_head = Table(
    "log_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    *_tree_head(),
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
    _time("received"),
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
    _time("signed_at"),
)

projection_rows = Table(
    "projection_rows",
    metadata,
    Column("tbl", String(100), primary_key=True),
    Column("key", String(1000), primary_key=True),
    Column("value", Text, nullable=False),
)

EXPRESSION_INDEXES = frozenset({"ix_projection_members_standing"})
"""Indexes on a JSON expression, written per database by their migration (0006), which
SQLAlchemy cannot declare once for both: the schema test checks them by name."""

private_profiles = _salted("private_profiles", "profile")

private_credential_claims = _salted("private_credential_claims", "claims")

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

private_ballot_keys = Table(
    "private_ballot_keys",
    metadata,
    Column("proposal", BigInteger, primary_key=True),
    Column("token_key", Text, nullable=False),
    Column("teller_secret", String(100), nullable=False),
)


census_members = Table(
    "census_members",
    metadata,
    Column("epoch", BigInteger, primary_key=True, autoincrement=False),
    Column("counted", Text, nullable=False),
)
"""Private: per census, a JSON object of the members it counted → their salts (a member's
proof is built from all of them; the log carries only the root over ``H(salt || did)``)."""

census_people = Table(
    "census_people",
    metadata,
    Column("epoch", BigInteger, primary_key=True, autoincrement=False),
    Column("period", String(7), nullable=False),
    Column("nullifiers", Text, nullable=False),
)
"""Per census, the sorted nullifiers of the members it counted (a JSON list of hex), under
the alliance's key for the census's period; served, the log carries only their root."""


def _outbox_columns() -> list[Column[Any]]:
    """The columns both outboxes have after their recipient: the message and how its
    delivery stands (``store/outbox.py``)."""
    return [
        Column("event_key", String(100), nullable=False),
        Column("kind", String(60), nullable=False),
        Column("topic", String(100), nullable=False),
        Column("urgent", Integer, nullable=False),
        Column("subject", Text, nullable=False),
        Column("body", Text, nullable=False),
        Column("path", Text, nullable=False),
        _time("created"),
        _time("next_attempt", index=True),
        Column("attempts", Integer, nullable=False),
        Column("status", String(20), nullable=False),
        _time("sent_at", nullable=True),
        Column("last_error", Text, nullable=True),
    ]


notification_outbox = Table(
    "notification_outbox",
    metadata,
    Column("id", LeafIndex, primary_key=True, autoincrement=True),
    Column("recipient", String(200), nullable=False, index=True),
    *_outbox_columns(),
    UniqueConstraint("recipient", "event_key", "kind", name="uq_notification_once"),
)
"""Private: each notification, recorded before it is sent; one per (recipient, event, kind)."""

notification_preferences = Table(
    "notification_preferences",
    metadata,
    Column("did", String(200), primary_key=True),
    Column("preferences", Text, nullable=False),
)
"""Private: a member's notification preferences (JSON), erased with their profile."""

notification_state = _key_value("notification_state", 60)
"""Private: the notifier's cursor (``cursor``) and the unsubscribe HMAC key."""

push_subscriptions = Table(
    "push_subscriptions",
    metadata,
    Column("id", LeafIndex, primary_key=True, autoincrement=True),
    Column("did", String(200), nullable=False, index=True),
    Column("endpoint", Text, nullable=False),
    Column("p256dh", String(100), nullable=False),
    Column("auth", String(40), nullable=False),
    _time("created"),
    UniqueConstraint("endpoint", name="uq_push_endpoint"),
)
"""Private: a member's Web Push subscriptions (one per browser), erased with their profile."""

push_outbox = Table(
    "push_outbox",
    metadata,
    Column("id", LeafIndex, primary_key=True, autoincrement=True),
    Column("subscription", LeafIndex, nullable=False, index=True),
    Column("recipient", String(200), nullable=False, index=True),
    *_outbox_columns(),
    UniqueConstraint("subscription", "event_key", "kind", name="uq_push_once"),
)
"""Private: each push notification, recorded before it is sent; one per (subscription,
event, kind), as the mail outbox has one per (recipient, event, kind)."""

# -- federation (docs/federation.md): node-local state about other nodes, outside the log --

federation_peers = Table(
    "federation_peers",
    metadata,
    Column("did", String(200), primary_key=True),
    Column("url", Text, nullable=False),
    Column("identity", Text, nullable=False),
    _time("added_at"),
)
"""Nodes this one knows how to reach: URL and their well-known identity document."""

witness_state = Table(
    "witness_state",
    metadata,
    Column("origin", String(300), primary_key=True),
    *_tree_head(),
    Column("note", Text, nullable=False),
    _time("updated_at"),
)
"""As a witness: the latest checkpoint cosigned for each log (C2SP tlog-witness)."""

cosignatures = Table(
    "cosignatures",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("witness", String(300), primary_key=True),
    Column("line", Text, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
)
"""As a log: the witnesses' cosignature lines on this node's checkpoints."""

mirrors = Table(
    "mirrors",
    metadata,
    Column("origin", String(300), primary_key=True),
    Column("did", String(200), nullable=False),
    Column("vkey", Text, nullable=False),
    *_tree_head(),
    Column("frontier", LargeBinary, nullable=False),
    Column("note", Text, nullable=False),
    _time("updated_at"),
)
"""Each mirrored log: verified size and root, its Merkle frontier and the checkpoint note."""

mirror_bundles = Table(
    "mirror_bundles",
    metadata,
    Column("origin", String(300), primary_key=True),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("width", Integer, primary_key=True, autoincrement=False),
    Column("data", LargeBinary, nullable=False),
)
"""Mirrored entry bundles, exactly as C2SP tlog-tiles serves them (full and partial)."""

mirror_checkpoints = Table(
    "mirror_checkpoints",
    metadata,
    Column("origin", String(300), primary_key=True),
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("note", Text, nullable=False),
)
"""Every checkpoint note of a mirrored log the mirror verified its entries against."""

fork_evidence = Table(
    "fork_evidence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("origin", String(300), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("evidence", Text, nullable=False),
    _time("found_at"),
    Column("source", Text, nullable=False),
    UniqueConstraint("digest", name="uq_fork_evidence_digest"),
)
"""Two signed checkpoints of one log that cannot both be true; the log is forked."""

peer_nonces = Table(
    "peer_nonces",
    metadata,
    Column("keyid", String(200), primary_key=True),
    Column("nonce", String(200), primary_key=True),
    Column("created", BigInteger, nullable=False, index=True),
)
"""Nonces of signed peer requests seen recently: a request is accepted once."""

federation_refusals = Table(
    "federation_refusals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _time("at"),
    Column("peer", Text, nullable=False),
    Column("action", String(100), nullable=False),
    Column("code", String(100), nullable=False),
    Column("detail", Text, nullable=False),
)
"""Every peer request or peer data this node refused, and why."""

status_lists = Table(
    "status_lists",
    metadata,
    Column("url", String(500), primary_key=True),
    Column("issuer", String(200), nullable=False),
    Column("credential", Text, nullable=False),
    _time("fetched_at"),
)
"""Other nodes' Bitstring Status List credentials, as last fetched and verified."""

peer_recognitions = Table(
    "peer_recognitions",
    metadata,
    Column("did", String(200), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("idx", BigInteger, nullable=False),
    Column("terms", Text, nullable=False),
)
"""Recognitions of this node found in other nodes' logs (the other half of each treaty)."""

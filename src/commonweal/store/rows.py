"""The rows the log store reads and writes, and how state keys and SQL are spelled for
the database (shared by ``log_store`` and ``federation_store``)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson
from sqlalchemy import Connection, Engine, Executable, Row, Table, insert, select

from commonweal.domain.state import Change

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class EntryRow:
    """One leaf to append, with the event fields copied out for lookups."""

    idx: int
    leaf: bytes
    leaf_hash: bytes
    type: str
    author: str
    seq: int
    received: str


@dataclass(frozen=True, slots=True)
class CheckpointRow:
    """A signed checkpoint as stored."""

    size: int
    root: bytes
    note: str
    signed_at: str


@dataclass(frozen=True)
class Group:
    """A group of entries to append and what follows from them, written in one
    transaction: the new complete-subtree hashes (level, index, hash), the projection's
    changes, the new root and the checkpoint if one is due."""

    entries: Sequence[EntryRow]
    hashes: Sequence[tuple[int, int, bytes]]
    changes: Sequence[Change]
    root: bytes
    checkpoint: CheckpointRow | None = None


def driver_sql(conn: Connection, statement: str) -> str:
    """``statement`` with ``?`` placeholders turned into the driver's own style."""
    if conn.dialect.paramstyle == "qmark":
        return statement
    return statement.replace("?", "%s")


def first_row(engine: Engine, query: Executable, read: Callable[[Row[Any]], T]) -> T | None:
    """The first row ``query`` returns (on a connection of its own) as ``read`` reads it;
    None when there is none."""
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else read(row)


def all_rows(engine: Engine, query: Executable, read: Callable[[Row[Any]], T]) -> list[T]:
    """Every row ``query`` returns (on a connection of its own), as ``read`` reads it."""
    with engine.connect() as conn:
        return [read(row) for row in conn.execute(query)]


def insert_once(conn: Connection, table: Table, key: tuple[str, ...], **values: Any) -> None:
    """Insert ``values`` unless a row with the same ``key`` columns is kept (the first wins)."""
    same_key = [table.c[name] == values[name] for name in key]
    if conn.execute(select(*(table.c[name] for name in key)).where(*same_key)).first() is None:
        conn.execute(insert(table).values(**values))


def encode_key(key: Hashable) -> str:
    """A state key as stored: canonical JSON (tuples become arrays)."""
    return orjson.dumps(key).decode()


def decode_key(text: str) -> Hashable:
    """The inverse of :func:`encode_key` (arrays become tuples)."""
    value = orjson.loads(text)
    return _freeze(value)


def decode_key_fast(text: str) -> Hashable:
    """:func:`decode_key` with a shortcut for the common plain-string key (a DID)."""
    if text[0] == '"' and "\\" not in text:
        return text[1:-1]
    return decode_key(text)


def _freeze(value: Any) -> Hashable:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value  # type: ignore[no-any-return]


def entry_row(row: Any) -> EntryRow:
    return EntryRow(
        idx=int(row.idx),
        leaf=bytes(row.leaf),
        leaf_hash=bytes(row.leaf_hash),
        type=row.type,
        author=row.author,
        seq=int(row.seq),
        received=row.received,
    )


def checkpoint_row(row: Any) -> CheckpointRow:
    return CheckpointRow(
        size=int(row.size), root=bytes(row.root), note=row.note, signed_at=row.signed_at
    )

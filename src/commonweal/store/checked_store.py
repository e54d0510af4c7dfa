"""Reading a store that may be damaged, for ``verify``: every failure becomes a finding.

The node's own reads (:class:`~commonweal.store.log_store.LogStore`) trust the
database. ``verify`` must not: a failing disk truncates files and flips bytes,
and then a page cannot be read, a column holds NULL or bytes that are not UTF-8,
or a row is gone. :class:`CheckedStore` offers the reads ``verify`` makes, each
of which returns what it could read and records, as a :class:`Finding`, which
table, row or page failed and how — it never raises for damage it can name.

On SQLite, :meth:`CheckedStore.integrity` runs ``PRAGMA integrity_check`` (or
``quick_check`` on very large files, see :data:`FULL_CHECK_MAX_BYTES`) and
reports its messages with the table or index each one concerns.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from commonweal.store.log_store import CheckpointRow, EntryRow

STORAGE_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, sqlite3.Error)
"""What a damaged database raises on a read (either through SQLAlchemy or the driver)."""

FULL_CHECK_MAX_BYTES = 4 * 1024**3
"""Up to this file size ``verify`` runs ``integrity_check``, which also checks that every
index agrees with its table (the log's (author, seq) index guards against replays);
beyond it ``quick_check``, which skips that cross-check and so stays linear in the file
size. Either way the check costs far less than replaying the log's signatures."""

MAX_INTEGRITY_MESSAGES = 100


@dataclass(frozen=True)
class Finding:
    """One piece of damage: where (table, row, page, index) and what failed."""

    where: str
    what: str
    index: int | None = None
    """The leaf index, when the damage is to a log entry."""

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass(frozen=True)
class Unreadable:
    """A log entry that could not be read back; ``what`` says why."""

    idx: int
    what: str


@dataclass
class CheckedStore:
    """The reads ``verify`` makes, tolerant of damage; findings gather in ``findings``."""

    engine: Engine
    findings: list[Finding] = field(default_factory=list)

    def note(self, where: str, what: str, index: int | None = None) -> None:
        """Record a finding."""
        self.findings.append(Finding(where, what, index))

    @property
    def sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    # -- the whole file -----------------------------------------------------------------

    def integrity(self) -> str:
        """Run SQLite's own check; record each message it reports. Returns the check's name."""
        if not self.sqlite:
            return ""
        path = self.engine.url.database or ""
        large = (
            bool(path) and Path(path).exists() and Path(path).stat().st_size > FULL_CHECK_MAX_BYTES
        )
        pragma = "quick_check" if large else "integrity_check"
        if path and Path(path).exists():
            self._file_length(Path(path))
        try:
            messages = [
                str(r[0]) for r in self._fetch(f"PRAGMA {pragma}({MAX_INTEGRITY_MESSAGES})")
            ]
        except STORAGE_ERRORS as error:
            # SQLite stops the whole check at a page it cannot parse: check table by table
            # so the report names the tables that are damaged.
            self._integrity_by_table(pragma, error)
            return pragma
        self._report_messages(pragma, messages)
        return pragma

    def _file_length(self, path: Path) -> None:
        """Compare the file's length with the page count its header records (offset 28)."""
        with path.open("rb") as handle:
            header = handle.read(100)
        if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
            self.note(path.name, "the file does not start with an SQLite header")
            return
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        valid = header[24:28] == header[92:96]  # the count is trusted only when these agree
        length = path.stat().st_size
        if valid and page_size and length < pages * page_size:
            self.note(
                path.name,
                f"the file holds {length // page_size} whole pages but its header says {pages}: "
                "it was cut short",
            )

    def _integrity_by_table(self, pragma: str, error: Exception) -> None:
        try:
            tables = [
                str(r[0])
                for r in self._fetch("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
        except STORAGE_ERRORS:
            self.note("the database file", f"{pragma} could not run: {reason(error)}")
            return
        for table in tables:
            try:
                messages = [str(r[0]) for r in self._fetch(f'PRAGMA {pragma}("{table}")')]
            except STORAGE_ERRORS as failed:
                self.note(f"{pragma} (in table {table})", f"cannot be checked: {reason(failed)}")
                continue
            self._report_messages(pragma, messages)

    def _report_messages(self, pragma: str, messages: list[str]) -> None:
        if messages == ["ok"]:
            return
        locate = self._locator()
        for message in messages:
            self.note(f"{pragma}{locate(message)}", message.replace("\n", " "))

    def _locator(self) -> Any:
        """A function naming the table or index a check message is about, when it can."""
        try:
            schema = self._fetch("SELECT type, name, tbl_name, rootpage FROM sqlite_master")
        except STORAGE_ERRORS:
            schema = []
        by_root = {int(r[3]): (str(r[1]), str(r[2])) for r in schema if r[3]}
        tables = {str(r[1]): str(r[2]) for r in schema}
        try:
            pages = {int(p): str(n) for n, p in self._fetch("SELECT name, pageno FROM dbstat")}
        except STORAGE_ERRORS:  # a damaged b-tree can stop dbstat too; root pages still name trees
            pages = {}

        def locate(message: str) -> str:
            tree = re.search(r"\bTree (\d+)", message)
            if tree and int(tree.group(1)) in by_root:
                name, table = by_root[int(tree.group(1))]
                return f" (in {_named(name, table)})"
            index = re.search(r"\bindex (\w+)", message)
            if index and index.group(1) in tables:
                return f" (in {_named(index.group(1), tables[index.group(1)])})"
            page = re.search(r"\b[Pp]age (\d+)", message)
            if page:
                number = int(page.group(1))
                if number in by_root:
                    name, table = by_root[number]
                    return f" (page {number}, in {_named(name, table)})"
                if number in pages:
                    return f" (page {number}, in {pages[number]})"
                return f" (page {number})"
            return ""

        return locate

    # -- identity and head --------------------------------------------------------------

    def read_meta(self) -> dict[str, str]:
        """``node_meta``, each value checked to be text."""
        rows = self._read(
            "node_meta", f"SELECT {self._text('key')}, {self._text('value')} FROM node_meta"
        )
        meta: dict[str, str] = {}
        for number, (key, value) in enumerate(rows):
            name = _decoded(key)
            text = _decoded(value)
            if name is None:
                self.note("node_meta", f"row {number + 1}: the key is not UTF-8 text")
            elif text is None:
                self.note(f"node_meta {name!r}", "the value is not UTF-8 text")
            else:
                meta[name] = text
        return meta

    def head(self) -> tuple[int, bytes]:
        """The head's size and root; when it cannot be read, the entries' count and no root."""
        try:
            rows = self._fetch("SELECT size, root FROM log_head WHERE id = 1")
        except STORAGE_ERRORS as error:
            rows = []
            self.note("log_head", f"cannot be read: {reason(error)}")
        else:
            if len(rows) != 1:
                self.note("log_head", f"holds {len(rows)} rows, not 1")
        for size, root in rows:
            if isinstance(size, int) and size >= 0 and isinstance(root, bytes) and len(root) == 32:
                return size, root
            self.note("log_head", f"holds size {size!r} and a root that is not 32 bytes")
        return self.count_entries(), b""

    def count_entries(self) -> int:
        """How many entry rows can be counted (0 when none can)."""
        try:
            (count,) = self._fetch("SELECT count(*) FROM log_entries")[0]
            return int(count)
        except STORAGE_ERRORS as error:
            self.note("log_entries", f"cannot be counted: {reason(error)}")
            return 0

    # -- entries ------------------------------------------------------------------------

    def entries(self, start: int, end: int) -> list[EntryRow | Unreadable]:
        """Entries ``start <= idx < end`` in order; a row that cannot be read is located."""
        texts = [self._text(name) for name in ("type", "author", "received")]
        columns = ", ".join(["idx", "leaf", "leaf_hash", *texts[:2], "seq", texts[2]])
        query = f"SELECT {columns} FROM log_entries WHERE idx >= {{0}} AND idx < {{0}} ORDER BY idx"
        try:
            rows = self._fetch(query.format(self._mark), (start, end))
        except STORAGE_ERRORS:
            return [self._entry_alone(columns, idx) for idx in range(start, end)]
        found: list[EntryRow | Unreadable] = []
        expected = start
        for row in rows:
            idx = row[0]
            if not isinstance(idx, int):
                continue
            while expected < idx:  # a gap: the rows between are gone
                found.append(Unreadable(expected, "log_entries has no row for this leaf"))
                expected += 1
            found.append(_entry_row(row))
            expected = idx + 1
        return found

    def _entry_alone(self, columns: str, idx: int) -> EntryRow | Unreadable:
        try:
            rows = self._fetch(
                f"SELECT {columns} FROM log_entries WHERE idx = {self._mark}", (idx,)
            )
        except STORAGE_ERRORS as error:
            return Unreadable(idx, f"log_entries cannot read this row: {reason(error)}")
        if not rows:
            return Unreadable(idx, "log_entries has no row for this leaf")
        return _entry_row(rows[0])

    # -- checkpoints, tree hashes, projection -------------------------------------------

    def all_checkpoints(self) -> list[CheckpointRow]:
        """Every checkpoint whose row reads back whole, smallest size first."""
        query = (
            f"SELECT size, root, {self._text('note')}, {self._text('signed_at')} "
            "FROM checkpoints ORDER BY size"
        )
        rows = self._read("checkpoints", query)
        kept = []
        for size, root, note, signed_at in rows:
            text, stamp = _decoded(note), _decoded(signed_at)
            if not isinstance(size, int) or not isinstance(root, bytes) or len(root) != 32:
                self.note("checkpoints", f"the row of size {size!r} has no 32-byte root")
            elif text is None or stamp is None:
                self.note(f"checkpoints size {size}", "the note is not UTF-8 text")
            else:
                kept.append(CheckpointRow(size, root, text, stamp))
        return kept

    def all_tree_hashes(self) -> list[tuple[int, int, bytes]]:
        """Every stored complete-subtree hash that reads back whole."""
        rows = self._read(
            "tree_hashes", "SELECT level, idx, hash FROM tree_hashes ORDER BY level, idx"
        )
        kept = []
        for level, idx, value in rows:
            if isinstance(level, int) and isinstance(idx, int) and isinstance(value, bytes):
                kept.append((level, idx, value))
            else:
                self.note(f"tree_hashes level {level!r} idx {idx!r}", "the row is damaged")
        return kept

    def projection_raw(self) -> list[tuple[str, str, str]]:
        """Every projected row whose three columns are UTF-8 text, sorted."""
        query = (
            f"SELECT {self._text('tbl')}, {self._text('key')}, {self._text('value')} "
            "FROM projection_rows"
        )
        rows = self._read("projection_rows", query)
        kept = []
        for tbl, key, value in rows:
            table, text_key, text_value = _decoded(tbl), _decoded(key), _decoded(value)
            if table is None or text_key is None or text_value is None:
                shown = (table or repr(tbl), text_key or repr(key))
                column = "tbl" if table is None else "key" if text_key is None else "value"
                self.note(f"projection_rows {shown}", f"the {column} column is not UTF-8 text")
                continue
            kept.append((table, text_key, text_value))
        kept.sort()
        return kept

    # -- the driver ---------------------------------------------------------------------

    @property
    def _mark(self) -> str:
        return "?" if self.engine.dialect.paramstyle == "qmark" else "%s"

    def _text(self, column: str) -> str:
        """A text column read as bytes on SQLite, so bytes that are not UTF-8 cannot raise."""
        return f"CAST({column} AS BLOB)" if self.sqlite else column

    def _read(self, table: str, query: str) -> list[tuple[Any, ...]]:
        """``query``'s rows; none when ``table`` cannot be read (noted as a finding)."""
        try:
            return self._fetch(query)
        except STORAGE_ERRORS as error:
            self.note(table, f"cannot be read: {reason(error)}")
            return []

    def _fetch(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(query, params)
                return [tuple(row) for row in cursor.fetchall()]
            finally:
                cursor.close()
        finally:
            connection.close()


def _entry_row(row: tuple[Any, ...]) -> EntryRow | Unreadable:
    """An entry row as stored, or what is wrong with it."""
    idx, leaf, digest, kind, author, seq, received = row
    texts = [_decoded(kind), _decoded(author), _decoded(received)]
    if not isinstance(leaf, bytes | memoryview):
        return Unreadable(idx, f"log_entries.leaf holds {type(leaf).__name__}, not bytes")
    if not isinstance(digest, bytes | memoryview) or len(digest) != 32:
        return Unreadable(idx, "log_entries.leaf_hash is not a 32-byte hash")
    if not isinstance(seq, int):
        return Unreadable(idx, f"log_entries.seq holds {type(seq).__name__}, not an integer")
    for name, text, stored in zip(
        ("type", "author", "received"), texts, (kind, author, received), strict=True
    ):
        if text is None:
            held = "NULL" if stored is None else "bytes that are not UTF-8"
            return Unreadable(idx, f"log_entries.{name} holds {held}, not text")
    return EntryRow(idx, bytes(leaf), bytes(digest), texts[0], texts[1], seq, texts[2])  # type: ignore[arg-type]


def _decoded(value: Any) -> str | None:
    """Text read back (bytes on SQLite, str elsewhere), or None if it is not UTF-8 text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | memoryview):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def _named(name: str, table: str) -> str:
    return f"table {table}" if name == table else f"index {name} of table {table}"


def reason(error: Exception) -> str:
    """The database's own message, without SQLAlchemy's statement dump."""
    original = getattr(error, "orig", None)
    return str(original if original is not None else error).split("\n")[0]

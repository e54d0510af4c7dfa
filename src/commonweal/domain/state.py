"""The in-memory state that rules read, with a journal so a refused request leaves no trace.

State is a set of named tables, each a dict from a key to a value. Rules read it
freely and change it only through :meth:`State.put` and :meth:`State.delete`, which
record the old value, so :meth:`State.rollback` can undo a request that failed half
way and :meth:`State.changes` can hand the store exactly what to write.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any

from commonweal.domain.errors import NotFound

_MISSING: Any = object()

SHARED_VALUES: tuple[str, ...] = ("governance.ballots.",)
"""Tables (by name prefix) whose rows are many copies of a few values — ballots: a
load may let identical rows share one value, since rules replace a row's value and
never change it in place."""


@dataclass(frozen=True, slots=True)
class Change:
    """One row to write to a projection table: ``value`` None means delete."""

    table: str
    key: Hashable
    value: Any


@dataclass
class State:
    """Named tables of projected state, plus the journal of uncommitted changes."""

    tables: dict[str, dict[Hashable, Any]] = field(default_factory=dict)
    _journal: list[tuple[str, Hashable, Any]] = field(default_factory=list)

    def table(self, name: str) -> dict[Hashable, Any]:
        """The table ``name`` (read-only by convention; write through put/delete)."""
        return self.tables.setdefault(name, {})

    def get(self, name: str, key: Hashable, default: Any = None) -> Any:
        """The value at ``key`` in table ``name``, or ``default``."""
        return self.tables.get(name, {}).get(key, default)

    def put(self, name: str, key: Hashable, value: Any) -> None:
        """Set ``key`` in table ``name``, remembering the old value."""
        table = self.table(name)
        self._journal.append((name, key, table.get(key, _MISSING)))
        table[key] = value

    def delete(self, name: str, key: Hashable) -> None:
        """Remove ``key`` from table ``name``, remembering the old value."""
        table = self.table(name)
        if key in table:
            self._journal.append((name, key, table.pop(key)))

    def savepoint(self) -> int:
        """A position in the journal to roll back to."""
        return len(self._journal)

    def rollback(self, savepoint: int = 0) -> None:
        """Undo every change made since ``savepoint`` (by default, every uncleared change)."""
        while len(self._journal) > savepoint:
            name, key, old = self._journal.pop()
            table = self.table(name)
            if old is _MISSING:
                table.pop(key, None)
            else:
                table[key] = old

    def changes(self) -> list[Change]:
        """The net changes since the journal was last cleared, one per touched key."""
        touched = dict.fromkeys((name, key) for name, key, _old in self._journal)
        return [Change(name, key, self.tables.get(name, {}).get(key)) for (name, key) in touched]

    def clear_journal(self) -> None:
        """Forget the journal once its changes are durably written."""
        self._journal.clear()

    def rows(self) -> Iterator[Change]:
        """Every (table, key, value) held, as changes that would recreate it."""
        for name, table in self.tables.items():
            for key, value in table.items():
                yield Change(name, key, value)

    def items(self, name: str) -> Iterator[tuple[Hashable, Any]]:
        """Every (key, value) of table ``name``."""
        return iter(self.tables.get(name, {}).items())


def existing(
    state: State, table: str, key: Hashable, what: str = "", *, refusal: str = ""
) -> dict[str, Any]:
    """The row ``key`` of ``table``, or ``not_found`` naming it: "there is no ``what`` ``key``",
    or ``refusal`` whole, a template its ``%(key)s`` fills (marked ``N_``, so it translates
    as one sentence: ``refusal=N_("there is no proposal %(key)s")``)."""
    record: dict[str, Any] | None = state.get(table, key)
    if record is None:
        if refusal:
            raise NotFound(refusal, key=key, code="not_found")
        raise NotFound("there is no %(what)s %(key)s", what=what, key=key, code="not_found")
    return record

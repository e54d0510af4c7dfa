"""How many refusals of peer requests are written down: a budget per source and overall.

Every refused peer request used to add a row to ``federation_refusals`` and a line
to the log, so anyone could make the node write as fast as they could send unsigned
requests. Now each source (the key a request claims, or ``unsigned``) may add
:data:`PER_SOURCE` rows a minute, and all sources together :data:`OVERALL`; past
that, refusals are only counted, and the next row written for that source says how
many were left out ("and 812 more since 12:00:05"). The requests are refused the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

PER_SOURCE = 10
"""Refusal rows one source may add in a window."""

OVERALL = 60
"""Refusal rows all sources together may add in a window."""

WINDOW_SECONDS = 60.0


@dataclass
class _Window:
    started: float
    written: int = 0


class RefusalBudget:
    """Decides whether a refusal gets its own row; counts the ones that do not."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        per_source: int = PER_SOURCE,
        overall: int = OVERALL,
        window: float = WINDOW_SECONDS,
    ) -> None:
        self.clock = clock
        self.per_source = per_source
        self.overall = overall
        self.window = window
        self._sources: dict[str, _Window] = {}
        self._all = _Window(clock())
        self._left_out: dict[str, int] = {}
        self._lock = threading.Lock()

    def admit(self, source: str) -> int | None:
        """None if this refusal from ``source`` is only counted; otherwise how many of
        this source's refusals were left out before it (to say so in its row)."""
        now = self.clock()
        with self._lock:
            if now - self._all.started >= self.window:
                self._all = _Window(now)
                self._sources = {}
            mine = self._sources.setdefault(source, _Window(now))
            if mine.written >= self.per_source or self._all.written >= self.overall:
                if source in self._left_out or len(self._left_out) < 10_000:
                    self._left_out[source] = self._left_out.get(source, 0) + 1
                return None
            mine.written += 1
            self._all.written += 1
            return self._left_out.pop(source, 0)

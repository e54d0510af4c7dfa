"""Process settings for a serving node.

A node keeps its projected state in memory: millions of small, acyclic objects.
CPython's cyclic collector would rescan them on every full collection, and every
event allocates enough to trigger collections often. A serving process therefore
freezes what it loaded (moving it out of the collector's sight) and collects the
youngest generation less often. Reference counting still frees everything at once.

It also raises its own open-file limit as far as its connection caps need, and says
plainly when it cannot (every connection is a file descriptor).
"""

from __future__ import annotations

import gc
import resource
from dataclasses import dataclass

YOUNG_GENERATION_THRESHOLD = 50_000


def tune_collector() -> None:
    """Freeze the objects alive now and make young-generation collections rarer."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)


FILES_BESIDES_CONNECTIONS = 256
"""Open files a serving node needs besides its connections: the database and its
write-ahead log, the tile and static files it is reading, the peers it syncs with,
pipes and the interpreter's own (docs/operations.md, "Connections and open files")."""


@dataclass(frozen=True)
class OpenFileLimit:
    """The process's open-file limit before and after :func:`raise_open_file_limit`."""

    needed: int
    before: int
    soft: int
    hard: int

    @property
    def enough(self) -> bool:
        """Whether the soft limit now covers what the configured caps need."""
        return self.soft >= self.needed

    def warning(self) -> str | None:
        """A plain sentence for the operator when the limit is too low, else None."""
        if self.enough:
            return None
        return (
            f"The open-file limit is {self.soft} (hard limit {self.hard}), but this node may "
            f"hold {self.needed} open files with its connection caps. Raise it (ulimit -n "
            f"{self.needed}, or LimitNOFILE={self.needed} in a systemd unit) or lower "
            "--max-connections: "
            "otherwise a flood of connections can make every request fail."
        )


def raise_open_file_limit(max_connections: int) -> OpenFileLimit:
    """Raise this process's soft open-file limit towards its hard limit, as far as the
    connection cap needs, and say whether that is enough."""
    needed = max_connections + FILES_BESIDES_CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    before = soft
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):  # not allowed here: the warning says what to do
            pass
    unlimited = soft == resource.RLIM_INFINITY
    return OpenFileLimit(
        needed=needed,
        before=before,
        soft=needed if unlimited else soft,
        hard=needed if hard == resource.RLIM_INFINITY else hard,
    )

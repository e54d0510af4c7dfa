"""Keeping one process's state current while others append to the same store.

A :class:`LogFollower` thread applies other processes' appends as they commit (only the
new entries, one by one, read on a connection of its own — node/kernel/following.py).
It is woken by PostgreSQL notifications (store/log_listener.py) and, as a fallback
and on SQLite, polls the log's head every ``poll_seconds``.

It is also the read barrier behind read-your-writes across processes: :meth:`fresh`
waits for a round that *starts after it was asked*, so that round reads a head that
includes every append acknowledged before the read arrived, by any process. Reads
waiting together share one round (one head query for all of them). If the store
cannot be read, :meth:`fresh` says so and :meth:`lag_seconds` tells how long ago the
state was last known to be the whole log (the ``Commonweal-Log-Lag`` header).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable

from commonweal.node.kernel.following import catch_up
from commonweal.node.kernel.service import Node
from commonweal.store.log_listener import LogListener, LogReader, can_listen

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
"""How often the head is read when no notification came (SQLite; a lost listener)."""

FRESH_TIMEOUT_SECONDS = 2.0
"""How long a read waits for the barrier before it is answered as stale."""


class LogFollower:
    """Follows the store in a thread; ``fresh()`` is the cross-process read barrier."""

    def __init__(
        self,
        node: Node,
        *,
        poll_seconds: float = POLL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.node = node
        self.poll_seconds = poll_seconds
        self.monotonic = monotonic
        self.confirmed_at: float = monotonic()
        """When the latest successful round read the head (it was applied by its end)."""
        self.error: str | None = None
        self.rounds = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._waiters: list[asyncio.Future[None]] = []
        self._waiters_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._reader = LogReader(node.store.engine)
        self.listener = (
            LogListener(node.store.engine, self._wake.set)
            if can_listen(node.store.engine)
            else None
        )

    @property
    def running(self) -> bool:
        """Whether the follower thread is running (started and not stopped)."""
        return bool(self._threads) and not self._stop.is_set()

    def start(self) -> None:
        """Start following (and listening, on PostgreSQL)."""
        self._stop.clear()
        self._threads = [threading.Thread(target=self._run, name="log-follower", daemon=True)]
        if self.listener is not None:
            target = self.listener.run
            self._threads.append(
                threading.Thread(
                    target=target, args=(self._stop,), name="log-listener", daemon=True
                )
            )
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop the threads and release every waiting read."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []
        self._release(self._take_waiters())
        self._reader.close()

    def round(self) -> bool:
        """Read the head and apply what is new; True if the state is now the whole log."""
        started = self.monotonic()
        self.rounds += 1
        try:
            size, root = self._reader.head()
            catch_up(self.node, self._reader, size, root)
        except Exception as error:
            if self.error is None:
                log.warning("cannot follow the log", extra={"error": str(error)})
            self.error = f"{type(error).__name__}: {error}"
            return False
        self.error = None
        self.confirmed_at = started
        return True

    def lag_seconds(self) -> float:
        """0 when the latest round succeeded, else seconds since the state was last whole."""
        return 0.0 if self.error is None else max(0.0, self.monotonic() - self.confirmed_at)

    async def fresh(self, timeout: float = FRESH_TIMEOUT_SECONDS) -> bool:
        """Wait until the state includes every append committed before this call; False if
        the store could not be read in time (the state is then as of ``lag_seconds`` ago)."""
        if not self.running:
            return self.error is None
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        with self._waiters_lock:
            self._waiters.append(future)
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            return False
        return self.error is None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            waiters = self._take_waiters()
            if self._stop.is_set():
                self._release(waiters)
                return
            self.round()
            self._release(waiters)

    def _take_waiters(self) -> list[asyncio.Future[None]]:
        with self._waiters_lock:
            waiters, self._waiters = self._waiters, []
        return waiters

    @staticmethod
    def _release(waiters: list[asyncio.Future[None]]) -> None:
        for future in waiters:
            future.get_loop().call_soon_threadsafe(_done, future)


def _done(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)

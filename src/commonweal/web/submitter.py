"""The web edge's path into the sequencer: one committer thread, no thread hop per request.

Request handlers run on the event loop: they parse and check each event there
(a batch's signatures in the worker processes, awaited without blocking the
loop), then queue it. The committer thread takes everything queued and commits
it as one group, then resolves each request's future on the loop.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Sequence

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node, Prepared, Receipt

_STOP = None

Admit = Callable[[Sequence[Prepared]], None]
"""A check on parsed events before they are queued (the rate limiter's per-DID budgets)."""


class Submitter:
    """Feeds prepared requests from the event loop to a committer thread."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self._queue: queue.SimpleQueue[
            tuple[Sequence[Prepared], asyncio.Future[list[Receipt]]] | None
        ] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="committer", daemon=True)

    def start(self) -> None:
        """Start the committer thread."""
        self._thread.start()

    def stop(self) -> None:
        """Commit what is queued, then stop the thread."""
        self._queue.put(_STOP)
        self._thread.join(timeout=30)

    async def submit(self, raw: bytes, admit: Admit | None = None) -> Receipt:
        """Check one event on the loop (and ``admit`` it) and append it."""
        prepared = [self.node.prepare(raw)]
        if admit is not None:
            admit(prepared)
        (receipt,) = await self._commit(prepared)
        return receipt

    async def submit_batch(self, values: list[object], admit: Admit | None = None) -> list[Receipt]:
        """Check a batch (signatures in the worker processes) and append it atomically."""
        unsigned = self.node.check_batch(values)
        if admit is not None:
            admit(unsigned)
        checks = [p.event.signature_check for p in unsigned]
        verdicts = await asyncio.wrap_future(self.node.signatures.submit_future(checks))
        self.node.require_signatures(verdicts)
        return await self._commit(unsigned)

    async def _commit(self, events: Sequence[Prepared]) -> list[Receipt]:
        future: asyncio.Future[list[Receipt]] = asyncio.get_running_loop().create_future()
        self._queue.put((events, future))
        return await future

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            work = [first]
            while not self._queue.empty():
                item = self._queue.get()
                if item is _STOP:
                    self._queue.put(_STOP)
                    break
                work.append(item)
            try:
                outcomes = self.node.commit_requests([events for events, _ in work])
            except Exception as error:
                outcomes = [error] * len(work)
            for (_, future), outcome in zip(work, outcomes, strict=True):
                future.get_loop().call_soon_threadsafe(_resolve, future, outcome)


def _resolve(future: asyncio.Future[list[Receipt]], outcome: list[Receipt] | Exception) -> None:
    if future.cancelled():
        return
    if isinstance(outcome, Exception):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


__all__ = ["Rejected", "Submitter"]

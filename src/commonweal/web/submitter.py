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
from functools import partial

from commonweal.node.kernel.errors import Rejected, Unavailable
from commonweal.node.kernel.prepared import bad_signature, check_unsigned, parse_raw
from commonweal.node.kernel.service import Node, Prepared, Receipt
from commonweal.node.kernel.signatures import SignatureCheck, SignatureChecker

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
        self._signatures = SignatureGatherer(node.signatures)

    def start(self) -> None:
        """Start the committer thread."""
        self._thread.start()

    def stop(self) -> None:
        """Commit what is queued, then stop the thread."""
        self._queue.put(_STOP)
        self._thread.join(timeout=30)

    async def submit(self, raw: bytes, admit: Admit | None = None) -> Receipt:
        """Check one event on the loop (and ``admit`` it), its signature in a worker process
        together with those of the other single events arriving meanwhile, and append it."""
        prepared = [check_unsigned(self.node, parse_raw(raw))]
        if admit is not None:
            admit(prepared)
        if not await self._signatures.verify(prepared[0].event.signature_check):
            raise bad_signature()
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


GATHERED_AT_MOST = 64
"""The most single events' signatures sent to the workers as one batch."""

ALONE_INLINE = 1
"""A signature that arrived alone is checked at once on the loop: a round trip to a
worker costs more than the check, and nothing else is waiting."""


class SignatureGatherer:
    """Gathers the signatures of single events that arrive together (in one turn of the
    event loop) into small batches for the signature workers, so they are checked on
    every core and off the loop, as a batch's are, at one round trip per batch."""

    def __init__(self, checker: SignatureChecker) -> None:
        self.checker = checker
        self._waiting: list[tuple[SignatureCheck, asyncio.Future[bool]]] = []

    async def verify(self, check: SignatureCheck) -> bool:
        """Whether this signature verifies (checked with the others gathered this turn)."""
        loop = asyncio.get_running_loop()
        verdict: asyncio.Future[bool] = loop.create_future()
        self._waiting.append((check, verdict))
        if len(self._waiting) == 1:
            loop.call_soon(self._send)
        elif len(self._waiting) >= GATHERED_AT_MOST:
            self._send()
        return await verdict

    def _send(self) -> None:
        batch, self._waiting = self._waiting, []
        if not batch:
            return
        try:
            pending = self.checker.submit_future(
                [check for check, _ in batch], inline_limit=ALONE_INLINE
            )
        except Exception as error:  # the pool is shut down: refuse, never accept unchecked
            _settle(batch, error)
            return
        asyncio.wrap_future(pending).add_done_callback(partial(_verdicts_for, batch))


def _verdicts_for(
    batch: list[tuple[SignatureCheck, asyncio.Future[bool]]], done: asyncio.Future[list[bool]]
) -> None:
    error = done.exception()
    if error is not None:
        _settle(batch, error)
        return
    for (_check, verdict), valid in zip(batch, done.result(), strict=True):
        if not verdict.done():
            verdict.set_result(valid)


def _settle(batch: list[tuple[SignatureCheck, asyncio.Future[bool]]], error: BaseException) -> None:
    for _check, verdict in batch:
        if not verdict.done():
            verdict.set_exception(Unavailable(f"signatures could not be checked: {error}"))


def _resolve(future: asyncio.Future[list[Receipt]], outcome: list[Receipt] | Exception) -> None:
    if future.cancelled():
        return
    if isinstance(outcome, Exception):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


__all__ = ["Rejected", "Submitter"]

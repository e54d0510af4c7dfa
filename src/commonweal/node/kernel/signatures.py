"""Checking many signatures at once, in worker processes.

libsodium releases the GIL, but a thread that drops it for each 45 µs check waits
for it again behind any thread running Python (the GIL convoy), so threads do not
scale here. Batches go instead to a small pool of processes running a tight loop;
only bytes and strings cross the boundary, and the
workers decode the base58 signatures too. Small batches are checked inline: a round trip to
a worker costs more than a few checks.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from commonweal.core.events import verify_encoded_signature, verify_encoded_signatures

SignatureCheck = tuple[bytes, bytes, str]
"""(public key, signed bytes, the event's ``z…`` signature)."""

INLINE_LIMIT = 64


class SignatureChecker:
    """Verifies batches of Ed25519 signatures, in parallel when they are large."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def check(self, checks: Sequence[SignatureCheck]) -> list[bool]:
        """Whether each signature verifies, in order."""
        if len(checks) <= INLINE_LIMIT or self.workers < 1:
            return [verify_encoded_signature(*check) for check in checks]
        pool = self._start()
        size = -(-len(checks) // self.workers)
        parts = [list(checks[i : i + size]) for i in range(0, len(checks), size)]
        return [
            bool(b) for verdicts in pool.map(verify_encoded_signatures, parts) for b in verdicts
        ]

    def submit_future(
        self, checks: Sequence[SignatureCheck], *, inline_limit: int = INLINE_LIMIT
    ) -> Future[list[bool]]:
        """Start checking; the future resolves to the verdicts (at once when checked inline:
        ``inline_limit`` checks or fewer, or without workers)."""
        if len(checks) <= inline_limit or self.workers < 1:
            done: Future[list[bool]] = Future()
            done.set_result(self.check(checks))
            return done
        return self._start().submit(_check_all, list(checks))

    def submit(self, checks: Sequence[SignatureCheck]) -> Callable[[], list[bool]]:
        """Start checking in the workers; call the result to wait for the verdicts."""
        if len(checks) <= INLINE_LIMIT or self.workers < 1:
            verdicts = self.check(checks)
            return lambda: verdicts
        pool = self._start()
        size = -(-len(checks) // self.workers)
        futures = [
            pool.submit(verify_encoded_signatures, list(checks[i : i + size]))
            for i in range(0, len(checks), size)
        ]
        return lambda: [bool(b) for future in futures for b in future.result()]

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._pool

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _check_all(checks: list[SignatureCheck]) -> list[bool]:
    """A worker's whole batch (for callers that want one future)."""
    return [bool(b) for b in verify_encoded_signatures(checks)]

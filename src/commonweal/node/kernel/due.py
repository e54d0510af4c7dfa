"""Time-driven transitions the node logs itself, and what happens when one is refused.

Every ``run_due`` (governance, commons, campaigns, rounds, credit, recoveries,
federation) finds the transitions due now and logs each as a node-authored event.
A transition the rules refuse (the state moved between the count and the commit,
or a record is stuck) must neither block the transitions after it nor be retried
in a tight loop: :class:`Refusals` remembers it, skips it until its retry time
(the delay doubles with each refusal, up to a ceiling), and logs a refusal once
per distinct reason — repeats go to the debug level. The scheduler keeps one
:class:`Refusals` per job for the life of the process; a direct call without one
still skips a refused transition for the rest of that call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from commonweal.node.kernel.errors import Rejected, Unavailable
from commonweal.node.kernel.service import Node, Receipt

log = logging.getLogger(__name__)

StepKey = tuple[str, Hashable]
"""A due transition: its event type and what it concerns (a proposal id, a round id, …)."""

FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 600.0


@dataclass
class Refusal:
    """The latest refusal of one transition, and when it may be tried again."""

    code: str
    message: str
    attempts: int
    retry_at: float


class Refusals:
    """The due transitions that were refused, each skipped until its retry time."""

    def __init__(
        self,
        *,
        first_delay: float = FIRST_DELAY_SECONDS,
        max_delay: float = MAX_DELAY_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.monotonic = monotonic
        self._refused: dict[StepKey, Refusal] = {}
        self._lock = threading.Lock()
        self.by_code: Counter[str] = Counter()
        """Every refusal so far, by code (read by /metrics)."""

    def waiting(self, key: StepKey) -> bool:
        """Whether ``key`` was refused and its retry time has not come."""
        with self._lock:
            refusal = self._refused.get(key)
        return refusal is not None and self.monotonic() < refusal.retry_at

    def refused(
        self, key: StepKey, code: str, message: str, *, error: BaseException | None = None
    ) -> None:
        """Record a refusal of ``key``; log it unless it repeats the last reason."""
        with self._lock:
            previous = self._refused.get(key)
            attempts = previous.attempts + 1 if previous else 1
            delay = min(self.first_delay * 2 ** (attempts - 1), self.max_delay)
            self._refused[key] = Refusal(code, message, attempts, self.monotonic() + delay)
            self.by_code[code] += 1
        repeated = previous is not None and (previous.code, previous.message) == (code, message)
        log.log(
            logging.DEBUG if repeated else logging.WARNING,
            "due transition refused",
            extra={
                "event_type": key[0],
                "subject": str(key[1]),
                "code": code,
                "reason": message,
                "attempts": attempts,
                "retry_in_seconds": delay,
            },
            exc_info=None if repeated else error,
        )

    def succeeded(self, key: StepKey) -> None:
        """Forget ``key``: it was logged at last."""
        with self._lock:
            self._refused.pop(key, None)

    def stuck(self) -> dict[StepKey, Refusal]:
        """The transitions refused at their latest attempt."""
        with self._lock:
            return dict(self._refused)


def attempt(
    node: Node,
    refusals: Refusals,
    key: StepKey,
    body: dict[str, Any] | Callable[[], dict[str, Any]],
) -> Receipt | None:
    """Log ``key`` as the node with ``body`` (or what it builds); a refusal is recorded, not raised.

    An unexpected error while building the body (a bug in a count) is recorded the
    same way, with its traceback in the log, so it too holds up only its own step.
    """
    try:
        receipt = node.submit_as_node(key[0], body() if callable(body) else body)
    except Rejected as rejected:
        refusals.refused(key, rejected.code, rejected.message)
        return None
    except Unavailable:
        raise  # the store, not this step: the job fails and the next tick retries
    except Exception as error:
        refusals.refused(key, "error", f"{type(error).__name__}: {error}", error=error)
        return None
    refusals.succeeded(key)
    return receipt

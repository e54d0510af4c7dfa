"""A clock that a test moves forward while a real server runs — for browser tests only.

Votes last days; a browser test cannot wait for them. ``commonweal serve
--test-clock-file FILE`` makes the node's clock the real time plus the number of
seconds written in FILE, re-read on every tick, and never moving back. It cannot
be turned on by accident: the option is hidden from ``--help``, and it is refused
unless ``COMMONWEAL_ALLOW_TEST_CLOCK`` is set to ``yes-this-is-a-test`` and the
server listens on a loopback address. Every page then says so in a banner.
"""

from __future__ import annotations

import ipaddress
import os
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from commonweal.node.kernel.service import Clock, system_clock

ENABLE_VARIABLE = "COMMONWEAL_ALLOW_TEST_CLOCK"
ENABLE_VALUE = "yes-this-is-a-test"


class ClockRefused(Exception):
    """The test clock was asked for where it must not run."""


class MovableClock:
    """The real time plus an offset in seconds read from a file; it never goes back."""

    def __init__(self, path: Path, base: Clock = system_clock) -> None:
        self.path = path
        self.base = base
        self._seen: tuple[int, float] = (-1, 0.0)
        self._lock = threading.Lock()

    @property
    def offset(self) -> float:
        """The offset now in force, in seconds (the largest ever read)."""
        try:
            stamp = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return self._seen[1]
        with self._lock:
            if stamp != self._seen[0]:
                try:
                    value = float(self.path.read_text().strip() or 0)
                except ValueError:
                    value = self._seen[1]
                self._seen = (stamp, max(value, self._seen[1]))
            return self._seen[1]

    def __call__(self) -> datetime:
        return self.base() + timedelta(seconds=self.offset)


def movable_clock(path: Path, host: str, environ: Mapping[str, str] = os.environ) -> MovableClock:
    """The test clock, if this server may have one; ``ClockRefused`` says why not."""
    if environ.get(ENABLE_VARIABLE) != ENABLE_VALUE:
        raise ClockRefused(
            f"the test clock is for browser tests only: set {ENABLE_VARIABLE}={ENABLE_VALUE}"
        )
    if not _loopback(host):
        raise ClockRefused("the test clock runs only on a loopback address (127.0.0.1, ::1)")
    return MovableClock(path)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

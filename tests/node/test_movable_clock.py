"""The browser tests' movable clock: it moves only forward, and never runs by accident."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commonweal.node.kernel.movable_clock import (
    ENABLE_VALUE,
    ENABLE_VARIABLE,
    ClockRefused,
    movable_clock,
)

ALLOWED = {ENABLE_VARIABLE: ENABLE_VALUE}
START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_the_clock_moves_forward_with_the_file_and_never_back(tmp_path: Path) -> None:
    path = tmp_path / "offset"
    clock = movable_clock(path, "127.0.0.1", ALLOWED)
    clock.base = lambda: START
    assert clock() == START  # no file yet: no offset
    path.write_text("86400")
    assert (clock() - START).total_seconds() == 86_400
    path.write_text("60")
    os.utime(path, ns=(1, path.stat().st_mtime_ns + 1_000_000))
    assert (clock() - START).total_seconds() == 86_400  # never back
    path.write_text("not a number")
    os.utime(path, ns=(1, path.stat().st_mtime_ns + 2_000_000))
    assert (clock() - START).total_seconds() == 86_400


@pytest.mark.parametrize(
    ("host", "environ", "reason"),
    [
        ("127.0.0.1", {}, ENABLE_VARIABLE),
        ("127.0.0.1", {ENABLE_VARIABLE: "1"}, ENABLE_VARIABLE),
        ("0.0.0.0", ALLOWED, "loopback"),
        ("192.168.1.5", ALLOWED, "loopback"),
        ("node.example.org", ALLOWED, "loopback"),
    ],
)
def test_the_clock_is_refused_outside_a_test(
    tmp_path: Path, host: str, environ: dict[str, str], reason: str
) -> None:
    with pytest.raises(ClockRefused, match=reason):
        movable_clock(tmp_path / "offset", host, environ)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_loopback_hosts_may_have_it(tmp_path: Path, host: str) -> None:
    assert movable_clock(tmp_path / "offset", host, ALLOWED).offset == 0

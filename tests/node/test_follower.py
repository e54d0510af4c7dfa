"""The log follower: another process's appends reach this one's state by notification
(PostgreSQL) or poll (SQLite), and the read barrier waits for every append before it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from commonweal.node.kernel.follower import LogFollower
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import open_node
from tests.community import Community


@pytest.fixture
def other(community: Community, tmp_path: Path, database_url: str | None) -> Iterator[Node]:
    """A second node object on the same store, as a second process would open it."""
    node = open_node(tmp_path / "node", database_url=database_url, clock=community.clock)
    yield node
    node.close()


def _attest(community: Community, name: str) -> int:
    return community.node.submit(community.events.raw(name)).index


def test_appends_elsewhere_reach_the_follower_without_asking(
    community: Community, other: Node, database_url: str | None
) -> None:
    # On PostgreSQL the poll is made too slow to matter: the notification must do it.
    follower = LogFollower(other, poll_seconds=60 if database_url else 0.05)
    follower.start()
    try:
        time.sleep(0.3)  # listening
        index = _attest(community, "alice")
        deadline = time.monotonic() + 2
        while other.size <= index and time.monotonic() < deadline:
            time.sleep(0.01)
        assert other.size == index + 1
        assert other.state.get("log.authors", community.did("alice")) == 1
    finally:
        follower.stop()
    assert other.full_reloads == 0


def test_the_read_barrier_waits_for_every_append_acknowledged_before_it(
    community: Community, other: Node
) -> None:
    follower = LogFollower(other, poll_seconds=60)  # neither poll nor notification in time

    async def reads() -> list[tuple[bool, int]]:
        seen = []
        for name in ("alice", "bob", "carol"):
            index = _attest(community, name)
            seen.append((await follower.fresh(), other.size - (index + 1)))
        return seen

    follower.start()
    try:
        with ThreadPoolExecutor(1) as aside:  # its own event loop, whatever this thread runs
            seen = aside.submit(asyncio.run, reads()).result()
    finally:
        follower.stop()
    assert seen == [(True, 0)] * 3
    assert follower.lag_seconds() == 0.0

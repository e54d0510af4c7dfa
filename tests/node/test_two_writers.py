"""Two processes on one store (the web process and a separate scheduler): each sees the
other's appends, and neither refuses a request because the other wrote first."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import open_node
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import governance
from tests.builders import Clock
from tests.community import Community
from tests.governance import draft, phase, rules, submit


@pytest.fixture
def other(community: Community, tmp_path: Path, database_url: str | None) -> Iterator[Node]:
    """A second node object on the same store, as a second process would open it."""
    node = open_node(tmp_path / "node", database_url=database_url, clock=community.clock)
    yield node
    node.close()


def attest(community: Community, name: str) -> None:
    """A plain signed attestation by ``name``."""
    community.node.submit(community.events.raw(name))


def _rows(node: Node) -> dict[tuple[str, object], object]:
    with node.reading() as state:
        return {
            (table, key): value
            for table, rows in state.tables.items()
            for key, value in rows.items()
        }


def test_catch_up_applies_what_another_process_appended(community: Community, other: Node) -> None:
    attest(community, "alice")
    proposal = draft(community)
    assert other.size == community.node.size - 2
    assert other.catch_up() == 2
    assert other.size == community.node.size
    assert other.range.root() == community.node.range.root()
    assert _rows(other) == _rows(community.node)
    assert other.catch_up() == 0
    assert other.state.get("governance.proposals", proposal)["title"] == "Plant an orchard"


def test_a_write_after_another_process_appended_is_not_refused(
    community: Community, other: Node
) -> None:
    attest(community, "alice")  # ``other`` has not seen it
    receipt = other.submit(community.events.raw("bob"))
    assert receipt.index == community.node.size  # appended after alice's, not refused (503)
    attest(community, "carol")  # and the first process, behind in turn, catches up the same way
    assert community.node.size == other.size + 1
    report = verify_log(community.node.store, default_registry(), compare_with=community.node.store)
    assert report.ok, report.failures


def test_node_authored_events_from_two_processes_take_turns_with_seq(
    community: Community, other: Node, clock: Clock
) -> None:
    proposal = draft(community)
    submit(community, proposal)
    clock.advance(seconds=rules(community, proposal)["discussion_seconds"])
    other.catch_up()  # ``other`` knows the proposal, and which seq the node used last ...
    # ... and then the first process uses the next one.
    community.node.submit_as_node("node.profile.updated", {"description": "one"})
    # ``other`` signs with the seq it believes is next, is told the seq is taken,
    # catches up and signs again: the voting opens.
    logged = governance.run_due(other)
    assert len(logged) == 1
    community.node.catch_up()
    assert phase(community, proposal) == "voting"
    report = verify_log(community.node.store, default_registry(), compare_with=community.node.store)
    assert report.ok, report.failures


def test_an_author_whose_last_event_went_through_the_other_process_is_not_refused(
    community: Community, other: Node
) -> None:
    attest(community, "alice")  # alice's seq n is logged by the first process ...
    receipt = other.submit(community.events.raw("alice"))  # ... n + 1 through the stale one
    assert receipt.index == community.node.size
    assert other.state.get("log.authors", community.did("alice")) == community.events.seqs["alice"]


def test_two_processes_appending_at_once_refuse_nothing_and_reload_nothing(
    community: Community, other: Node
) -> None:
    """Two threads, one per process object, each with its own authors, plus one author
    whose events alternate between the processes: every event is logged, in order."""
    rounds = 40
    work = {
        community.node: [community.events.raw("alice") for _ in range(rounds)],
        other: [community.events.raw("bob") for _ in range(rounds)],
    }
    failures: list[Exception] = []

    def run(node: Node, raws: list[bytes]) -> None:
        for raw in raws:
            try:
                node.submit(raw)
            except Exception as error:  # counted below: there must be none
                failures.append(error)

    threads = [threading.Thread(target=run, args=item) for item in work.items()]
    for thread in threads:
        thread.start()
    for turn in range(rounds):  # carol: each event through the other process than the last
        (community.node if turn % 2 else other).submit(community.events.raw("carol"))
    for thread in threads:
        thread.join()
    assert failures == []
    community.node.catch_up()
    other.catch_up()
    assert community.node.size == other.size
    assert community.node.range.root() == other.range.root()
    assert _rows(other) == _rows(community.node)
    assert community.node.full_reloads == other.full_reloads == 0
    report = verify_log(community.node.store, default_registry(), compare_with=community.node.store)
    assert report.ok, report.failures

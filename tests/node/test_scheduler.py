"""The scheduler runs each job on its own; a refused transition blocks no other."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from commonweal.capabilities import CAPABILITIES, assemble
from commonweal.node.kernel.due import Refusals
from commonweal.node.kernel.scheduler import Job, Scheduler, read_heartbeat
from commonweal.node.services import governance
from tests.community import Community
from tests.governance import admit, draft, phase, rules, submit, vote


def test_a_job_that_raises_is_logged_and_counted_and_the_next_jobs_still_run(
    community: Community, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("the disk is on fire")

    scheduler = Scheduler(
        community.node,
        jobs=[
            Job("first", lambda: ran.append("first")),
            Job("broken", broken),
            Job("after", lambda: ran.append("after")),
        ],
    )
    with caplog.at_level(logging.ERROR, logger="commonweal.node.kernel.scheduler"):
        scheduler.tick()
        scheduler.tick()
    assert ran == ["first", "after", "first", "after"]
    assert scheduler.stats["broken"].runs == 2
    assert scheduler.stats["broken"].failures == 2
    assert scheduler.stats["broken"].last_error == "RuntimeError: the disk is on fire"
    assert scheduler.stats["after"].failures == 0
    failures = [r for r in caplog.records if r.getMessage() == "scheduled job failed"]
    assert [getattr(r, "job", None) for r in failures] == ["broken", "broken"]
    assert all(r.exc_info and "the disk is on fire" in str(r.exc_info[1]) for r in failures)
    assert scheduler.last_tick is not None


def test_the_node_jobs_are_every_kind_of_due_work_and_the_checkpoint(
    community: Community,
) -> None:
    names = [job.name for job in assemble(CAPABILITIES).jobs(community.node)]
    assert names == [
        "recoveries",
        "secret_ballots",
        "governance",
        "commons",
        "campaigns",
        "rounds",
        "credit",
        "federation",
        "census",
        "notifications",
        "push",
        "checkpoint",
    ]


def _two_votes_due(community: Community) -> tuple[int, int]:
    """Two decisions whose votes are both due to close now."""
    admit(community, "dana")
    first = draft(community, title="Paint the shed")
    second = draft(community, title="Fix the gate")
    for proposal in (first, second):
        submit(community, proposal)
    community.clock.advance(seconds=rules(community, first)["discussion_seconds"])
    governance.run_due(community.node)
    assert phase(community, first) == phase(community, second) == "voting"
    for proposal in (first, second):
        for name in ("alice", "bob", "carol"):
            vote(community, name, proposal, {"choice": "yes"})
    community.clock.advance(seconds=rules(community, first)["voting_seconds"])
    return first, second


def _corrupt_count_of(proposal: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The node's count of ``proposal`` carries a wrong result: the closing rule, which
    recounts, refuses it (``tally_mismatch``), as it would refuse any stuck close."""
    real_count = governance.count

    def count(state: Any, record: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        result = real_count(state, record, **kwargs)
        if record["id"] == proposal:
            result = {**result, "participating": result["participating"] + 1}
        return result

    monkeypatch.setattr(governance, "count", count)


def test_a_refused_close_does_not_block_a_later_one(
    community: Community, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = _two_votes_due(community)
    _corrupt_count_of(first, monkeypatch)
    now = [0.0]
    refusals = Refusals(monotonic=lambda: now[0])
    with caplog.at_level(logging.DEBUG, logger="commonweal.node.kernel.due"):
        logged = governance.run_due(community.node, refusals=refusals)
        assert phase(community, first) == "voting"  # refused: its count did not match
        assert phase(community, second) == "closed"  # ... and the later one closed anyway
        assert [community.node.store.entry(r.index).type for r in logged] == [  # type: ignore[union-attr]
            "governance.proposal.closed"
        ]
        assert refusals.by_code == {"tally_mismatch": 1}
        # Tried again at once, the stuck close waits for its retry time: no tight loop.
        assert governance.run_due(community.node, refusals=refusals) == []
        assert refusals.by_code == {"tally_mismatch": 1}
        # After the backoff it is tried again; the same refusal is not logged at warning again.
        now[0] += 1.5
        assert governance.run_due(community.node, refusals=refusals) == []
        assert refusals.by_code == {"tally_mismatch": 2}
        assert refusals.stuck()[("governance.proposal.closed", first)].attempts == 2
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert getattr(warnings[0], "code", None) == "tally_mismatch"
    assert getattr(warnings[0], "subject", None) == str(first)
    repeats = [r for r in caplog.records if r.levelno == logging.DEBUG]
    assert len(repeats) == 1
    # Once the count is right again (and the delay, now doubled, has passed), it closes.
    monkeypatch.undo()
    now[0] += 1.0
    assert governance.run_due(community.node, refusals=refusals) == []  # still waiting (2 s)
    now[0] += 1.5
    assert len(governance.run_due(community.node, refusals=refusals)) == 1
    assert phase(community, first) == "closed"
    assert refusals.stuck() == {}


def test_without_a_memory_a_refused_close_is_still_skipped_for_the_rest_of_the_call(
    community: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = _two_votes_due(community)
    _corrupt_count_of(first, monkeypatch)
    governance.run_due(community.node)
    assert (phase(community, first), phase(community, second)) == ("voting", "closed")


def test_the_governance_job_counts_refusals_and_the_heartbeat_carries_them(
    community: Community, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    first, second = _two_votes_due(community)
    _corrupt_count_of(first, monkeypatch)
    heartbeat = tmp_path / "scheduler.json"
    scheduler = Scheduler(
        community.node,
        jobs=assemble(CAPABILITIES).jobs(community.node),
        heartbeat=heartbeat,
        wall=lambda: 1000.0,
    )
    scheduler.tick()
    assert phase(community, second) == "closed"
    assert scheduler.stats["governance"].refusals == {"tally_mismatch": 1}
    assert scheduler.stats["governance"].failures == 0
    view = read_heartbeat(heartbeat)
    assert view is not None
    assert view.last_tick == 1000.0
    assert view.jobs["governance"].refusals == {"tally_mismatch": 1}
    assert view.jobs["checkpoint"].runs == 1
    assert view.alive(1005.0) and not view.alive(1000.0 + 60)


def test_a_heartbeat_that_is_missing_or_damaged_reads_as_no_scheduler(tmp_path: Any) -> None:
    assert read_heartbeat(tmp_path / "absent.json") is None
    (tmp_path / "bad.json").write_text('{"pid": 1, "last_tick": "soon"')
    assert read_heartbeat(tmp_path / "bad.json") is None

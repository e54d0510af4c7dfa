"""The constitution's write policy: who may write, with what proof of work, and how much.

Issue 14: four fresh anonymous keys added 2,649 permanent entries in 8 s. Under the
default policy of a new node, keys that are not members need proof of work to attest,
each may attest ten times an hour, and the node takes at most so many anonymous
entries an hour; refusals change nothing, and ``verify`` replays the same checks.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from commonweal.domain.catalog import default_registry
from commonweal.domain.errors import InvalidBody
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION, parse_constitution
from commonweal.domain.governance.writes import parse_writes
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import init_node
from commonweal.node.kernel.verify import verify_log
from tests.builders import Clock, EventFactory

BITS = DEFAULT_CONSTITUTION["writes"]["types"]["notary.document.attested"]["work_bits"]


def _node(tmp_path: Path, clock: Clock, writes: dict[str, Any] | None = None) -> Node:
    constitution = copy.deepcopy(DEFAULT_CONSTITUTION)
    if writes is not None:
        constitution["writes"] = writes
    factory = EventFactory("", clock)
    return init_node(
        tmp_path / "node",
        name="Guarded",
        clock=clock,
        constitution=constitution,
        founders=[factory.did("member")],
        admission={"admission": "open"},
    )


@pytest.fixture
def guarded(tmp_path: Path, clock: Clock):  # type: ignore[no-untyped-def]
    node = _node(tmp_path, clock)
    yield node
    node.close()


def _refused(node: Node, raw: bytes) -> str:
    size = node.size
    with pytest.raises(Rejected) as refused:
        node.submit(raw)
    assert node.size == size  # nothing was logged
    return refused.value.code


def test_new_nodes_adopt_the_default_write_policy(guarded: Node) -> None:
    with guarded.reading() as state:
        constitution = state.get("governance.constitution", "constitution")
    assert constitution["writes"] == parse_writes(DEFAULT_CONSTITUTION["writes"])
    assert BITS > 0


def test_anonymous_attestation_needs_its_proof_of_work(guarded: Node, clock: Clock) -> None:
    events = EventFactory(guarded.identity.did, clock)
    assert _refused(guarded, events.raw("stranger", seq=1)) == "work_required"
    receipt = guarded.submit(events.raw("stranger", seq=1, work_bits=BITS))
    assert receipt.index == guarded.size - 1


def test_a_stamp_too_weak_is_refused(tmp_path: Path, clock: Clock) -> None:
    writes = copy.deepcopy(DEFAULT_CONSTITUTION["writes"])
    writes["types"]["notary.document.attested"]["work_bits"] = 20
    node = _node(tmp_path, clock, writes)
    events = EventFactory(node.identity.did, clock)
    body = {"digest": "sha256:" + "cd" * 32, "pow": "not-enough"}  # ~0 bits; 20 by 1 in 10^6
    raw = events.raw("stranger", body=body)
    assert _refused(node, raw) == "work_required"
    node.close()


def test_members_need_no_work_and_meet_no_quota(guarded: Node, clock: Clock) -> None:
    events = EventFactory(guarded.identity.did, clock)
    before = guarded.size
    for _ in range(15):  # unstamped, and past the per-key quota of ten: a refusal would raise
        guarded.submit(events.raw("member"))
    assert guarded.size == before + 15


def test_each_key_may_attest_ten_times_an_hour(guarded: Node, clock: Clock) -> None:
    events = EventFactory(guarded.identity.did, clock)
    quota = DEFAULT_CONSTITUTION["writes"]["types"]["notary.document.attested"]["per_key_per_hour"]
    for _ in range(quota):
        guarded.submit(events.raw("stranger", work_bits=BITS))
    over = events.raw("stranger", work_bits=BITS)
    events.seqs["stranger"] -= 1
    assert _refused(guarded, over) == "key_quota"
    guarded.submit(events.raw("other", work_bits=BITS))  # another key still may
    clock.advance(hours=1)
    guarded.submit(events.raw("stranger", work_bits=BITS))  # and the next hour, this one


def test_the_node_wide_budget_of_anonymous_entries(tmp_path: Path, clock: Clock) -> None:
    writes = {
        "anonymous_per_hour": 3,
        "types": {"notary.document.attested": {"who": "open", "work_bits": 0}},
    }
    node = _node(tmp_path, clock, writes)
    events = EventFactory(node.identity.did, clock)
    for n in range(3):
        node.submit(events.raw(f"stranger{n}"))
    assert _refused(node, events.raw("stranger3")) == "anonymous_budget"
    node.submit(events.raw("member"))  # members are not counted
    clock.advance(hours=1)
    node.submit(events.raw("stranger4", seq=1))
    assert verify_log(node.store, default_registry(), compare_with=node.store).ok
    node.close()


def test_members_only_refuses_everyone_else(tmp_path: Path, clock: Clock) -> None:
    writes = {
        "anonymous_per_hour": 0,
        "types": {"notary.document.attested": {"who": "members"}},
    }
    node = _node(tmp_path, clock, writes)
    events = EventFactory(node.identity.did, clock)
    assert _refused(node, events.raw("stranger")) == "members_only"
    node.submit(events.raw("member"))
    node.close()


def test_applications_stay_open_and_count_against_the_budget(tmp_path: Path, clock: Clock) -> None:
    writes = {
        "anonymous_per_hour": 1,
        "types": {"membership.application.submitted": {"who": "open"}},
    }
    node = _node(tmp_path, clock, writes)
    events = EventFactory(node.identity.did, clock)
    body = {"commitment": "sha256:" + "ab" * 32}
    node.submit(events.raw("first", type="membership.application.submitted", body=body))
    refused = events.raw("second", type="membership.application.submitted", body=body)
    assert _refused(node, refused) == "anonymous_budget"
    # the first applicant was admitted at once (open admission): now a member, unlimited
    node.submit(events.raw("first"))
    node.close()


def test_verify_replays_the_policy(guarded: Node, clock: Clock) -> None:
    events = EventFactory(guarded.identity.did, clock)
    for name in ("a", "b", "a"):
        guarded.submit(events.raw(name, work_bits=BITS))
    assert verify_log(guarded.store, default_registry(), compare_with=guarded.store).ok


@pytest.mark.parametrize(
    ("writes", "message"),
    [
        ({"types": {}}, "missing member"),
        ({"anonymous_per_hour": -1}, "anonymous_per_hour"),
        ({"anonymous_per_hour": 5, "types": {"treasury.transfer": {"who": "open"}}}, "covers"),
        ({"anonymous_per_hour": 5, "types": {"notary.document.attested": {"who": "x"}}}, "who"),
        (
            {
                "anonymous_per_hour": 5,
                "types": {"notary.document.attested": {"who": "open", "work_bits": 33}},
            },
            "work_bits",
        ),
    ],
)
def test_a_bad_write_policy_is_refused_with_its_reason(writes: Any, message: str) -> None:
    constitution = {**copy.deepcopy(DEFAULT_CONSTITUTION), "writes": writes}
    with pytest.raises(InvalidBody, match=message):
        parse_constitution(constitution, ["constitution.amend", *_actions()])


def _actions() -> list[str]:
    return sorted({a for kind in DEFAULT_CONSTITUTION["kinds"].values() for a in kind["actions"]})

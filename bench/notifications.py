"""Notification benchmarks: the notifier's decisions beside ingest (issue 17).

The notifier reads each new leaf and asks the pure decisions who must hear. Measured in
CPU seconds (``time.process_time``) of one thread, for a node of 10,000 members who all
follow everything: deciding 1,000 ingested events (the ingest workload's attestations,
parsed from their leaf bytes, as the notifier does), and, as a reference, one vote
opening that every member must hear of.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from commonweal.core.events import leaf_bytes, parse_event, parse_leaf, sign_event
from commonweal.core.keys import SigningKey
from commonweal.domain.governance.records import PROPOSALS
from commonweal.domain.membership.records import MEMBERS
from commonweal.domain.notifications.decisions import decide
from commonweal.domain.state import State

AT = "2026-05-01T09:00:00Z"


def members_state(members: int) -> State:
    """A state of ``members`` members in good standing and one proposal in its vote."""
    state = State()
    for n in range(members):
        did = f"did:key:z6Mk{n:040d}"
        state.put(MEMBERS, did, {"status": "member", "roles": [], "vouches": []})
    proposal = {"id": 7, "topic": "general", "title": "Plant an orchard", "phase": "voting"}
    state.put(PROPOSALS, 7, {**proposal, "voting_until": "2026-05-08T09:00:00Z"})
    return state


def ingest_leaves(count: int) -> list[bytes]:
    """``count`` attestation leaves by 100 authors, as the ingest benchmark appends."""
    keys = [SigningKey(hashlib.sha256(f"author {n}".encode()).digest()) for n in range(100)]
    leaves = []
    for n in range(count):
        key = keys[n % 100]
        body = {"digest": "sha256:" + hashlib.sha256(str(n).encode()).hexdigest(), "title": "x"}
        event = sign_event(key, type="notary.document.attested", node="did:key:z6Mknode",
                           seq=n // 100 + 1, at=AT, body=body)  # fmt: skip
        leaves.append(leaf_bytes(parse_event(event).canonical, AT))
    return leaves


def cpu_seconds(work: Callable[[], Any]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def decide_all(state: State, leaves: list[bytes]) -> int:
    notices = 0
    for index, leaf in enumerate(leaves):
        event = parse_leaf(leaf).event
        notices += len(decide(state, index, event.type, event.author, event.body))
    return notices


def notification_results(
    results: list[Any],
    Result: Callable[..., Any],  # noqa: N803 (bench.__main__.Result, passed to avoid a cycle)
    scaled: Callable[..., int],
    step: Callable[[str, Callable[[], None]], None],
) -> None:
    """Measure the notifications group and append each figure, beside its target."""
    members = scaled(10_000, minimum=1000)
    state = members_state(members)
    leaves = ingest_leaves(1000)
    costs: dict[str, float] = {}
    step(
        f"deciding 1,000 ingested events for {members:,} members",
        lambda: costs.update(ingest=cpu_seconds(lambda: decide_all(state, leaves))),
    )
    opening = sign_event(
        SigningKey(bytes(32)),
        type="governance.voting.opened",
        node="did:key:z6Mknode",
        seq=1,
        at=AT,
        body={"proposal": 7},
    )
    opened = [leaf_bytes(parse_event(opening).canonical, AT)]
    step(
        f"deciding one vote opening for {members:,} members",
        lambda: costs.update(opening=cpu_seconds(lambda: decide_all(state, opened))),
    )
    share = costs["ingest"]  # CPU seconds per 1,000 events = the share of a core at 1,000/s
    results.append(
        Result(
            f"notifier decisions at 1,000 events/s, {members:,} members",
            share * 100,
            "% of a core",
            "<= 20 %",
            share <= 0.2,
        )
    )
    results.append(
        Result(
            f"  ... one vote opening, {members:,} recipients",
            costs["opening"] * 1000,
            "ms",
            "reference",
            True,
        )
    )

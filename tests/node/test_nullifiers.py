"""The alliance's nullifier keys: blinded evaluation gives member nodes the PRF of each
did (the same across nodes, different per vote or census epoch) without the alliance
seeing a did; only member nodes may ask."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from commonweal.core import oprf
from commonweal.domain.federation.people import distinct_people, nullifier_text
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services.federation import nullifiers
from tests.builders import Clock
from tests.federation import alliance_constitution, make_place


def test_census_nullifiers_intersect_across_nodes_and_not_across_epochs(
    tmp_path: Path, clock: Clock
) -> None:
    ash = make_place(tmp_path, "Ash", clock)
    birch = make_place(tmp_path, "Birch", clock)
    hub = make_place(
        tmp_path,
        "Hub",
        clock,
        members=(),
        founders=[ash.node.identity.key_did, birch.node.identity.key_did],
        constitution=alliance_constitution(),
    )
    shared = ash.member("alice")  # also a member of Birch, say
    ash_people = [ash.member(n) for n in ("alice", "bob", "carol")]
    birch_people = [shared, birch.member("bob")]

    def census(node_key: str, epoch: str) -> nullifiers.Evaluate:
        def evaluate(blinded: list[bytes]) -> list[bytes]:
            texts = [base64.b64encode(b).decode() for b in blinded]
            answer = nullifiers.evaluate_census(hub.node, node_key, epoch, texts)
            return [base64.b64decode(e) for e in answer]

        return evaluate

    ash_key, birch_key = ash.node.identity.key_did, birch.node.identity.key_did
    first = nullifiers.nullify(ash_people, census(ash_key, "2026-12"))
    second = nullifiers.nullify(birch_people, census(birch_key, "2026-12"))
    assert first[shared] == second[shared]
    assert distinct_people([first.values(), second.values()]) == 4
    # The alliance computes the same PRF directly (an independent path to the output).
    secret = nullifiers.scoped_key(hub.node, "census 2026-12")
    assert first[shared] == nullifier_text(oprf.evaluate(secret, shared.encode()))
    later = nullifiers.nullify(ash_people, census(ash_key, "2027-01"))
    assert not set(later.values()) & set(first.values())
    assert nullifiers.vote_key(hub.node, 5) != nullifiers.vote_key(hub.node, 6)
    # Only member nodes may ask; a malformed element or epoch is refused.
    with pytest.raises(Rejected) as refused:
        nullifiers.nullify(ash_people, census(hub.node.identity.key_did, "2026-12"))
    assert refused.value.code == "not_a_member"
    with pytest.raises(Rejected) as refused:
        nullifiers.evaluate_census(hub.node, ash_key, "2026-12", ["AAAA"])
    assert refused.value.code == "invalid_element"
    with pytest.raises(Rejected) as refused:
        nullifiers.evaluate_census(hub.node, ash_key, "no spaces please", ["AAAA"])
    assert refused.value.code == "invalid_request"
    for place in (ash, birch, hub):
        place.node.close()

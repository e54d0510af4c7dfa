"""The rules of member moves, in process: what each side logs and each refusal; the
live test (tests/web/test_member_moves.py) proves the departure across real nodes."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from commonweal.domain.federation.recognition import GRANTED
from commonweal.domain.membership.moves import ADMITTED, ARRIVALS, REQUESTED
from commonweal.domain.membership.records import MEMBERS
from commonweal.node.kernel.errors import Rejected
from tests.builders import Clock
from tests.federation import Place, make_place, recognition_body


def _departure(old: Place, index: int, **changes: Any) -> dict[str, Any]:
    return {
        "origin": old.node.identity.origin,
        "index": index,
        "leaf_hash": base64.b64encode(bytes(32)).decode(),
        "checkpoint": index + 1,
        **changes,
    }


def _refused(place: Place, event_type: str, body: dict[str, Any], *, by: str = "") -> str:
    with pytest.raises(Rejected) as refused:
        if by:
            place.act(by, event_type, body)
        else:
            place.node.submit_as_node(event_type, body)
    return refused.value.code


def test_a_move_and_its_refusals(tmp_path: Path, clock: Clock) -> None:
    ash = make_place(tmp_path, "Ash", clock, members=("alice", "bob", "carol"))
    birch = make_place(tmp_path, "Birch", clock, members=("dan",))
    cedar = make_place(tmp_path, "Cedar", clock, members=("cy",))
    ash.act("alice", GRANTED, recognition_body(birch.node))
    birch.act("dan", GRANTED, recognition_body(ash.node))
    ash.act("alice", GRANTED, recognition_body(cedar.node, credentials=[], visitors=[]))
    carol = ash.member("carol")
    # Not to a node Ash does not accept members of (unknown, or no credential terms).
    assert _refused(ash, REQUESTED, {"to": "did:key:z6Mkelsewhere"}, by="carol") == "not_recognized"
    assert _refused(ash, REQUESTED, {"to": cedar.did}, by="carol") == "not_recognized"
    departure = ash.act("carol", REQUESTED, {"to": birch.did, "reason": "closer to work"})
    record = ash.node.state.get(MEMBERS, carol)
    assert (record["status"], record["moved_to"], record["departed"]) == (
        "moved",
        birch.did,
        departure.index,
    )
    assert _refused(ash, REQUESTED, {"to": birch.did}, by="carol") == "not_a_member"
    body = {"member": carol, "from": ash.did, "departure": _departure(ash, departure.index)}
    # Only the node admits; only from a recognised node's own log.
    assert _refused(birch, ADMITTED, body, by="dan") == "forbidden"
    wrong = {**body, "departure": _departure(ash, departure.index, origin="elsewhere.example")}
    assert _refused(birch, ADMITTED, wrong) == "wrong_log"
    assert _refused(cedar, ADMITTED, body) == "not_recognized"
    admitted = birch.node.submit_as_node(ADMITTED, body)
    record = birch.node.state.get(MEMBERS, carol)
    assert record["status"] == "member" and record["admitted"] == admitted.index
    assert record["moved_from"]["node"] == ash.did
    assert record["moved_from"]["index"] == departure.index
    key = f"{ash.node.identity.origin}#{departure.index}"
    assert birch.node.state.get(ARRIVALS, key) == carol
    # The same departure admits once; a member here is not admitted again.
    assert _refused(birch, ADMITTED, body) == "departure_used"
    dan = {"member": birch.member("dan"), "from": ash.did, "departure": _departure(ash, 0)}
    assert _refused(birch, ADMITTED, dan) == "already_member"
    bad = {**body, "departure": _departure(ash, 5, checkpoint=5)}
    assert _refused(birch, ADMITTED, bad) == "invalid_body"
    for place in (ash, birch, cedar):
        place.node.close()

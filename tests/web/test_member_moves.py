"""A member moves between two live nodes: the old node logs the departure, the new one
proves it in the old node's signed log and admits them; each refusal has its code."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from commonweal.node.kernel.setup import write_key_file
from tests.network import HTTP, LiveNode, recognize, start_node, stop_all, wait_for

COMMONWEAL = str(Path(sys.executable).parent / "commonweal")
REQUESTED = "membership.move.requested"


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[tuple[LiveNode, LiveNode, LiveNode]]:
    ash = start_node(tmp_path, "ash", members=("alice", "bob", "carol", "dora"))
    birch = start_node(tmp_path, "birch", members=("dan",))
    cedar = start_node(tmp_path, "cedar", members=("cy",))
    recognize(ash, birch)
    recognize(birch, ash)
    recognize(ash, cedar)  # Cedar does not recognise Ash
    try:
        yield ash, birch, cedar
    finally:
        stop_all([ash, birch, cedar])


def _post_move(node: LiveNode, document: dict[str, Any]) -> Any:
    return HTTP.post(node.url + "/v1/members/moves", json=document)


def _refused(node: LiveNode, author: str, body: dict[str, Any]) -> Any:
    did = node.events.did(author)
    seq = int(node.get(f"/v1/authors/{did}")["last_seq"]) + 1
    event = node.events.event(author, type=REQUESTED, body=body, seq=seq)
    response = HTTP.post(node.url + "/v1/events", content=orjson.dumps(event))
    assert response.status_code >= 400, response.text
    return response.json()


def _member(node: LiveNode, did: str) -> dict[str, Any]:
    result: dict[str, Any] = node.get(f"/v1/members/{did}")
    return result


@pytest.mark.slow
def test_a_member_moves_with_their_history(
    nodes: tuple[LiveNode, LiveNode, LiveNode], tmp_path: Path
) -> None:
    ash, birch, cedar = nodes
    carol = ash.events.did("ash-carol")
    # Carol moves with the CLI: the departure is logged at Ash, and Birch admits her on it.
    key_file = tmp_path / "carol.key"
    write_key_file(key_file, ash.events.key("ash-carol"), None)
    done = subprocess.run(
        [
            COMMONWEAL,
            "member",
            "move",
            "--to",
            birch.url,
            "--node",
            ash.url,
            "--key",
            str(key_file),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Moved: {birch.did} admitted you" in done.stdout
    # She is a member of Birch now, and a former member of Ash: one place in a census.
    old, new = _member(ash, carol), _member(birch, carol)
    assert (old["status"], old["moved_to"]) == ("moved", birch.did)
    assert new["status"] == "member"
    # Both logs link the move: Birch's admission names Ash's departure entry, which is
    # the move request Carol signed, under a checkpoint Ash signed.
    departure = new["moved_from"]
    assert (departure["node"], departure["origin"]) == (ash.did, ash.origin)
    entry = ash.get(f"/v1/events/{departure['index']}")
    assert entry["event"]["type"] == REQUESTED
    assert entry["event"]["author"] == carol
    assert entry["event"]["body"]["to"] == birch.did
    assert entry["leaf_hash"] == departure["leaf_hash"]
    assert departure["index"] < departure["checkpoint"]
    # The same departure admits once.
    again = _post_move(birch, {"from": ash.did, "index": departure["index"]})
    assert (again.status_code, again.json()["code"]) == (409, "departure_used")
    # A move without a departure logged: the entry named is something else.
    other = _post_move(birch, {"from": ash.did, "index": 0})
    assert (other.status_code, other.json()["code"]) == (422, "no_departure")
    beyond = _post_move(birch, {"from": ash.did, "index": 10_000})
    assert (beyond.status_code, beyond.json()["code"]) == (422, "no_departure")
    # A moved member may not move again from the node they left.
    refused = _refused(ash, "ash-carol", {"to": birch.did})
    assert refused["code"] == "not_a_member"
    # A move to a node Ash does not recognise is refused at Ash, nothing logged.
    size = ash.size()
    refused = _refused(ash, "ash-alice", {"to": "did:key:z6MkunknownNode"})
    assert refused["code"] == "not_recognized"
    assert ash.size() == size
    # A node that does not recognise the old node will not admit its members.
    ash.submit("ash-bob", REQUESTED, body={"to": cedar.did})
    bob_left = _member(ash, ash.events.did("ash-bob"))
    assert bob_left["status"] == "moved"
    unknown = _post_move(cedar, {"from": ash.did, "index": ash.size() - 1})
    assert (unknown.status_code, unknown.json()["code"]) == (403, "not_recognized")
    # A move logged by the member alone, with the membership credential Ash publishes for
    # her, is carried to Birch by Ash's own sync round; Birch admits her on it.
    dora = ash.events.did("ash-dora")
    published = ash.get(f"/v1/members/{dora}/credentials")["credentials"]
    held = next(c for c in published if "MembershipCredential" in c["type"])
    ash.submit("ash-dora", REQUESTED, body={"to": birch.did, "credential": held})
    wait_for(
        lambda: _member(birch, dora)["status"] == "member", timeout=60, what="Birch admits Dora"
    )
    assert _member(birch, dora)["moved_from"]["credential"] is True
    assert new["moved_from"]["cosigners"] >= 1  # Ash has witnesses: a cosigned checkpoint
    # Each log still verifies from scratch.
    for node in (ash, birch):
        verified = subprocess.run([COMMONWEAL, "verify", node.url], capture_output=True, text=True)
        assert verified.returncode == 0, verified.stdout + verified.stderr

"""A member moves on their home credential: Ash (the old node) checks the credential is
the one in force for the member when they leave; Birch (the new node) proves the
departure in Ash's log under Ash's witness-cosigned checkpoint (a signed one only while
Ash has no witness cosignature at all) and checks the credential's proof, issuer,
subject and validity before admitting. The census then counts the mover once.

Birch's federation reaches Ash's app in-process through ``httpx`` (the real peer client)."""

from __future__ import annotations

import base64
import copy
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from commonweal.core.checkpoint import Checkpoint
from commonweal.core.commitment import commitment, new_salt
from commonweal.core.events import parse_leaf
from commonweal.core.vc.data_integrity import add_proof
from commonweal.domain.census.events import REQUESTED as CENSUS_REQUESTED
from commonweal.domain.federation.recognition import GRANTED
from commonweal.domain.membership.moves import REQUESTED
from commonweal.domain.membership.records import MEMBERS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services import census, credentials
from commonweal.node.services.federation import moves
from commonweal.node.services.federation.service import Federation
from commonweal.store.census_store import CensusStore
from commonweal.store.federation_store import FederationStore
from commonweal.web.app import create_app
from tests.builders import Clock
from tests.federation import Place, make_place, recognition_body
from tests.web.test_network_pledge_audit import AppTransport

LEFT = "membership.member.left"
APPLIED = "membership.application.submitted"


@pytest.fixture
def places(tmp_path: Path, clock: Clock) -> Iterator[tuple[Place, Place]]:
    ash = make_place(tmp_path, "Ash", clock, members=("alice", "bob", "carol", "dora"))
    birch = make_place(tmp_path, "Birch", clock, members=("dan",))
    ash.act("alice", GRANTED, recognition_body(birch.node, witness=False))  # no witnesses
    birch.act("dan", GRANTED, recognition_body(ash.node))
    yield ash, birch
    for place in (ash, birch):
        place.node.close()


@contextmanager
def birch_reaching_ash(ash: Place, birch: Place) -> Iterator[Federation]:
    with TestClient(create_app(ash.node, background_checkpoints=False)) as app:
        http = httpx.Client(mounts={"http://ash.example": AppTransport(app)})
        federation = Federation(birch.node, http=http)
        try:
            yield federation
        finally:
            federation.close()


def membership_credential(place: Place, name: str) -> dict[str, Any]:
    did = place.member(name)
    return credentials.credential(
        place.node, credentials.owed(place.node, did, {"MembershipCredential"})
    )


def refused_at(place: Place, name: str, body: dict[str, Any]) -> str:
    size = place.node.size
    with pytest.raises(Rejected) as refused:
        place.act(name, REQUESTED, body)
    assert place.node.size == size  # nothing logged
    return refused.value.code


def admit_refused(federation: Federation, source: str, index: int) -> str:
    size = federation.node.size
    with pytest.raises(Rejected) as refused:
        moves.admit(federation, {"from": source, "index": index})
    assert federation.node.size == size
    return refused.value.code


def cosign(ash: Place, birch: Place) -> int:
    """Birch, Ash's witness, cosigns Ash's latest checkpoint (kept by Ash); its size."""
    row = ash.node.checkpoint()
    line = birch.node.identity.witness.cosign(
        Checkpoint(ash.node.identity.origin, row.size, row.root), 1_900_000_000
    )
    FederationStore(ash.node.store.engine).add_cosignature(
        row.size, birch.node.identity.witness.name, line, 1_900_000_000
    )
    return row.size


def test_the_old_node_refuses_a_credential_not_in_force(places: tuple[Place, Place]) -> None:
    ash, birch = places
    held = membership_credential(ash, "carol")
    move = {"to": birch.did}
    # Someone else's credential, or one with a claim changed, is not hers.
    assert refused_at(ash, "bob", {**move, "credential": held}) == "invalid_credential"
    other = copy.deepcopy(held)
    other["credentialSubject"]["memberOf"] = birch.did
    other["issuer"] = birch.did
    assert refused_at(ash, "carol", {**move, "credential": other}) == "invalid_credential"
    # Expired: Ash's own key signed it, but its validity ended before she leaves.
    expired = {k: v for k, v in held.items() if k != "proof"}
    expired["validUntil"] = "2026-01-01T00:00:00Z"
    expired = add_proof(
        expired,
        ash.node.identity.key,
        verification_method=ash.node.identity.verification_method,
        created=held["validFrom"],
    )
    assert refused_at(ash, "carol", {**move, "credential": expired}) == "credential_expired"
    # Revoked: Dora left (her credential was revoked), then joined again and was issued a
    # new one; the old one is not the credential in force.
    revoked = membership_credential(ash, "dora")
    ash.act("dora", LEFT, {})
    profile = {"display_name": "Dora", "contact": "dora@example.org"}
    ash.act("dora", APPLIED, {"commitment": commitment(profile, new_salt())})
    assert ash.node.state.get(MEMBERS, ash.member("dora"))["status"] == "member"
    assert refused_at(ash, "dora", {**move, "credential": revoked}) == "credential_revoked"
    assert revoked["credentialStatus"] != membership_credential(ash, "dora")["credentialStatus"]
    # With the credential in force, the same move is logged.
    ash.act("dora", REQUESTED, {**move, "credential": membership_credential(ash, "dora")})
    assert ash.node.state.get(MEMBERS, ash.member("dora"))["status"] == "moved"


def test_a_move_on_the_home_credential_under_a_cosigned_checkpoint(
    places: tuple[Place, Place],
) -> None:
    ash, birch = places
    with birch_reaching_ash(ash, birch) as federation:
        # A departure without a credential (as logged before moves carried it) is kept at
        # Ash, but Birch admits nobody on it.
        bare = ash.act("bob", REQUESTED, {"to": birch.did}).index
        ash.node.checkpoint()
        assert admit_refused(federation, ash.did, bare) == "no_credential"
        # A forged credential: the claims are Carol's, the proof is not Ash's.
        forged = membership_credential(ash, "carol")
        value = forged["proof"]["proofValue"]
        forged["proof"]["proofValue"] = value[:-4] + ("AAAA" if value[-4:] != "AAAA" else "BBBB")
        departure = ash.act("carol", REQUESTED, {"to": birch.did, "credential": forged}).index
        ash.node.checkpoint()
        assert admit_refused(federation, ash.did, departure) == "invalid_credential"
        assert birch.node.state.get(MEMBERS, ash.member("carol")) is None
        # Not a departure: an entry that is no move, and one beyond Ash's checkpoint.
        assert admit_refused(federation, ash.did, 0) == "no_departure"
        assert admit_refused(federation, ash.did, ash.node.size + 5) == "no_departure"

        # Alice moves with her credential in force. Ash has no witness cosignature yet:
        # the departure is proven under its signed checkpoint, and the admission says so.
        held = membership_credential(ash, "alice")
        first = ash.act("alice", REQUESTED, {"to": birch.did, "credential": held}).index
        ash.node.checkpoint()
        moves.admit(federation, {"from": ash.did, "index": first})
        record = birch.node.state.get(MEMBERS, ash.member("alice"))
        assert record["status"] == "member"
        assert record["moved_from"]["cosigners"] == 0 and record["moved_from"]["credential"]

        # Once Ash has a witness (Birch), only a cosigned checkpoint proves a departure.
        ash.act("dora", GRANTED, recognition_body(birch.node))
        held = membership_credential(ash, "dora")
        ash.node.checkpoint()
        cosigned = cosign(ash, birch)
        later = ash.act("dora", REQUESTED, {"to": birch.did, "credential": held}).index
        ash.node.checkpoint()  # signed, covers the departure, not cosigned
        assert later >= cosigned
        assert admit_refused(federation, ash.did, later) == "no_departure"
        cosign(ash, birch)
        receipt = moves.admit(federation, {"from": ash.did, "index": later})
        admission = parse_leaf(birch.node.store.leaves(receipt.index, receipt.index + 1)[0])
        assert admission.event.body["credential"] == held
        dora = ash.member("dora")
        record = birch.node.state.get(MEMBERS, dora)
        assert record["status"] == "member" and record["moved_from"]["cosigners"] == 1
        leaf_hash = base64.b64decode(record["moved_from"]["leaf_hash"])
        assert len(leaf_hash) == 32 and record["moved_from"]["index"] == later
        assert admit_refused(federation, ash.did, later) == "departure_used"

    # The census counts Dora in exactly one place: Birch, not Ash.
    counted = {}
    for place in (ash, birch):
        place.node.submit_as_node(CENSUS_REQUESTED, {})
        taken = census.take(place.node, "requested")
        leaf = place.node.store.leaves(taken.index, taken.index + 1)[0]
        body = parse_leaf(leaf).event.body
        found = set(CensusStore(place.node.store).counted(body["epoch"]))
        assert body["figures"]["members"] == len(found)
        counted[place.node.identity.did] = found
    assert dora in counted[birch.did] and dora not in counted[ash.did]
    assert ash.member("alice") in counted[birch.did]
    assert ash.member("alice") not in counted[ash.did]

"""The census: figures against a recount from raw entries, tampering refused, verify, proofs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from commonweal.core.multibase import encode_z
from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.signed_reads import request_bytes
from commonweal.node.services import census
from tests.builders import Clock
from tests.census_town import (
    Town,
    independent_commitment,
    independent_root_from_proof,
    make_town,
    recount,
)


@pytest.fixture
def town(tmp_path: Path, clock: Clock, database_url: str | None) -> Iterator[Town]:
    yield from make_town(tmp_path, clock, database_url)


def test_first_census_counts_the_log(town: Town) -> None:
    for name in ("carol", "dave", "erin"):
        town.join(name)
    town.act("erin", "membership.member.left")
    town.attest("carol")
    [receipt] = census.run_due(town.node)
    taken = census.entry(town.node, 1)
    assert taken["index"] == receipt.index == taken["size"]
    expected = recount(town.node, 0, receipt.index)
    assert {k: taken["figures"][k] for k in expected} == expected
    assert expected == {"members": 4, "joined": 5, "left": 1, "active": 3}
    assert census.run_due(town.node) == []  # not due again for a day


def test_a_census_with_a_wrong_figure_is_refused(town: Town) -> None:
    town.join("carol")
    with town.node.reading() as state:
        from commonweal.domain.census.events import census_body

        body = census_body(
            state,
            size=town.node.size,
            until="2026-11-23T12:00:00Z",
            reason="scheduled",
            members_root="sha256:" + "1" * 64,
        )
    body["figures"]["members"] += 1
    size_before = town.node.size
    with pytest.raises(Rejected) as refusal:
        town.node.submit_as_node("census.taken", body)
    assert refusal.value.code == "census_mismatch"
    assert "members: logged 4, recomputed 3" in refusal.value.message
    assert town.node.size == size_before


def test_only_the_node_takes_a_census(town: Town) -> None:
    body = {
        "epoch": 1,
        "size": town.node.size,
        "from": 0,
        "since": None,
        "reason": "scheduled",
        "figures": dict.fromkeys(
            ("members", "joined", "left", "active", "gatherings", "attendance", "places"), 0
        )
        | {"funds": {}, "area_m2": 0, "capacity": 0},
        "members_root": "sha256:" + "0" * 64,
    }
    with pytest.raises(Rejected) as refusal:
        town.act("alice", "census.taken", body)
    assert refusal.value.code == "forbidden"


def test_epochs_follow_each_other_and_count_only_their_own_span(town: Town) -> None:
    census.run_due(town.node)
    first = census.entry(town.node, 1)
    town.join("dave")
    town.attest("alice")
    town.clock.advance(days=1)
    assert census.run_due(town.node) != []
    second = census.entry(town.node, 2)
    assert second["from"] == first["index"] and second["since"] == first["at"]
    expected = recount(town.node, first["index"], second["index"])
    assert {k: second["figures"][k] for k in expected} == expected
    assert expected["joined"] == 1 and expected["active"] == 2  # dave and alice


def test_a_steward_asks_for_a_census(town: Town) -> None:
    census.run_due(town.node)
    town.act("alice", "census.requested", {"note": "before the assembly"})
    assert census.pending(town.node)["by"] == town.did("alice")
    town.join("carol")
    with pytest.raises(Rejected) as refusal:
        town.act("carol", "census.requested", {})
    assert refusal.value.code == "forbidden"
    [_receipt] = census.run_due(town.node)
    taken = census.entry(town.node, 2)
    assert taken["reason"] == "requested" and census.pending(town.node) is None


def test_verify_flags_a_wrong_census_in_a_store(
    town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    from commonweal.domain.census import events as census_events
    from commonweal.node.kernel.verify import verify_log

    town.join("carol")
    census.run_due(town.node)
    assert verify_log(town.node.store, default_registry(), compare_with=town.node.store).ok
    town.clock.advance(days=1)
    real = census_events.census_body

    def inflated(*args: object, **kwargs: object) -> dict[str, object]:
        body = real(*args, **kwargs)  # type: ignore[arg-type]
        body["figures"] = {**body["figures"], "members": body["figures"]["members"] + 1000}
        return body

    # the rule and the builder agree on the lie, as a node running altered code would
    monkeypatch.setattr(census_events, "census_body", inflated)
    [receipt] = census.run_due(town.node)
    monkeypatch.undo()
    report = verify_log(town.node.store, default_registry(), compare_with=town.node.store)
    assert not report.ok
    assert any(f.index == receipt.index and "census" in f.what for f in report.failures)


def _signed_proof_request(town: Town, name: str, epoch: int) -> dict[str, object]:
    at = "2026-11-23T12:00:00Z"
    did = town.did(name)
    signed = request_bytes(census.PROOF_PURPOSE, town.node.identity.did, did, at, epoch=epoch)
    sig = encode_z(town.events.key(name).sign(signed))
    return {"did": did, "at": at, "sig": sig, "epoch": epoch}


def test_a_member_proves_they_are_counted(town: Town) -> None:
    for name in ("carol", "dave", "erin"):
        town.join(name)
    census.run_due(town.node)
    taken = census.entry(town.node, 1)
    proof = census.member_proof(town.node, _signed_proof_request(town, "dave", 1))
    # checked independently: our own commitment, our own leaf hashing, the core's RFC 9162 check
    mine = independent_commitment(str(proof["salt"]), town.did("dave"))
    assert mine.hex() == proof["commitment"]
    assert proof["tree_size"] == taken["figures"]["members"] == 5
    root = bytes.fromhex(taken["members_root"].removeprefix("sha256:"))
    path = [bytes.fromhex(step) for step in proof["proof"]]
    index, size = proof["leaf_index"], proof["tree_size"]
    assert independent_root_from_proof(index, size, mine, path) == root
    assert independent_root_from_proof(index, size, b"\0" * 32, path) != root


def test_no_proof_for_someone_not_counted_or_not_signing(town: Town) -> None:
    town.join("carol")
    town.act("carol", "membership.member.left")
    census.run_due(town.node)
    with pytest.raises(Rejected) as refusal:
        census.member_proof(town.node, _signed_proof_request(town, "carol", 1))
    assert refusal.value.code == "not_counted"
    forged = _signed_proof_request(town, "alice", 1) | {"did": town.did("bob")}
    with pytest.raises(Rejected) as refusal:
        census.member_proof(town.node, forged)
    assert refusal.value.code == "unauthorized"
    wrong_epoch = _signed_proof_request(town, "alice", 1) | {"epoch": 2}
    with pytest.raises(Rejected) as refusal:
        census.member_proof(town.node, wrong_epoch)
    assert refusal.value.code == "unauthorized"


def test_a_network_count_with_a_bad_entry_is_refused_and_nothing_written(town: Town) -> None:
    from commonweal.domain.census.network import totals

    census.run_due(town.node)
    taken = census.entry(town.node, 1)
    own = {
        "node": town.node.identity.did,
        "key": town.node.identity.key_did,
        "origin": town.node.identity.origin,
        "epoch": 1,
        "index": taken["index"],
        "checkpoint": {"size": taken["index"] + 1, "root": "", "cosigners": 1},
        "figures": taken["figures"],
        "members_root": taken["members_root"],
    }
    size = town.node.size
    cases = {
        "invalid_body": [{**own, "node": ["not", "text"]}],
        "census_mismatch": [{**own, "checkpoint": {**own["checkpoint"], "size": own["index"]}}],
        "not_recognized": [{**own, "node": "did:key:z6MkStranger"}],
    }
    for code, entries in cases.items():
        body = {"entries": entries, "refused": [], "totals": totals([own])}
        with pytest.raises(Rejected) as refusal:
            town.node.submit_as_node("census.network.counted", body)
        assert refusal.value.code == code
    lying = {"entries": [own], "refused": [], "totals": {**totals([own]), "members": 99}}
    with pytest.raises(Rejected) as refusal:
        town.node.submit_as_node("census.network.counted", lying)
    assert refusal.value.code == "census_mismatch"
    assert town.node.size == size
    town.node.submit_as_node(
        "census.network.counted", {"entries": [own], "refused": [], "totals": totals([own])}
    )
    assert town.node.size == size + 1


def test_places_count_toward_the_footprint_once_they_exist() -> None:
    from commonweal.domain.census.figures import footprint
    from commonweal.domain.census.records import PLACES
    from commonweal.domain.state import State

    state = State()
    assert footprint(state) == (0, 0, 0)  # no places table at all: zero
    state.put(PLACES, 1, {"area_m2": 1200, "capacity": {"beds": 12, "seats": 40}, "closed": None})
    state.put(PLACES, 2, {"area_m2": 300, "capacity": {"beds": 0, "seats": 20}, "closed": None})
    state.put(PLACES, 3, {"area_m2": 999, "capacity": {"beds": 9, "seats": 9}, "closed": "2026"})
    assert footprint(state) == (2, 1500, 72)


@pytest.mark.parametrize(
    "section",
    [{"every_seconds": 60}, {"every_seconds": "weekly"}, {"every": 86_400}, "daily", {}],
)
def test_a_constitution_with_a_bad_census_rhythm_is_refused(section: object) -> None:
    from commonweal.domain.errors import InvalidBody
    from commonweal.domain.governance.constitution import parse_constitution
    from commonweal.domain.governance.events import default_actions
    from tests.builders import WITHOUT_WRITE_POLICY

    actions = set(default_actions().actions)
    with pytest.raises(InvalidBody, match="census"):
        parse_constitution({**WITHOUT_WRITE_POLICY, "census": section}, actions)
    weekly = parse_constitution(
        {**WITHOUT_WRITE_POLICY, "census": {"every_seconds": 604_800}}, actions
    )
    assert weekly["census"] == {"every_seconds": 604_800}

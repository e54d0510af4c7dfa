"""The rules of a census's people: ``census.people.committed`` (once per census, as many
nullifiers as members counted, in the census's month) and the bounds of a network
census's ``totals.people`` (``max(count) ≤ distinct ≤ sum(count)``)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commonweal.core.merkle import leaf_hash, root_of
from commonweal.domain.census.network import totals
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services import census
from commonweal.node.services.federation.census_people import commit_nullifiers
from tests.builders import Clock
from tests.census_town import Town, make_town


@pytest.fixture
def town(tmp_path: Path, clock: Clock, database_url: str | None) -> Iterator[Town]:
    yield from make_town(tmp_path, clock, database_url)


def made_up(count: int, salt: str = "") -> list[str]:
    return sorted(hashlib.sha256(f"{salt}{n}".encode()).hexdigest() for n in range(count))


def test_a_census_commits_its_people_once_and_with_its_count(town: Town) -> None:
    town.join("carol")
    census.run_due(town.node)
    taken = census.entry(town.node, 1)
    members, period = taken["figures"]["members"], taken["at"][:7]
    size = town.node.size
    wrong = {
        "count": {"epoch": 1, "period": period, "people_root": "sha256:" + "0" * 64, "count": 99},
        "period": {
            "epoch": 1,
            "period": "1999-01",
            "people_root": "sha256:" + "0" * 64,
            "count": members,
        },
    }
    for body in wrong.values():
        with pytest.raises(Rejected) as refusal:
            town.node.submit_as_node("census.people.committed", body)
        assert refusal.value.code == "census_mismatch"
    with pytest.raises(Rejected) as refusal:
        town.node.submit_as_node("census.people.committed", {**wrong["count"], "epoch": 7})
    assert refusal.value.code == "not_found"
    assert town.node.size == size
    nullifiers = made_up(members)
    commit_nullifiers(town.node, 1, period, nullifiers)
    shown = census.people(town.node, 1)
    assert shown["nullifiers"] == nullifiers
    independent = root_of([leaf_hash(bytes.fromhex(n)) for n in sorted(nullifiers)])
    assert shown["people_root"] == "sha256:" + independent.hex()
    assert census.entry(town.node, 1)["people"]["count"] == members
    with pytest.raises(Rejected) as refusal:  # committed once per census
        commit_nullifiers(town.node, 1, period, nullifiers)
    assert refusal.value.code == "census_mismatch"


def _own_entry(town: Town, count: int) -> dict[str, Any]:
    taken = census.entry(town.node, 1)
    return {
        "node": town.node.identity.did,
        "key": town.node.identity.key_did,
        "origin": town.node.identity.origin,
        "epoch": 1,
        "index": taken["index"],
        "checkpoint": {"size": town.node.size + 5, "root": "", "cosigners": 1},
        "figures": taken["figures"],
        "members_root": taken["members_root"],
        "people": {
            "index": taken["index"] + 1,
            "period": "2026-12",
            "people_root": "sha256:" + "0" * 64,
            "count": count,
        },
    }


@pytest.mark.parametrize(("distinct", "accepted"), [(0, False), (2, False), (3, True), (4, False)])
def test_a_network_count_of_people_is_bounded_by_its_sets(
    town: Town, distinct: int, accepted: bool
) -> None:
    census.run_due(town.node)
    entry = _own_entry(town, 3)  # one set of three: exactly three distinct people
    people = {"period": "2026-12", "distinct": distinct, "nodes": 1, "people_unknown": []}
    body = {"entries": [entry], "refused": [], "totals": {**totals([entry]), "people": people}}
    size = town.node.size
    if accepted:
        town.node.submit_as_node("census.network.counted", body)
        assert town.node.size == size + 1
        return
    with pytest.raises(Rejected) as refusal:
        town.node.submit_as_node("census.network.counted", body)
    assert refusal.value.code == "census_mismatch"
    assert town.node.size == size


def test_a_network_count_must_name_the_nodes_whose_people_are_unknown(town: Town) -> None:
    census.run_due(town.node)
    entry = _own_entry(town, 3)
    people = {"period": "2027-01", "distinct": 0, "nodes": 0, "people_unknown": []}
    body = {"entries": [entry], "refused": [], "totals": {**totals([entry]), "people": people}}
    with pytest.raises(Rejected) as refusal:  # the entry's set is of another period
        town.node.submit_as_node("census.network.counted", body)
    assert refusal.value.code == "census_mismatch"
    people["people_unknown"] = [entry["node"]]
    town.node.submit_as_node("census.network.counted", body)

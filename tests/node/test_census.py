"""The census: figures against a recount from raw entries, tampering refused, verify, proofs."""

from __future__ import annotations

import orjson
import pytest

from commonweal.core.merkle import leaf_hash, verify_inclusion
from commonweal.domain.catalog import default_registry
from commonweal.node import census
from commonweal.node.errors import Rejected
from commonweal.node.signed_reads import request_bytes
from tests.census_town import Town, independent_commitment, recount, town  # noqa: F401


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

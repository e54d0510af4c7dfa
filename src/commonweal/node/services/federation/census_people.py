"""A member node's census people: the nullifiers of whom its latest census counted,
learnt from an alliance under the period's key, kept privately and committed in the log.

The period is the calendar month of the census (``domain/census/people.period_of``), so
every node of the alliance asks under one key for the censuses of one month, and the
network census unites their sets (docs/census.md, "Distinct people across the network").
The alliance sees only blinded elements (``nullifiers.nullify``).
"""

from __future__ import annotations

import base64
from typing import Any

from commonweal.domain.census import events as census_events
from commonweal.domain.census import people
from commonweal.node.kernel.service import Node
from commonweal.node.services.census_proofs import people_root
from commonweal.node.services.federation import nullifiers
from commonweal.node.services.federation.peer_client import PeerClient, PeerError
from commonweal.node.services.federation.service import Federation
from commonweal.store.census_store import CensusStore


def commit(federation: Federation, peer: dict[str, Any]) -> str | None:
    """Commit the latest census's people through the alliance ``peer`` (once per census)."""
    node = federation.node
    with node.reading() as state:
        latest = census_events.latest(state)
        if latest is None or people.commitment(state, latest["body"]["epoch"]) is not None:
            return None
    epoch = latest["body"]["epoch"]
    period = people.period_of(latest["at"])
    dids = sorted(CensusStore(node.store).counted(epoch))
    if len(dids) != latest["body"]["figures"]["members"]:
        return None  # the node kept no list for this census (taken before it kept them)
    client = federation.client(peer["url"])
    if node.identity.key_did not in client.get_json("/v1/federation/alliance").get("members", []):
        return None
    named = nullifiers.nullify(dids, _over_http(client, period))
    return commit_nullifiers(node, epoch, period, sorted(named.values()))


def commit_nullifiers(node: Node, epoch: int, period: str, nullified: list[str]) -> str:
    """Keep ``nullified`` for census ``epoch`` and log their commitment."""
    CensusStore(node.store).keep_people(epoch, period, nullified)
    body = {
        "epoch": epoch,
        "period": period,
        "people_root": people_root(nullified),
        "count": len(nullified),
    }
    node.submit_as_node(people.COMMITTED, body)
    return f"committed census {epoch}'s {len(nullified)} people ({period})"


def _over_http(client: PeerClient, period: str) -> nullifiers.Evaluate:
    """Ask the alliance at ``client`` to evaluate blinded elements for ``period``."""

    def evaluate(blinded: list[bytes]) -> list[bytes]:
        document = {"epoch": period, "blinded": [base64.b64encode(b).decode() for b in blinded]}
        answer = client.post_signed_json("/v1/federation/census/nullifiers", document)
        if answer.status != 200:
            raise PeerError(f"the alliance refused to evaluate census nullifiers: {answer.text}")
        return [base64.b64decode(e) for e in answer.json()["evaluated"]]

    return evaluate

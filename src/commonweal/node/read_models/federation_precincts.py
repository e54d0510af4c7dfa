"""A member node's precincts as its pages and API show them: the calls of the alliances
this node belongs to, each with its question, options and weighting in words, the
ballot a member cast here, and the subtotal the node logged when voting closed
(``/network/precincts``, ``/v1/federation/precincts/<id>``).

A member votes on their own node: the ballot is an event in this node's log
(``federation.precinct.ballot.cast``), counted into the precinct's subtotal, which
the alliance pools with the other precincts' subtotals.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.errors import DomainError
from commonweal.domain.federation import precincts
from commonweal.domain.federation.standing import RECOGNITIONS
from commonweal.domain.governance.records import STATUS_QUO
from commonweal.domain.state import State
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models.federation_votes import weighting_words
from commonweal.node.read_models.governance import STATUS_QUO_LABEL
from commonweal.node.read_models.plain import method_words


def precinct_list(
    node: Node, voter: str | None = None, *, alliance: str | None = None
) -> list[dict[str, Any]]:
    """This node's precincts for its pages (only ``alliance``'s, when given), newest
    first, with ``voter``'s ballot in each."""
    with node.reading() as state:
        return [
            _precinct_view(state, dict(record), voter)
            for _id, record in sorted(state.items(precincts.PRECINCTS), reverse=True)
            if alliance is None or record["alliance"] == alliance
        ]


def precinct_page(node: Node, precinct_id: int, voter: str | None = None) -> dict[str, Any]:
    """One precinct for its page (``not_found`` when there is none)."""
    with node.reading() as state:
        try:
            record = dict(precincts.precinct(state, precinct_id))
        except DomainError as error:
            raise Rejected.from_error(error) from None
        return _precinct_view(state, record, voter)


def open_precincts(node: Node) -> list[dict[str, Any]]:
    """The precincts members can vote in now (for the home page)."""
    return [p for p in precinct_list(node) if p["phase"] == precincts.VOTING]


def _precinct_view(state: State, record: dict[str, Any], voter: str | None) -> dict[str, Any]:
    ballots = state.tables.get(precincts.ballots_table(record["id"]), {})
    alliance = state.get(RECOGNITIONS, record["alliance"]) or {}
    url = str(alliance.get("url") or "")
    return {
        **record,
        "alliance_name": alliance.get("name") or "",
        "alliance_url": url,
        "result_url": f"{url}/network/votes/{record['vote']}" if url else "",
        "weighting_words": weighting_words(record["weighting"]),
        "method_words": method_words(record["method"]),
        "cast": len(ballots),
        "mine": ballots.get(voter) if voter else None,
        "rules": {"method": record["method"], "options": record["method_options"]},
        "labels": {o: STATUS_QUO_LABEL if o == STATUS_QUO else o for o in record["options"]},
    }


__all__ = ["open_precincts", "precinct_list", "precinct_page"]

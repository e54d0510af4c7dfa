"""Counting a proposal: from the ballots and delegations in the log to a result.

``count`` reads only the state the log built: the electorate (members in good
standing, or holders of the kind's role, at the close), each voter's newest
ballot, and the delegations, resolved with LiquidFeedback's semantics. It returns
the whole result as plain JSON (no floats), which the closing event carries and
``verify`` recomputes. A result keeps ties in ``winners``; where a decision must be
made from a tie, ``decided`` applies the documented tie-break: a tie that includes
the status quo leaves things as they are, any other is broken by a lot drawn from
a hash of the node's DID, the proposal and the options, which anyone can redo.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.governance.ballots import options_of
from commonweal.domain.governance.constitution import quorum_of
from commonweal.domain.governance.counters import COUNTERS, Count, lot
from commonweal.domain.governance.majority import reaches_quorum
from commonweal.domain.governance.records import STATUS_QUO
from commonweal.domain.governance.secret_records import is_secret, summary
from commonweal.domain.governance.shares import format_share, percent
from commonweal.domain.governance.turnout import Turnout, turnout
from commonweal.domain.state import State

__all__ = ["Turnout", "count", "decision", "lot", "plain", "turnout"]


def count(
    state: State, record: Mapping[str, Any], *, node_did: str, eligible: set[str] | None = None
) -> dict[str, Any]:
    """The full result of ``record`` if its vote closed now (``eligible``: see ``turnout``)."""
    votes = turnout(state, record, eligible=eligible)
    options = options_of(state, record)
    result: dict[str, Any] = plain(
        {
            "method": record["rules"]["method"],
            "options": options,
            "electorate": votes.electorate,
            "direct_voters": votes.direct_voters,
            "delegated_weight": votes.delegated_weight,
            "lost_delegations": votes.lost_delegations,
            "participating": votes.participating,
            "turnout_percent": percent(votes.participating, votes.electorate),
            **decision(state, record, votes, options, node_did=node_did),
        }
    )
    if is_secret(record["rules"]):
        result["secret"] = summary(state, int(record["id"]))
    return result


def decision(
    state: State,
    record: Mapping[str, Any],
    votes: Any,
    options: list[str],
    *,
    node_did: str,
) -> dict[str, Any]:
    """What every count shares once the votes are in (a proposal's here, an alliance's
    network vote in ``federation/alliance.py``): the quorum, the method's own count,
    the winners, the documented tie-break, and whether it passed.

    ``votes`` is a :class:`Turnout` or anything with its ``electorate``,
    ``participating`` and ``patterns``.
    """
    rules = record["rules"]
    method = rules["method"]
    quorum = quorum_of(rules)
    quorate = reaches_quorum(votes.participating, votes.electorate, quorum)
    counted = dict(COUNTERS[method](Count(state, record, votes, options, node_did)))
    winners: list[str] = counted.pop("winners")
    decided, tie_break = _decide(winners, method, node_did, int(record["id"]))
    threshold_met = counted.pop("threshold_met", None)
    method_passed = counted.pop("passed", True)
    passed = bool(
        quorate
        and threshold_met is not False
        and method_passed
        and decided
        and STATUS_QUO not in decided
    )
    return {
        "quorum": {
            "share": format_share(quorum),
            "needed": -(-quorum.numerator * votes.electorate // quorum.denominator),
            "met": quorate,
        },
        **counted,
        "winners": winners,
        "decided": decided,
        "tie_break": tie_break,
        "passed": passed,
    }


def plain(value: Any) -> Any:
    """``value`` as plain JSON data: lists for tuples and sets, string keys, no floats."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(plain(v) for v in value)
    if isinstance(value, float):
        raise TypeError("a result never holds a float")
    return value


def _decide(
    winners: list[str], method: str, node_did: str, proposal_id: int
) -> tuple[list[str], dict[str, Any] | None]:
    if method == "stv" or len(winners) <= 1:
        return winners, None
    if STATUS_QUO in winners:
        return [STATUS_QUO], {"rule": "a tie with the status quo changes nothing", "tied": winners}
    order = lot(node_did, proposal_id, winners)
    return order[:1], {
        "rule": "lot: SHA-256 of node, proposal, option",
        "tied": winners,
        "order": order,
    }

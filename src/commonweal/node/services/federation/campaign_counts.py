"""The count across the network of a campaign this node carries, as this node knows it.

A network threshold campaign is counted at its home node: the home's own pledgers, the
final report of every node that carries it (people counted once), and, until those
nodes report, their latest counts so far. A carrying node shows that count on its copy's
page, from two sources, and says which:

- **the home's answer**: each sync round reads the home's open network campaigns
  (``pledges.duties`` does already) and, for a copy closed here, the campaign itself;
  the figures are kept in memory (``Federation.campaign_counts``) with the time of the
  answer. They are the home's word: *not audited*.
- **the home's closing entry**: once the home has closed the campaign and this node's
  verified mirror of the home's log holds the closing (``campaigns.campaign.closed``,
  whose ``people`` the home's rule recounted from the reports), the count is read from
  that entry. It is *audited*: proven under the home's signed checkpoint, and anyone
  holding the log recounts it (``verify``, ``commonweal campaign audit``). An answer
  that differs from that entry is named as such and the entry's figure is shown.

Nothing here asks a peer while a page is drawn.
"""

from __future__ import annotations

from typing import Any

from commonweal.core.events import EventError, parse_leaf
from commonweal.domain.campaigns.closing import CLOSED
from commonweal.domain.campaigns.records import OPEN
from commonweal.node.services.federation import mirror
from commonweal.node.services.federation.service import Federation

MAX_COUNT = 10_000_000
"""A count above this in a peer's answer is not believed (no campaign is that big)."""


def _count(value: Any) -> int:
    if type(value) is not int or not 0 <= value <= MAX_COUNT:
        raise ValueError(f"{value!r} is not a count")
    return value


def figures(at_home: dict[str, Any]) -> dict[str, Any]:
    """The network count in a home node's answer for one network campaign: ``people``
    (counted: its pledgers and the final reports, each person once), ``so_far`` (with the
    other nodes' latest counts until they report), how many nodes it comes from.

    Raises ``ValueError`` for an answer that is not a campaign's count.
    """
    remote = at_home.get("remote") or {}
    progress = at_home.get("progress") or {}
    if not isinstance(remote, dict) or not isinstance(progress, dict):
        raise ValueError("the answer's reports are not by node")
    here = _count(at_home.get("pledgers"))
    reported = {str(did): _count(n) for did, n in remote.items()}
    counted = here + sum(reported.values())
    people = _count(at_home.get("people", counted))
    interim = {
        str(did): _count(p.get("pledgers") if isinstance(p, dict) else None)
        for did, p in progress.items()
        if did not in reported
    }
    closed_index = at_home.get("closed_index")
    return {
        "people": people,
        "so_far": people + sum(interim.values()),
        "interim": bool(interim),
        "nodes": 1 + len(reported) + len(interim),
        "reported": len(reported),
        "status": str(at_home.get("status", OPEN))[:20],
        "closed_index": closed_index if type(closed_index) is int else None,
    }


def keep(federation: Federation, home: str, at_home: dict[str, Any]) -> None:
    """Keep ``home``'s answer for one of its campaigns (a listing entry or the campaign)."""
    key = (home, int(at_home["id"]))
    try:
        found = figures(at_home)
    except (ValueError, TypeError, AttributeError) as error:
        kept = federation.campaign_counts.get(key, {})
        federation.campaign_counts[key] = {**kept, "error": str(error)[:300]}
        return
    federation.campaign_counts[key] = {**found, "as_of": federation.stamp(), "error": None}


def network_count(federation: Federation, copy: dict[str, Any]) -> dict[str, Any] | None:
    """The count across the network of carried ``copy`` (a ``campaigns.carried`` record),
    as this node knows it; None while it knows nothing (no answer yet, no closing)."""
    home, campaign_id = copy["home"], int(copy["campaign"])
    answer = federation.campaign_counts.get((home, campaign_id))
    closing_index = copy.get("home_closed")
    if closing_index is None and answer:
        closing_index = answer.get("closed_index")
    closing = _closing(federation, home, campaign_id, closing_index)
    if closing is not None:
        differs = bool(
            answer and answer.get("people") is not None and answer["people"] != closing["people"]
        )
        return {
            "people": closing["people"],
            "so_far": closing["people"],
            "interim": False,
            "threshold": copy["threshold"],
            "audited": True,
            "as_of": closing["at"],
            "closing_index": closing_index,
            "outcome": closing["outcome"],
            "answer_differs": differs,
            "error": None,
        }
    if not answer or "people" not in answer:
        return None if not answer else {"error": answer.get("error"), "audited": False}
    return {
        **answer,
        "threshold": copy["threshold"],
        "audited": False,
        "closing_index": None,
        "outcome": None,
        "answer_differs": False,
    }


def _closing(
    federation: Federation, home: str, campaign_id: int, index: Any
) -> dict[str, Any] | None:
    """The home's closing of the campaign, from this node's verified mirror of its log."""
    if type(index) is not int:
        return None
    known = federation.recognitions(in_force=False)
    origin = next((r["origin"] for r in known if r["node"] == home), None)
    if origin is None:
        return None
    leaf = mirror.leaf_at(federation, origin, index)
    if leaf is None:
        return None
    try:
        parsed = parse_leaf(leaf)
    except EventError:
        return None
    body = parsed.event.body
    if parsed.event.node != home or body.get("campaign") != campaign_id:
        return None
    if parsed.event.type != CLOSED or type(body.get("people")) is not int:
        return None  # a cancellation counts nobody; a closing without people is not network
    return {"people": body["people"], "outcome": body.get("outcome"), "at": parsed.received}

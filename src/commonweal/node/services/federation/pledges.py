"""Network threshold campaigns as a partner node runs them: carry, report, settle.

``duties`` runs in the federation sync round for every node this one recognises
and mirrors (the campaign's *home*). It asks the home for its open network
campaigns and carries each one it does not carry yet — copying the launch from
its verified mirror of the home's log, never from the answer — so its members can
pledge here; while it is open it tells the home how many pledged here so far
(shown there, not counted); once a copy is closed here
(``node/services/campaigns.run_due`` closes copies at the deadline) it reports the
count and the pledgers its closing names to the home, signed by this node's key;
once the home's closing (or cancellation) is in the verified mirror, it settles
its pledges by it.
"""

from __future__ import annotations

from typing import Any

from commonweal.core.events import EventError, parse_leaf
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.campaigns import carried, network
from commonweal.domain.campaigns.closing import CLOSED
from commonweal.domain.campaigns.events import CANCELLED_EVENT, LAUNCHED
from commonweal.domain.campaigns.records import CANCELLED, OPEN
from commonweal.domain.timestamps import reached
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services.federation import campaign_counts, mirror
from commonweal.node.services.federation.peer_client import PeerError
from commonweal.node.services.federation.service import Federation, log


class NotThatEntry(Exception):
    """A mirrored entry is not what the home node's answer said it was."""


def carried_body(leaf: bytes, home: str, campaign_id: int) -> dict[str, Any]:
    """The body of ``campaigns.campaign.carried`` for entry ``campaign_id`` of ``home``'s
    log, read from that entry's own bytes."""
    try:
        parsed = parse_leaf(leaf)
    except EventError as error:
        raise NotThatEntry(str(error)) from None
    if parsed.event.type != LAUNCHED or parsed.event.node != home:
        raise NotThatEntry(f"entry {campaign_id} is not a campaign launched at {home}")
    return {
        "home": home,
        "campaign": campaign_id,
        "launch": dict(parsed.event.body),
        "launched_at": parsed.received,
    }


def settled_body(leaf: bytes, home: str, campaign_id: int, index: int) -> dict[str, Any]:
    """The body of ``campaigns.carried.settled`` from the home's closing entry ``index``."""
    try:
        parsed = parse_leaf(leaf)
    except EventError as error:
        raise NotThatEntry(str(error)) from None
    body = parsed.event.body
    if parsed.event.node != home or body.get("campaign") != campaign_id:
        raise NotThatEntry(f"entry {index} does not close campaign {campaign_id} of {home}")
    if parsed.event.type == CLOSED:
        outcome = body.get("outcome")
    elif parsed.event.type == CANCELLED_EVENT:
        outcome = CANCELLED
    else:
        raise NotThatEntry(f"entry {index} is a {parsed.event.type}, not a closing")
    return {"home": home, "campaign": campaign_id, "outcome": outcome, "closed": index}


def report_body(record: dict[str, Any], origin: str) -> dict[str, Any]:
    """What this node reports to the home for a copy it closed."""
    return {
        "campaign": record["campaign"],
        "pledgers": record["pledgers"],
        "members": record["members"],
        "source": {"origin": origin, "carried": record["id"], "closed": record["closed_index"]},
    }


def copies(federation: Federation, home: str) -> dict[int, dict[str, Any]]:
    """This node's copies of ``home``'s campaigns, by campaign id."""
    with federation.node.reading() as state:
        return {
            int(r["campaign"]): dict(r)
            for _key, r in state.items(carried.CARRIED)
            if r["home"] == home
        }


def duties(federation: Federation, peer: dict[str, Any]) -> list[str]:
    """Carry, report and settle ``peer``'s network campaigns; return what was done."""
    node = federation.node
    client = federation.client(peer["url"])
    home, origin = peer["node"], peer["origin"]
    done: list[str] = []
    mine = copies(federation, home)
    answer = client.get_json("/v1/campaigns", status=OPEN, network="true")["campaigns"]
    # (a node of an older version ignores the filter: keep only what says it is network)
    listed = [found for found in answer if found.get("network") is True]
    now = format_utc(max(node.clock(), node.last_received))
    for found in listed:
        campaign_id = int(found["id"])
        if campaign_id in mine or reached(now, str(found["deadline"])):
            continue  # carried already, or too late to carry (the rule would refuse it)
        leaf = mirror.leaf_at(federation, origin, campaign_id)
        if leaf is None:
            continue  # the mirror has not verified that far yet: next round
        try:
            body = carried_body(leaf, home, campaign_id)
            node.submit_as_node(network.CARRIED_EVENT, body)
        except NotThatEntry as error:
            federation.refuse(peer["url"], "campaign", "invalid_launch", str(error))
            continue
        except Rejected as refused:
            log.info("campaign %d of %s not carried: %s", campaign_id, home, refused.message)
            continue
        done.append(f"carried campaign {campaign_id}")
    mine = copies(federation, home)
    for found in listed:
        if int(found["id"]) in mine:
            campaign_counts.keep(federation, home, found)
        step = _progress(federation, client, mine.get(int(found["id"])), found)
        if step:
            done.append(step)
    still_open = {int(found["id"]) for found in listed}
    for campaign_id, record in sorted(copies(federation, home).items()):
        if record["status"] == carried.SETTLED:
            continue
        if record["status"] == carried.OPEN and campaign_id in still_open:
            continue  # nothing to report or settle yet: no need to ask
        try:
            at_home = client.get_json(f"/v1/campaigns/{campaign_id}")
        except PeerError as error:
            log.info("campaign %d of %s not read: %s", campaign_id, home, error)
            continue
        campaign_counts.keep(federation, home, at_home)
        step = _report(federation, client, record, at_home) or _settle(
            federation, peer, record, at_home
        )
        if step:
            done.append(step)
    return done


def _progress(
    federation: Federation, client: Any, record: dict[str, Any] | None, at_home: dict[str, Any]
) -> str | None:
    """Tell the home how many pledged here so far, when that changed (before the deadline)."""
    node = federation.node
    if record is None or record["status"] != carried.OPEN:
        return None
    if reached(format_utc(max(node.clock(), node.last_received)), record["deadline"]):
        return None
    shown = at_home.get("progress", {}).get(node.identity.did, {}).get("pledgers", 0)
    if shown == record["pledgers"]:
        return None
    body = {"campaign": record["campaign"], "pledgers": record["pledgers"]}
    if not _sent(federation, client, network.PROGRESS, body, "progress"):
        return None
    return f"{record['pledgers']} pledged so far to campaign {record['campaign']}"


def _sent(
    federation: Federation, client: Any, event_type: str, body: dict[str, Any], what: str
) -> bool:
    """Submit ``event_type`` about ``body``'s campaign to its home node, as this node; a
    refusal is logged (as ``what`` on the campaign) and answered False."""
    try:
        client.submit_as(federation.node.identity.key, event_type, body)
    except PeerError as error:
        log.info("%s on campaign %d refused: %s", what, body["campaign"], error)
        return False
    return True


def _report(
    federation: Federation, client: Any, record: dict[str, Any], at_home: dict[str, Any]
) -> str | None:
    node = federation.node
    if record["status"] != carried.CLOSED or at_home["status"] != OPEN:
        return None
    if node.identity.did in at_home.get("remote", {}):
        return None
    body = report_body(record, node.identity.origin)
    if not _sent(federation, client, network.REPORTED, body, "report"):
        return None
    return f"reported {record['pledgers']} pledgers to campaign {record['campaign']}"


def _settle(
    federation: Federation, peer: dict[str, Any], record: dict[str, Any], at_home: dict[str, Any]
) -> str | None:
    index = at_home.get("closed_index")
    if at_home["status"] == OPEN or not isinstance(index, int):
        return None
    leaf = mirror.leaf_at(federation, peer["origin"], index)
    if leaf is None:
        return None  # not verified yet: next round
    try:
        body = settled_body(leaf, peer["node"], record["campaign"], index)
        federation.node.submit_as_node(network.CARRIED_SETTLED, body)
    except NotThatEntry as error:
        federation.refuse(peer["url"], "campaign", "invalid_closing", str(error))
        return None
    except Rejected as refused:
        log.info("campaign %d not settled: %s", record["campaign"], refused.message)
        return None
    return f"settled campaign {record['campaign']}: {body['outcome']}"

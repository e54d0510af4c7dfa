"""Threshold pledges across nodes, counted like a network vote by precinct.

A threshold campaign launched with ``network: true`` at its home node A counts the
pledgers of other nodes too. A node B that recognises A carries it:

1. ``campaigns.campaign.carried`` (B's log, by B's node): B copies A's launch from
   its verified mirror of A's log; B's members then pledge to it in B's log
   (``campaigns.pledge.made`` with ``home: A``, ``carried.py``);
2. ``campaigns.carried.closed`` (B's log, by B's node, at the deadline): B's count of
   standing pledges and the pledgers themselves (sorted did:keys), which the rule
   recomputes, so ``verify`` re-decides them;
3. ``campaigns.pledgers.reported`` (A's log, signed by B's node key): B reports that
   count and those members, naming the entries of its own log that carried and closed
   the copy; A keeps them per reporting node (``remote`` counts, ``reports`` members),
   and its success test and close count **people**: A's own standing pledgers and
   every reported member, each DID once — one key pledging at A and at B (or at B
   and C) is one person;
4. ``campaigns.carried.settled`` (B's log, by B's node): once A's close is in B's
   verified mirror, B's pledges become binding (succeeded) or are released.

Before the deadline B may also tell A how many pledged there so far
(``campaigns.pledgers.progress``, signed by B's node key), for A's page: A shows
it, but counts only the final reports, which the audit can check.

A copy takes at most ``carried.MAX_PLEDGERS`` pledges, so that its closing and its
report, which name every pledger, stay single events under the 64 KiB limit.

Anyone can check a report (count and members) against the closing entry in B's log
(``client/campaign_audit.py``), and A's closing count against the reports
(``verify`` of A's log recomputes it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.campaigns import carried
from commonweal.domain.campaigns.events import LAUNCHED, parse_launch
from commonweal.domain.campaigns.records import (
    BINDING,
    CAMPAIGNS,
    CANCELLED,
    FAILED,
    OPEN,
    RELEASED,
    SUCCEEDED,
    THRESHOLD,
    campaign,
    closes_at,
    people,
    terms,
)
from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.federation.standing import RECOGNITIONS, RECOGNIZED, recognition
from commonweal.domain.fields import log_source
from commonweal.domain.funding import fields
from commonweal.domain.funding.assurance import succeeds
from commonweal.domain.registry import Context, EventType, require_node_key
from commonweal.domain.state import State
from commonweal.domain.timestamps import reached

CARRIED_EVENT = "campaigns.campaign.carried"
CARRIED_CLOSED = "campaigns.carried.closed"
CARRIED_SETTLED = "campaigns.carried.settled"
REPORTED = "campaigns.pledgers.reported"
PROGRESS = "campaigns.pledgers.progress"
OUTCOMES = (SUCCEEDED, FAILED, CANCELLED)


def _did(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.startswith("did:") or len(value) > 300:
        raise InvalidBody("%(name)s must be a node's DID", name=name)
    return value


def _members(body: Mapping[str, Any], count: int) -> list[str]:
    """``members``: the pledgers' did:keys, sorted, each once, exactly ``count`` of them."""
    value = body.get("members")
    if not isinstance(value, list) or len(value) > carried.MAX_PLEDGERS:
        raise InvalidBody(
            "members must be the list of the pledgers' did:keys (at most %(most)s)",
            most=carried.MAX_PLEDGERS,
        )
    for did in value:
        if not isinstance(did, str) or not did.startswith("did:key:z6Mk") or len(did) > 100:
            raise InvalidBody("each of members must be a member's did:key")
    if value != sorted(set(value)):
        raise InvalidBody("members must be sorted, each did:key once")
    if len(value) != count:
        raise InvalidBody("pledgers must be the number of members (%(count)s)", count=len(value))
    return list(value)


# -- B carries A's campaign ------------------------------------------------------------


def parse_carried(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"home": did, "campaign": id, "launch": <A's launch body>, "launched_at": time}``."""
    fields.only(
        body,
        {"home", "campaign", "launch", "launched_at"},
        {"home", "campaign", "launch", "launched_at"},
    )
    launch = body.get("launch")
    if not isinstance(launch, dict):
        raise InvalidBody("launch must be the body of the home node's %(type)s", type=LAUNCHED)
    return {
        "home": _did(body, "home"),
        "campaign": fields.ref(body, "campaign"),
        "launch": parse_launch(launch),
        "body": dict(launch),
        "launched_at": fields.instant(body, "launched_at"),
    }


def apply_carried(state: State, ctx: Context, copy: dict[str, Any]) -> None:
    """The node carries a network threshold campaign of a node it recognises now."""
    require_node_key(ctx)
    home, campaign_id, launch = copy["home"], copy["campaign"], copy["launch"]
    if home == ctx.node_did:
        raise Conflict("a node does not carry its own campaigns", code="own_campaign")
    if recognition(state, home) is None:
        raise NotPermitted(
            "this node does not recognise %(home)s", code="not_recognized", home=home
        )
    if launch.kind != THRESHOLD or not launch.network:
        raise Conflict(
            "only a network threshold campaign (network: true) is carried to other nodes",
            code="not_network",
        )
    if reached(ctx.received, launch.deadline):
        raise Conflict("that campaign's deadline has passed", code="deadline_passed")
    if carried.find(state, home, campaign_id) is not None:
        raise Conflict("this node carries that campaign already", code="already_carried")
    state.put(
        carried.CARRIED,
        (home, campaign_id),
        {
            "id": ctx.index,
            "home": home,
            "campaign": campaign_id,
            "title": launch.title,
            "description": launch.description,
            "action": launch.action,
            "threshold": launch.threshold,
            "deadline": launch.deadline,
            "report_seconds": launch.report_seconds,
            "launch": copy["body"],
            "launched_at": copy["launched_at"],
            "carried_at": ctx.received,
            "status": carried.OPEN,
            "pledgers": 0,
            "members": [],
            "closed_at": None,
            "closed_index": None,
            "outcome": None,
            "home_closed": None,
            "settled_at": None,
            "settled_index": None,
        },
    )


# -- B closes its copy -----------------------------------------------------------------


def parse_carried_close(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"home": did, "campaign": id, "pledgers": n, "members": [sorted did:key, …]}``."""
    keys = {"home", "campaign", "pledgers", "members"}
    fields.only(body, keys, keys)
    pledgers = fields.amount(body, "pledgers", minimum=0)
    return {
        "home": _did(body, "home"),
        "campaign": fields.ref(body, "campaign"),
        "pledgers": pledgers,
        "members": _members(body, pledgers),
    }


def carried_members(state: State, record: Mapping[str, Any]) -> list[str]:
    """The members whose pledge stands here to a carried campaign, sorted: what its
    closing must name."""
    return carried.standing_pledgers(state, int(record["id"]))


def apply_carried_close(state: State, ctx: Context, close: dict[str, Any]) -> None:
    """The node closes its copy at the deadline; the count must be the recount."""
    require_node_key(ctx)
    record = carried.copy_of(state, close["home"], close["campaign"])
    if record["status"] != carried.OPEN:
        raise Conflict("that copy is closed already", code="campaign_closed")
    if not reached(ctx.received, record["deadline"]):
        raise Conflict(
            "the campaign runs until %(deadline)s", code="too_early", deadline=record["deadline"]
        )
    members = carried_members(state, record)
    counted = len(members)
    if close["pledgers"] != counted or close["members"] != members:
        raise Conflict(
            "the closing does not match the pledges: they give %(count)s pledgers, and name them",
            code="outcome_mismatch",
            count=counted,
        )
    state.put(
        carried.CARRIED,
        (record["home"], record["campaign"]),
        {
            **record,
            "status": carried.CLOSED,
            "pledgers": counted,
            "members": members,
            "closed_at": ctx.received,
            "closed_index": ctx.index,
        },
    )


def carried_due(state: State, now: str) -> list[tuple[str, int]]:
    """Open copies whose deadline has passed at ``now``."""
    return sorted(
        (str(record["home"]), int(record["campaign"]))
        for _key, record in state.items(carried.CARRIED)
        if record["status"] == carried.OPEN and reached(now, record["deadline"])
    )


# -- B settles its pledges by A's close ------------------------------------------------


def parse_settled(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"home": did, "campaign": id, "outcome", "closed": <index in the home's log>}``."""
    keys = {"home", "campaign", "outcome", "closed"}
    fields.only(body, keys, keys)
    if body["outcome"] not in OUTCOMES:
        raise InvalidBody("outcome must be one of %(outcomes)s", outcomes=", ".join(OUTCOMES))
    return {
        "home": _did(body, "home"),
        "campaign": fields.ref(body, "campaign"),
        "outcome": body["outcome"],
        "closed": fields.ref(body, "closed"),
    }


def apply_settled(state: State, ctx: Context, settled: dict[str, Any]) -> None:
    """The node records the home's outcome: its pledges here bind, or are released.

    A copy settles after it is closed here, except when its home cancelled the
    campaign (which can happen before the deadline).
    """
    require_node_key(ctx)
    record = carried.copy_of(state, settled["home"], settled["campaign"])
    if record["status"] == carried.SETTLED:
        raise Conflict("that copy is settled already", code="already_settled")
    if record["status"] == carried.OPEN and settled["outcome"] != CANCELLED:
        raise Conflict("this node closes its copy before it settles", code="too_early")
    final = BINDING if settled["outcome"] == SUCCEEDED else RELEASED
    table = carried.pledges_table(record["id"])
    for did in carried.standing_pledgers(state, record["id"]):
        state.put(table, did, {**state.get(table, did), "status": final, "last_at": ctx.received})
    state.put(
        carried.CARRIED,
        (record["home"], record["campaign"]),
        {
            **record,
            "status": carried.SETTLED,
            "outcome": settled["outcome"],
            "home_closed": settled["closed"],
            "settled_at": ctx.received,
            "settled_index": ctx.index,
        },
    )


# -- A counts B's report ---------------------------------------------------------------


def parse_report(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"campaign", "pledgers", "members", "source": {"origin", "carried", "closed"}}``:
    ``members`` are the pledgers B's closing names (sorted did:keys, ``pledgers`` of them).
    """
    keys = {"campaign", "pledgers", "members", "source"}
    fields.only(body, keys, keys)
    pledgers = fields.amount(body, "pledgers", minimum=0)
    source = log_source(body, "carried", log="the reporting log", node="the reporting node")
    return {
        "campaign": fields.ref(body, "campaign"),
        "pledgers": pledgers,
        "members": _members(body, pledgers),
        "source": {
            "origin": source["origin"],
            "carried": fields.ref(source, "carried"),
            "closed": fields.ref(source, "closed"),
        },
    }


def reporting_node(state: State, key: str) -> dict[str, Any] | None:
    """The recognition in force of the node whose signing key is ``key``."""
    for _did, record in sorted(state.items(RECOGNITIONS)):
        if record["status"] == RECOGNIZED and record["key"] == key:
            found: dict[str, Any] = record
            return found
    return None


def _network_campaign(state: State, campaign_id: int) -> dict[str, Any]:
    """The campaign, or ``not_network`` if it is not a network campaign."""
    record = campaign(state, campaign_id)
    if not record.get("network"):
        raise Conflict(
            "campaign %(campaign)s is not a network campaign",
            code="not_network",
            campaign=record["id"],
        )
    return record


def apply_report(state: State, ctx: Context, report: dict[str, Any]) -> None:
    """A node this one recognises reports its pledgers, once, within the reporting time;
    the campaign now counts each person it names once, with this node's and the others'."""
    node = reporting_node(state, ctx.author)
    if node is None:
        raise NotPermitted(
            "only a node this node recognises reports pledgers, signed by its node key",
            code="not_recognized",
        )
    if report["source"]["origin"] != node["origin"]:
        raise Conflict("the source names another log than the reporting node's", code="wrong_log")
    record = _network_campaign(state, report["campaign"])
    if record["status"] != OPEN or reached(ctx.received, closes_at(record)):
        raise Conflict(
            "reporting on campaign %(campaign)s closed at %(closes)s",
            code="campaign_closed",
            campaign=record["id"],
            closes=closes_at(record),
        )
    did = str(node["node"])
    if did in record["remote"]:
        raise Conflict("this node has reported its pledgers already", code="already_reported")
    remote = {**record["remote"], did: report["pledgers"]}
    reports = {
        **record["reports"],
        did: {
            **report["source"],
            "pledgers": report["pledgers"],
            "members": report["members"],
            "index": ctx.index,
        },
    }
    updated = {**record, "remote": remote, "reports": reports}
    updated["people"] = people(state, updated)
    meets = succeeds(terms(updated), updated["total"], updated["people"])
    updated["reached_at"] = (record["reached_at"] or ctx.received) if meets else None
    state.put(CAMPAIGNS, record["id"], updated)


def parse_progress(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"campaign", "pledgers"}``: how many have pledged at the reporting node so far."""
    keys = {"campaign", "pledgers"}
    fields.only(body, keys, keys)
    return {
        "campaign": fields.ref(body, "campaign"),
        "pledgers": fields.amount(body, "pledgers", minimum=0),
    }


def apply_progress(state: State, ctx: Context, progress: dict[str, Any]) -> None:
    """A recognised node's interim count, before the deadline: shown, never counted."""
    node = reporting_node(state, ctx.author)
    if node is None:
        raise NotPermitted(
            "only a node this node recognises reports pledgers, signed by its node key",
            code="not_recognized",
        )
    record = _network_campaign(state, progress["campaign"])
    if record["status"] != OPEN or reached(ctx.received, record["deadline"]):
        raise Conflict(
            "campaign %(campaign)s took pledges until %(deadline)s; send the final report",
            code="campaign_closed",
            campaign=record["id"],
            deadline=record["deadline"],
        )
    entry = {"pledgers": progress["pledgers"], "at": ctx.received, "index": ctx.index}
    updated = {**record, "progress": {**record["progress"], str(node["node"]): entry}}
    state.put(CAMPAIGNS, record["id"], updated)


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        CARRIED_EVENT,
        "The node carries another node's network threshold campaign.",
        parse_carried,
        apply_carried,
    ),
    EventType(
        CARRIED_CLOSED,
        "The node closes its copy of a carried campaign with its pledgers, named and counted.",
        parse_carried_close,
        apply_carried_close,
    ),
    EventType(
        CARRIED_SETTLED,
        "The node settles a carried campaign by its home's outcome.",
        parse_settled,
        apply_settled,
    ),
    EventType(
        REPORTED,
        "A recognised node reports its pledgers (named) to a network campaign homed here.",
        parse_report,
        apply_report,
    ),
    EventType(
        PROGRESS,
        "A recognised node says how many pledged there so far (shown, not counted).",
        parse_progress,
        apply_progress,
    ),
)

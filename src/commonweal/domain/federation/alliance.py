"""An alliance's network-wide votes, counted like elections by precinct.

The alliance calls a vote (``federation.network_vote.called``); each member node
runs a precinct and reports its subtotal (``federation.subtotal.reported``,
signed by the member node's key, naming the entries of its own log that opened
and closed the precinct); when every member node has reported, or the reporting
time is over, the alliance logs the result (``federation.network_vote.closed``),
which the rule recomputes from the subtotals. The weighting is the charter's
(``charter.py``): ``per_capita`` pools every precinct's ballots and counts them
with the vote's method — the result is exactly that of counting every ballot in
one place; ``one_node_one_vote`` and ``double_majority`` (yes/no votes) take each
node's own decision as its vote.

Anyone can check a network vote: each subtotal against the precinct closing in
that node's log (whose rule recounted it from the ballots), and the result
against the subtotals (``verify`` on the alliance's log recomputes it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.federation.calls import (
    ballot_options,
    canonical,
    parse_call,
    parse_subtotal,
    pooled_turnout,
)
from commonweal.domain.federation.charter import DOUBLE_MAJORITY, ONE_NODE_ONE_VOTE, PER_CAPITA
from commonweal.domain.federation.people import (
    check_complete,
    complete,
    count_once,
    parse_part,
)
from commonweal.domain.fields import log_source, only
from commonweal.domain.governance.constitution import (
    CONSTITUTION,
    current_constitution,
    kind_rules,
)
from commonweal.domain.governance.majority import double_majority
from commonweal.domain.governance.records import (
    POPULATIONS,
    STATUS_QUO,
    parse_id,
)
from commonweal.domain.governance.shares import Threshold, parse_share, percent
from commonweal.domain.governance.tally import decision, plain
from commonweal.domain.membership.records import (
    ACTIVE,
    MEMBERS,
    require_active_member,
    require_permission,
)
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State, existing
from commonweal.domain.timestamps import later, reached
from commonweal.domain.words import WP_

NETWORK_VOTES = "federation.network_votes"
"""vote id (the leaf index of its call) → the vote: call, rules, times, subtotals, result."""

CALLED = "federation.network_vote.called"
REPORTED = "federation.subtotal.reported"
PEOPLE = "federation.subtotal.people"
CLOSED = "federation.network_vote.closed"
PERMISSION = "federation.alliance"
VOTING, DONE = "voting", "closed"


def charter(state: State) -> dict[str, Any]:
    """The alliance section of the constitution in force, or ``not_an_alliance``."""
    section: dict[str, Any] | None = current_constitution(state).get("alliance")
    if section is None:
        raise Conflict("this node's constitution has no alliance section", code="not_an_alliance")
    return section


def member_nodes(state: State) -> list[str]:
    """The alliance's member nodes: its members in good standing (by their node keys)."""
    members: Mapping[Any, Any] = state.tables.get(MEMBERS, {})
    return sorted(str(did) for did, m in members.items() if m["status"] == ACTIVE)


def call_for(state: State, kind: str, title: str, text: str, options: list[str]) -> dict[str, Any]:
    """The call body the constitution implies for a vote of ``kind`` (for callers to sign)."""
    rules = kind_rules(state, kind)
    section = charter(state)
    return {
        "kind": kind,
        "title": title,
        "text": text,
        "options": options,
        "method": rules["method"],
        "method_options": rules["options"],
        "voting_seconds": section["voting_seconds"],
        "weighting": section["weighting"],
    }


def apply_call(state: State, ctx: Context, call: dict[str, Any]) -> None:
    """A holder of ``federation.alliance`` (or the alliance node) calls a network-wide vote."""
    require_permission(state, ctx, PERMISSION)
    section = charter(state)
    rules = kind_rules(state, call["kind"])
    expected = {
        "method": rules["method"],
        "method_options": rules["options"],
        "voting_seconds": section["voting_seconds"],
        "weighting": section["weighting"],
    }
    for name, value in expected.items():
        if call[name] != value:
            raise Conflict(
                "the call's %(name)s must be the constitution's: %(value)s",
                code="terms_mismatch",
                name=name,
                value=repr(value),
            )
    if section["weighting"] != PER_CAPITA and call["method"] != "yes_no":
        raise InvalidBody("a %(weighting)s vote is a yes/no vote", weighting=section["weighting"])
    voting_until = later(ctx.received, section["voting_seconds"])
    state.put(
        NETWORK_VOTES,
        ctx.index,
        {
            "id": ctx.index,
            "kind": call["kind"],
            "title": call["title"],
            "text": call["text"],
            "call": call,
            "options": ballot_options(call),
            "rules": rules,
            "charter": section,
            "weighting": section["weighting"],
            "called_at": ctx.received,
            "voting_until": voting_until,
            "report_until": later(voting_until, section["report_seconds"]),
            "phase": VOTING,
            "subtotals": {},
            "result": None,
            "closed_at": None,
        },
    )


def parse_report(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"vote": id, "subtotal": {...}, "source": {"origin", "precinct", "closed"},
    "people": [[nullifier, pattern | null], …]}`` (``people.py``)."""
    only(body, {"vote", "subtotal", "source", "people"})
    source = log_source(body, "precinct", log="the member's log", node="the member node")
    subtotal = body.get("subtotal")
    if not isinstance(subtotal, dict):
        raise InvalidBody("subtotal must be the precinct's subtotal")
    if not isinstance(body.get("people"), list):
        raise InvalidBody("people must list the precinct's nullifiers, one per member")
    return {
        "vote": parse_id(dict(body), "vote"),
        "subtotal": dict(subtotal),
        "people": list(body["people"]),
        "source": {
            "origin": source["origin"],
            "precinct": parse_id(source, "precinct"),
            "closed": parse_id(source, "closed"),
        },
    }


def apply_report(state: State, ctx: Context, report: dict[str, Any]) -> None:
    """A member node reports its precinct's subtotal, once, before reporting closes."""
    require_active_member(state, ctx.author, WP_("to do", "report a subtotal"))
    record = network_vote(state, report["vote"])
    if record["phase"] != VOTING or reached(ctx.received, record["report_until"]):
        raise Conflict(
            "reporting on vote %(vote)s has closed", code="voting_closed", vote=record["id"]
        )
    if ctx.author in record["subtotals"]:
        raise Conflict("this node has reported its subtotal already", code="already_reported")
    subtotal = parse_subtotal(report["subtotal"], record["call"])
    raw = report["subtotal"]["patterns"]
    if [canonical(b) for b, _c in raw] != [canonical(b) for b, _c in subtotal["patterns"]]:
        raise InvalidBody("the subtotal's patterns must be in canonical order, as precincts log")
    people = parse_part(report["people"], len(subtotal["patterns"]))
    if len(people) > subtotal["electorate"]:
        raise InvalidBody("people must list one [nullifier, pattern] per member of the electorate")
    if len(people) == subtotal["electorate"]:
        check_complete(people, subtotal)
    entry = {
        **subtotal,
        "people": people,
        "source": report["source"],
        "at": ctx.received,
        "index": ctx.index,
    }
    state.put(
        NETWORK_VOTES,
        record["id"],
        {**record, "subtotals": {**record["subtotals"], ctx.author: entry}},
    )


def parse_people_part(body: Mapping[str, Any]) -> tuple[int, Any]:
    """``{"vote": id, "people": [[nullifier, pattern | null], …]}``: the next part."""
    only(body, {"vote", "people"})
    return parse_id(dict(body), "vote"), body.get("people")


def apply_people_part(state: State, ctx: Context, part: tuple[int, Any]) -> None:
    """A member node sends the next part of its precinct's people (a big precinct's
    people do not fit in one event), in ascending order after the parts before."""
    require_active_member(state, ctx.author, WP_("to do", "report a subtotal"))
    record = network_vote(state, part[0])
    if record["phase"] != VOTING or reached(ctx.received, record["report_until"]):
        raise Conflict(
            "reporting on vote %(vote)s has closed", code="voting_closed", vote=record["id"]
        )
    entry = record["subtotals"].get(ctx.author)
    if entry is None:
        raise Conflict("report the subtotal first, with the first part", code="not_reported")
    if complete(entry):
        raise Conflict("this node has reported all its people already", code="already_reported")
    before = entry["people"]
    after = before[-1][0] if before else ""
    people = before + parse_part(part[1], len(entry["patterns"]), after)
    if len(people) > entry["electorate"]:
        raise InvalidBody("people must list one [nullifier, pattern] per member of the electorate")
    if len(people) == entry["electorate"]:
        check_complete(people, entry)
    subtotals = {**record["subtotals"], ctx.author: {**entry, "people": people}}
    state.put(NETWORK_VOTES, record["id"], {**record, "subtotals": subtotals})


def parse_close(body: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
    """``{"vote": id, "result": {...}}``."""
    only(body, {"vote", "result"})
    if not isinstance(body.get("result"), dict):
        raise InvalidBody("result must be the vote's whole result")
    return parse_id(dict(body), "vote"), dict(body["result"])


def apply_close(state: State, ctx: Context, close: tuple[int, dict[str, Any]]) -> None:
    """The alliance closes the vote; the result it logs must be exactly the recount."""
    if ctx.author != ctx.node_key:
        raise NotPermitted("only the alliance itself logs %(type)s", type=CLOSED)
    vote_id, claimed = close
    record = network_vote(state, vote_id)
    if record["phase"] != VOTING:
        raise Conflict("vote %(vote)s is closed already", code="wrong_phase", vote=vote_id)
    if not closable(state, record, ctx.received):
        raise Conflict(
            "vote %(vote)s is still collecting subtotals", code="too_early", vote=vote_id
        )
    result = network_result(state, record, node_did=ctx.node_did)
    if claimed != result:
        raise Conflict(
            "the result does not match the recount of vote %(vote)s",
            code="tally_mismatch",
            vote=vote_id,
        )
    state.put(
        NETWORK_VOTES,
        vote_id,
        {**record, "phase": DONE, "result": result, "closed_at": ctx.received},
    )


def closable(state: State, record: Mapping[str, Any], now: str) -> bool:
    """Voting time is over, and every member node reported or reporting time is over too."""
    if not reached(now, record["voting_until"]):
        return False
    if reached(now, record["report_until"]):
        return True
    done = {node for node, report in record["subtotals"].items() if complete(report)}
    return set(member_nodes(state)) <= done


def due(state: State, now: str) -> list[int]:
    """Votes the alliance should close now."""
    if state.get(CONSTITUTION, "constitution") is None:
        return []
    return [
        int(record["id"])
        for _id, record in sorted(state.items(NETWORK_VOTES))
        if record["phase"] == VOTING and closable(state, record, now)
    ]


def network_vote(state: State, vote_id: int) -> dict[str, Any]:
    """The network vote ``vote_id``, or ``not_found``."""
    return existing(state, NETWORK_VOTES, vote_id, "network vote")


# -- the result ------------------------------------------------------------------------


def network_result(state: State, record: Mapping[str, Any], *, node_did: str) -> dict[str, Any]:
    """The vote's whole result from the subtotals of member nodes in good standing."""
    members = member_nodes(state)
    reports = {
        node: record["subtotals"][node]
        for node in members
        if node in record["subtotals"] and complete(record["subtotals"][node])
    }
    precincts = {
        node: {"electorate": r["electorate"], "ballots": r["ballots"], "index": r["index"]}
        for node, r in reports.items()
    }
    weighting = record["weighting"]
    if weighting == PER_CAPITA:
        counted = _per_capita(state, record, reports, node_did)
    else:
        counted = _by_node(state, record, members, reports, node_did)
    result: dict[str, Any] = plain(
        {
            "weighting": weighting,
            "method": record["rules"]["method"],
            "options": record["options"],
            "member_nodes": len(members),
            "reported": len(reports),
            "precincts": precincts,
            **counted,
        }
    )
    return result


def _per_capita(
    state: State, record: Mapping[str, Any], reports: Mapping[str, Any], node_did: str
) -> dict[str, Any]:
    """Every ballot pooled, each person counted once (``people.count_once``)."""
    once = count_once(reports)
    turnout = pooled_turnout(once["electorate"], once["patterns"])
    counted = _count(state, record, turnout, node_did)
    return {"duplicates": once["duplicates"], "dropped": once["dropped"], **counted}


def local_choice(subtotal: Mapping[str, Any], threshold: Threshold) -> str:
    """A node's own decision on a yes/no vote: its vote in the alliance."""
    counts = {"yes": 0, "no": 0}
    for ballot, count in subtotal["patterns"]:
        if ballot["choice"] in counts:
            counts[ballot["choice"]] += count
    decided = counts["yes"] + counts["no"]
    if not decided:
        return "abstain"
    return "yes" if threshold.met(counts["yes"], decided) else "no"


def _by_node(
    state: State,
    record: Mapping[str, Any],
    members: list[str],
    reports: Mapping[str, Any],
    node_did: str,
) -> dict[str, Any]:
    threshold = Threshold.parse(record["rules"]["threshold"])
    choices = {node: local_choice(r, threshold) for node, r in reports.items()}
    if record["weighting"] == ONE_NODE_ONE_VOTE:
        node_ballots = [({"choice": choice}, 1) for choice in choices.values()]
        counted = _count(state, record, pooled_turnout(len(members), node_ballots), node_did)
        return {"node_votes": choices, **counted}
    assert record["weighting"] == DOUBLE_MAJORITY
    section = record["charter"]
    populations = {node: int(state.get(POPULATIONS, node, 0)) for node in members}
    if not sum(populations.values()):
        return {
            "node_votes": choices,
            "counts": {"reason": "no member node has reported a population"},
            "winners": [STATUS_QUO],
            "decided": [STATUS_QUO],
            "passed": False,
        }
    detail = dict(
        double_majority(
            ((node, choice, 1) for node, choice in sorted(choices.items())),
            members=populations,
            states_share=parse_share(section["states_share"], "states_share"),
            population_share=parse_share(section["population_share"], "population_share"),
            blocking_minority=section["blocking_minority"] or None,
        ).detail
    )
    passed = bool(detail.pop("passed"))
    winners = record["options"][:1] if passed else [STATUS_QUO]
    return {
        "node_votes": choices,
        "counts": detail,
        "winners": winners,
        "decided": winners,
        "passed": passed,
    }


def _count(state: State, record: Mapping[str, Any], turnout: Any, node_did: str) -> dict[str, Any]:
    """Count with the method's own counter, as a single node would count the same ballots."""
    return {
        "electorate": turnout.electorate,
        "participating": turnout.participating,
        "turnout_percent": percent(turnout.participating, turnout.electorate),
        **decision(state, dict(record), turnout, list(record["options"]), node_did=node_did),
    }


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(CALLED, "An alliance calls a network-wide vote.", parse_call, apply_call),
    EventType(
        REPORTED, "A member node reports its precinct's subtotal.", parse_report, apply_report
    ),
    EventType(
        PEOPLE,
        "A member node sends the next part of its precinct's people.",
        parse_people_part,
        apply_people_part,
    ),
    EventType(
        CLOSED, "The alliance closes a network-wide vote with its result.", parse_close, apply_close
    ),
)

"""Governance as the node runs it: due transitions, and what pages and the API show.

The node logs voting openings, closings (with the full recount) and executions
itself when the log's times say they are due (``run_due``, called by the serving
process every second). Everything else here is a read: the constitution,
proposals with their alternatives, amendments and arguments, live turnout, each
member's delegations and the chain their vote travels.
"""

from __future__ import annotations

import multiprocessing
from bisect import bisect_left, bisect_right
from collections.abc import Hashable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any
from weakref import WeakKeyDictionary

from commonweal.domain.governance import closing
from commonweal.domain.governance.ballots import options_of
from commonweal.domain.governance.constitution import CONSTITUTION
from commonweal.domain.governance.delegating import delegations_of, scopes_for
from commonweal.domain.governance.delegation import chain_of
from commonweal.domain.governance.records import (
    ALTERNATIVES,
    AMENDMENTS,
    COMMENTS,
    DELEGATIONS,
    POPULATIONS,
    PROPOSALS,
    VOTING,
    ballots_table,
    in_group,
)
from commonweal.domain.governance.secret_records import (
    SECRET,
    is_secret,
    proposal_tables,
    summary,
    token_holders,
)
from commonweal.domain.governance.tally import count, turnout
from commonweal.domain.membership.records import ACTIVE, MEMBERS, ROLES
from commonweal.domain.state import State
from commonweal.node.kernel.due import Refusals, attempt
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.ordered import order_of
from commonweal.node.kernel.service import Node, Receipt
from commonweal.store.database import make_engine
from commonweal.store.log_store import LogStore

COUNT_TABLES = (ROLES, PROPOSALS, ALTERNATIVES, DELEGATIONS, POPULATIONS, CONSTITUTION)
"""The projection tables a recount reads whole, besides the members' standing and the ballots."""


def run_due(node: Node, *, limit: int = 100, refusals: Refusals | None = None) -> list[Receipt]:
    """Log the governance transitions that are due now (up to ``limit``); return the receipts.

    Counting happens on a snapshot, outside the sequencer lock, so a big count does
    not hold up other writes; the closing event's rule recounts under the lock, and
    a close refused because the state moved on meanwhile (a member left between the
    count and the commit) is tried again later (``refusals``, node/kernel/due.py). A refused
    transition never holds up the others.
    """
    refusals = refusals or Refusals()
    receipts = []
    for _attempt in range(limit):
        with node.reading() as state:
            pending = [
                step
                for step in closing.due(state, _now(node))
                if not refusals.waiting((step.type, step.proposal))
            ]
        if not pending:
            break
        step = pending[0]
        receipt = attempt(node, refusals, (step.type, step.proposal), partial(_body, node, step))
        if receipt is not None:
            receipts.append(receipt)
    return receipts


def snapshot(node: Node, proposal_id: int) -> State:
    """The tables a count of ``proposal_id`` reads, copied under the lock (shallowly: rules
    replace a row's value, never change it in place), to count outside the lock."""
    with node.reading() as state:
        copy = State()
        for table in (
            *COUNT_TABLES,
            MEMBERS,
            ballots_table(proposal_id),
            *secret_tables(proposal_id),
        ):
            copy.tables[table] = dict(state.tables.get(table, {}))
    return copy


def _body(node: Node, step: closing.Due) -> dict[str, Any]:
    if step.type == closing.CLOSED_EVENT:
        state = snapshot(node, step.proposal)
        record = state.get(PROPOSALS, step.proposal)
        return {
            "proposal": step.proposal,
            "result": count(state, record, node_did=node.identity.did),
        }
    if step.type == closing.EXECUTED:
        with node.reading() as state:
            position = closing.next_execution(state, step.proposal)
        return {"proposal": step.proposal, "execution": position}
    if step.type == closing.CANCELLED_EVENT:
        return {"proposal": step.proposal, "reason": "every alternative was withdrawn"}
    return {"proposal": step.proposal}


def _now(node: Node) -> str:
    from commonweal.core.rfc3339 import format_utc

    return format_utc(max(node.clock(), node.last_received))


# -- reads --------------------------------------------------------------------------


def constitution(node: Node) -> dict[str, Any]:
    """The constitution in force, its version, and when each version was adopted."""
    with node.reading() as state:
        current = state.get(CONSTITUTION, "constitution")
        version = state.get(CONSTITUTION, "version", 0)
        history = [state.get(CONSTITUTION, f"history:{n}") for n in range(1, version + 1)]
    if current is None:
        raise Rejected("not_found", "this node has not adopted a constitution")
    return {"version": version, "constitution": current, "history": history}


MAX_PROPOSALS_PAGE = 500
"""The most proposals one page of ``/v1/proposals`` holds (100 by default)."""


def proposals(
    node: Node,
    *,
    phase: str | None = None,
    topic: str | None = None,
    before: int | None = None,
    limit: int = MAX_PROPOSALS_PAGE,
) -> tuple[list[dict[str, Any]], int | None]:
    """Up to ``limit`` proposals older than ``before``, newest first, as summaries;
    optionally of one phase or topic; and the last id listed when more may follow.

    A summary counts the direct ballots of a vote under way; the weighted turnout,
    which reads every member, is in :func:`proposal_view`. With a filter a page looks
    at most at 20 times ``limit`` proposals, so it may come back short.
    """
    with node.reading() as state:
        table = state.tables.get(PROPOSALS, {})
        ids = order_of(node, PROPOSALS, table, _proposal_id).positions
        stop = bisect_left(ids, before) if before is not None else len(ids)
        found: list[dict[str, Any]] = []
        index = stop
        while index > max(0, stop - 20 * limit) and len(found) < limit:
            index -= 1
            record = table[ids[index]]
            if (phase is None or record["phase"] == phase) and (
                topic is None or record["topic"] == topic
            ):
                found.append(_summary(state, record))
    return found, (ids[index] if index > 0 else None)


def _proposal_id(proposal_id: Hashable, _record: Any) -> int:
    return int(str(proposal_id))


def proposal_view(node: Node, proposal_id: int) -> dict[str, Any]:
    """One proposal with its alternatives, amendments, comments, turnout and result."""
    with node.reading() as state:
        record = _record(state, proposal_id)
        view = _summary(state, record)
        view["alternatives"] = [
            {
                **state.get(ALTERNATIVES, a),
                "amendments": [
                    amendment
                    for _id, amendment in sorted(state.items(AMENDMENTS))
                    if amendment["alternative"] == a
                ],
            }
            for a in record["alternatives"]
        ]
        view["comments"] = [
            comment
            for _id, comment in sorted(state.items(COMMENTS))
            if comment["proposal"] == proposal_id
        ]
        view["options"] = options_of(state, record) if record["rules"] else []
        view["result"] = record["outcome"]
        view["executions"] = record["executions"]
        view["cancelled"] = record["cancelled"]
        if is_secret(record["rules"]):  # sealed ballots are counted only after the close
            view["secret"] = summary(state, proposal_id)
    if view["phase"] == VOTING:
        view["turnout"] = live_turnout(node, proposal_id)
    return view


def live_turnout(node: Node, proposal_id: int) -> dict[str, int]:
    """How many may vote and how much weight has voted so far, delegations included.

    Counting reads every member, so the figures are kept until the log grows: reads
    between two new entries (most of them, on a large node) cost a dictionary lookup.
    """
    size = node.size
    kept_at, kept = _TURNOUTS.get(node, (-1, {}))
    if kept_at != size:
        kept_at, kept = size, {}
        _TURNOUTS[node] = (size, kept)
    if proposal_id in kept:
        return dict(kept[proposal_id])
    state = snapshot(node, proposal_id)
    votes = turnout(state, _record(state, proposal_id))
    figures = {
        "electorate": votes.electorate,
        "participating": votes.participating,
        "direct_voters": votes.direct_voters,
        "delegated_weight": votes.delegated_weight,
    }
    kept[proposal_id] = figures
    return dict(figures)


_TURNOUTS: WeakKeyDictionary[Node, tuple[int, dict[int, dict[str, int]]]] = WeakKeyDictionary()
"""Per node: the log size the figures were counted at, and each proposal's figures."""


def preview(node: Node, proposal_id: int) -> dict[str, Any]:
    """The result if voting closed now (votes are public in the log anyway)."""
    state = snapshot(node, proposal_id)
    record = _record(state, proposal_id)
    if record["phase"] != VOTING:
        raise Rejected(
            "wrong_phase", "proposal %(proposal_id)s is not being voted on", proposal_id=proposal_id
        )
    return count(state, record, node_did=node.identity.did)


MAX_BALLOTS_PAGE = 1000
"""The most ballots one page of ``/v1/proposals/{id}/ballots`` holds."""


def ballots(
    node: Node, proposal_id: int, *, after: str | None = None, limit: int = MAX_BALLOTS_PAGE
) -> tuple[list[dict[str, Any]], str | None]:
    """Up to ``limit`` direct ballots on a proposal by voter DID after ``after``, and the
    last voter listed when more follow (voters' ballots are public, as in the log)."""
    with node.reading() as state:
        _record(state, proposal_id)
        name = ballots_table(proposal_id)
        table = state.tables.get(name, {})
        voters = order_of(node, name, table, _voter).positions
        start = bisect_right(voters, after) if after is not None else 0
        page = [{"voter": v, "ballot": table[v]} for v in voters[start : start + limit]]
        more = start + limit < len(voters)
    return page, (page[-1]["voter"] if more and page else None)


def _voter(voter: Hashable, _ballot: Any) -> str:
    return str(voter)


def delegations(node: Node, did: str) -> dict[str, Any]:
    """A member's delegations by scope, and everyone who delegates to them."""
    with node.reading() as state:
        incoming = [
            {"truster": truster, "scope": scope}
            for truster, scopes in sorted(state.items(DELEGATIONS))
            for scope, trustee in sorted(scopes.items())
            if trustee == did
        ]
        return {"member": did, "outgoing": delegations_of(state, did), "incoming": incoming}


def vote_path(node: Node, proposal_id: int, did: str) -> dict[str, Any]:
    """Where a member's vote on a proposal goes: their own ballot, or the chain to a voter."""
    with node.reading() as state:
        record = _record(state, proposal_id)
        if record["rules"] is None:
            raise Rejected(
                "wrong_phase", "proposal %(proposal_id)s is still a draft", proposal_id=proposal_id
            )
        table = ballots_table(proposal_id)
        own = state.get(table, did)
        eligible = in_group(state, did, record["rules"]["electorate"])
        path: dict[str, Any] = {"member": did, "eligible": eligible, "ballot": own}
        if is_secret(record["rules"]):
            path["secret_token"] = did in token_holders(state, proposal_id)
        if own is None and record["rules"]["delegation"] and not path.get("secret_token"):
            electorate = {
                str(m)
                for m, _r in state.items(MEMBERS)
                if in_group(state, str(m), record["rules"]["electorate"])
            }
            found = chain_of(
                did,
                electorate=electorate,
                direct={str(v) for v, _b in state.items(table)},
                delegations={str(k): v for k, v in state.items(DELEGATIONS)},
                scopes=scopes_for(proposal_id, record["topic"]),
            )
            path["chain"] = found
            final = found.get("voter")
            path["delegate_ballot"] = state.get(table, final) if final else None
        return path


def recount_from_store(store: LogStore, proposal_id: int, node_did: str) -> dict[str, Any]:
    """Recount a proposal from the tables in the store alone (what an auditor would do).

    The ballots and the electorate are read in two processes at once: identical
    ballots are decoded once, and the database itself picks the members in
    standing, so a million member records are never decoded.
    """
    state = State()
    for table in (*COUNT_TABLES, *secret_tables(proposal_id)):
        state.tables[table] = store.projection_table(table)
    record = state.get(PROPOSALS, proposal_id)
    if record is None or record["rules"] is None:
        raise Rejected(
            "not_found", "proposal %(proposal_id)s was never put to a vote", proposal_id=proposal_id
        )
    group = record["rules"]["electorate"]
    role = None if group == "members" else group["role"]
    # Two cores, two reads: the electorate is picked by the database in a second
    # process while this one reads the ballots (threads would take turns on the GIL).
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        url = store.engine.url.render_as_string(hide_password=False)
        picked = pool.submit(members_in_standing, url, ACTIVE, role)
        state.tables[ballots_table(proposal_id)] = store.projection_table(
            ballots_table(proposal_id), shared_values=True
        )
        eligible = set(filter(None, picked.result().split("\n")))
    if record["rules"]["method"] == "double_majority":  # needs the member nodes' records
        state.tables[MEMBERS] = store.projection_table(MEMBERS)
    return count(state, record, node_did=node_did, eligible=eligible)


def secret_tables(proposal_id: int) -> tuple[str, ...]:
    """The tables a count of a secret ballot reads besides the public ones."""
    return (SECRET, *proposal_tables(proposal_id))


def _record(state: State, proposal_id: Hashable) -> dict[str, Any]:
    record: dict[str, Any] | None = state.get(PROPOSALS, proposal_id)
    if record is None:
        raise Rejected("not_found", "there is no proposal %(proposal_id)s", proposal_id=proposal_id)
    return record


def _summary(state: State, record: dict[str, Any]) -> dict[str, Any]:
    summary = {
        key: record[key]
        for key in (
            "id",
            "kind",
            "topic",
            "title",
            "author",
            "phase",
            "drafted_at",
            "discussion_from",
            "discussion_until",
            "voting_from",
            "voting_until",
            "closed_at",
        )
    }
    summary["rules"] = record["rules"]
    summary["ballots"] = len(state.tables.get(ballots_table(record["id"]), {}))
    if record["outcome"] is not None:
        summary["passed"] = record["outcome"]["passed"]
        summary["winners"] = record["outcome"]["winners"]
    return summary


def members_in_standing(url: str, status: str, role: str | None = None) -> str:
    """:meth:`LogStore.members_in_standing` on the database at ``url``, for a worker process.

    The DIDs come back as one newline-separated string: a process hands over one
    string of a million lines far faster than a set of a million strings.
    """
    engine = make_engine(url)
    try:
        return "\n".join(LogStore(engine).members_in_standing(status, role))
    finally:
        engine.dispose()

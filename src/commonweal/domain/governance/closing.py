"""The node's own governance events: voting opens, the vote closes, decisions execute.

Each is authored by the node key when the log's own times say it is due, and its
content is fully determined by the log: voting opens once the discussion time
has passed; the closing event carries the whole result, which the rule recounts
from the ballots and delegations and refuses if it differs (so ``verify``
recounts every vote ever closed); each action of a passed proposal then runs as a
``governance.decision.executed`` event, in order. An action that cannot be done
(the member to expel already left) is recorded as failed with the reason, and
the next one runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import Conflict, DomainError, InvalidBody
from commonweal.domain.fields import only
from commonweal.domain.governance.actions import ActionCatalog
from commonweal.domain.governance.records import (
    ALTERNATIVES,
    CLOSED,
    DISCUSSION,
    PROPOSALS,
    VOTING,
    alternative,
    live_alternatives,
    parse_id,
    proposal,
    require_deadline_passed,
    require_phase,
    rules_of,
)
from commonweal.domain.governance.secret_records import ready_to_close
from commonweal.domain.governance.tally import count
from commonweal.domain.registry import Context, require_node_key
from commonweal.domain.state import State
from commonweal.domain.timestamps import later, reached
from commonweal.domain.words import WP_

OPENED = "governance.voting.opened"
CLOSED_EVENT = "governance.proposal.closed"
EXECUTED = "governance.decision.executed"
CANCELLED_EVENT = "governance.proposal.cancelled"


@dataclass(frozen=True, slots=True)
class Due:
    """A transition the node should log now: an event type and the proposal it concerns."""

    type: str
    proposal: int


def parse_close(body: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
    """``{"proposal": id, "result": {...}}``."""
    unknown = sorted(set(body) - {"proposal", "result"})
    if unknown or not isinstance(body.get("result"), dict):
        raise InvalidBody('a closing event is {"proposal": id, "result": {...}}')
    return parse_id(dict(body), "proposal"), dict(body["result"])


def parse_execution(body: Mapping[str, Any]) -> tuple[int, int]:
    """``{"proposal": id, "execution": n}``: the n-th action of the decision."""
    only(body, {"proposal", "execution"})
    return parse_id(dict(body), "proposal"), parse_id(dict(body), "execution")


def apply_opening(state: State, ctx: Context, proposal_id: int) -> None:
    """The node opens voting once the discussion time has passed."""
    require_node_key(ctx, when="the log says it is due")
    record = proposal(state, proposal_id)
    require_phase(record, DISCUSSION, doing=WP_("to do", "open voting"))
    require_deadline_passed(ctx, record, "discussion_until")
    if not live_alternatives(state, record):
        raise Conflict("every alternative was withdrawn", code="no_alternatives")
    until = later(ctx.received, rules_of(record)["voting_seconds"])
    state.put(
        PROPOSALS,
        proposal_id,
        {**record, "phase": VOTING, "voting_from": ctx.received, "voting_until": until},
    )


def apply_close(state: State, ctx: Context, close: tuple[int, dict[str, Any]]) -> None:
    """The node closes the vote; the result it logs must be exactly the recount."""
    require_node_key(ctx, when="the log says it is due")
    proposal_id, claimed = close
    record = proposal(state, proposal_id)
    require_phase(record, VOTING, doing=WP_("to do", "close the vote"))
    require_deadline_passed(ctx, record, "voting_until")
    if not ready_to_close(state, record):
        raise Conflict(
            "the secret ballots of proposal %(proposal_id)s are not all decrypted yet",
            proposal_id=proposal_id,
            code="too_early",
        )
    result = count(state, record, node_did=ctx.node_did)
    if claimed != result:
        raise Conflict(
            "the result does not match the recount of proposal %(proposal_id)s: %(difference)s",
            proposal_id=proposal_id,
            difference=_first_difference(claimed, result),
            code="tally_mismatch",
        )
    executions: list[dict[str, Any]] = []
    if result["passed"]:
        for alternative_id in sorted(int(option) for option in result["decided"]):
            actions = alternative(state, alternative_id)["actions"]
            executions.extend(
                {"alternative": alternative_id, "action": n, "status": "pending", "reason": ""}
                for n in range(len(actions))
            )
    state.put(
        PROPOSALS,
        proposal_id,
        {
            **record,
            "phase": CLOSED,
            "closed_at": ctx.received,
            "outcome": result,
            "executions": executions,
        },
    )


def execution_rule(catalog: ActionCatalog) -> Any:
    """The rule of ``governance.decision.executed``, running actions from ``catalog``."""

    def apply_execution(state: State, ctx: Context, execution: tuple[int, int]) -> None:
        require_node_key(ctx, when="the log says it is due")
        proposal_id, position = execution
        record = proposal(state, proposal_id)
        require_phase(record, CLOSED, doing=WP_("to do", "execute its decision"))
        executions = record["executions"]
        pending = [n for n, e in enumerate(executions) if e["status"] == "pending"]
        if not pending:
            raise Conflict(
                "proposal %(proposal_id)s has nothing left to execute",
                proposal_id=proposal_id,
                code="executed",
            )
        if position != pending[0]:
            raise Conflict(
                "the next action to execute is %(action)s", action=pending[0], code="out_of_order"
            )
        step = executions[position]
        action = state.get(ALTERNATIVES, step["alternative"])["actions"][step["action"]]
        savepoint = state.savepoint()
        try:
            catalog.run(state, ctx, action)
            done = {**step, "status": "done"}
        except DomainError as error:
            state.rollback(savepoint)
            done = {**step, "status": "failed", "reason": error.message}
        record = proposal(state, proposal_id)  # an action may have changed the proposal table
        updated = [*executions[:position], done, *executions[position + 1 :]]
        state.put(PROPOSALS, proposal_id, {**record, "executions": updated})

    return apply_execution


def due(state: State, now: str) -> list[Due]:
    """Every transition the node should log at ``now``, in log order."""
    found = []
    for _key, record in sorted(state.items(PROPOSALS)):
        proposal_id = int(record["id"])
        phase = record["phase"]
        if phase == DISCUSSION and reached(now, record["discussion_until"]):
            kind = OPENED if live_alternatives(state, record) else CANCELLED_EVENT
            found.append(Due(kind, proposal_id))
        elif (
            phase == VOTING
            and reached(now, record["voting_until"])
            and ready_to_close(state, record)
        ):
            found.append(Due(CLOSED_EVENT, proposal_id))
        elif phase == CLOSED and any(e["status"] == "pending" for e in record["executions"]):
            found.append(Due(EXECUTED, proposal_id))
    return found


def next_execution(state: State, proposal_id: int) -> int | None:
    """The position of the next pending action of a closed proposal."""
    executions = proposal(state, proposal_id)["executions"]
    return next((n for n, e in enumerate(executions) if e["status"] == "pending"), None)


def _first_difference(claimed: Any, actual: Any, path: str = "result") -> str:
    if isinstance(claimed, dict) and isinstance(actual, dict):
        for key in sorted(set(claimed) | set(actual)):
            if claimed.get(key) != actual.get(key):
                return _first_difference(claimed.get(key), actual.get(key), f"{path}.{key}")
    if isinstance(claimed, list) and isinstance(actual, list) and len(claimed) == len(actual):
        for n, (a, b) in enumerate(zip(claimed, actual, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}[{n}]")
    return f"{path} is {_short(claimed)}, the recount gives {_short(actual)}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."

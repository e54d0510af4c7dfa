"""Ballots: their shape for each voting method, and casting or withdrawing one.

A ballot names options as strings: an alternative's id, or ``"status_quo"`` where the
method ranks the status quo. A member may cast again until the vote closes; the
newest ballot replaces the older one, and withdrawing it lets their delegation
apply again.

| method | ballot |
| --- | --- |
| yes_no, double_majority | ``{"choice": "yes" \\| "no" \\| "abstain"}`` |
| consent | ``{"position": "consent" \\| "stand_aside" \\| "object", "reason"?: text}`` |
| plurality | ``{"choice": option}`` |
| approval | ``{"approve": [option, …]}`` |
| score, star | ``{"scores": {option: 0…max_score}}`` (unscored options count as 0) |
| quadratic | ``{"votes": {option: n}}`` costing Σ n² voice credits at most |
| instant_runoff, stv | ``{"ranking": [option, …]}``, best first, may stop early |
| schulze, ranked_pairs | as above, and an element may be a list of options ranked equal |

An objection to a consent vote must give its reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.fields import only, optional_text
from commonweal.domain.governance.constitution import PAIRWISE_METHODS
from commonweal.domain.governance.records import (
    STATUS_QUO,
    VOTING,
    ballots_table,
    deadline_of,
    live_alternatives,
    parse_id,
    proposal,
    require_in_group,
    require_phase,
    rules_of,
)
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.timestamps import reached
from commonweal.domain.words import N_, WP_

CHOICES = ("yes", "no", "abstain")
_TOKENS = "governance.secret.tokens."  # secret_records.TOKENS (which imports this module)
POSITIONS = ("consent", "stand_aside", "object")
MAX_REASON = 2000


def parse_cast(body: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
    """``{"proposal": id, "ballot": {...}}``; the ballot's shape is checked against the method."""
    return ballot_body(body, "proposal")


def ballot_body(body: Mapping[str, Any], ref: str) -> tuple[int, dict[str, Any]]:
    """``{<ref>: id, "ballot": {...}}``: the id of what is voted on (a proposal, a
    precinct) and the ballot, an object whose shape :func:`check_ballot` checks."""
    only(body, {ref, "ballot"})
    ballot = body.get("ballot")
    if not isinstance(ballot, dict):
        raise InvalidBody("ballot must be an object; its shape depends on the voting method")
    return parse_id(dict(body), ref), ballot


def options_of(state: State, record: Mapping[str, Any]) -> list[str]:
    """The options a ballot on ``record`` may name: live alternatives, and the status quo."""
    options = [str(a) for a in live_alternatives(state, record)]
    rules = record["rules"]
    if rules["method"] in PAIRWISE_METHODS and rules["options"].get("status_quo"):
        options.append(STATUS_QUO)
    return options


def check_ballot(
    method: str,
    method_options: Mapping[str, Any],
    ballot: Mapping[str, Any],
    options: Sequence[str],
) -> dict[str, Any]:
    """The ballot in normal form, or ``invalid_ballot`` saying what is wrong with it."""
    try:
        return _CHECKS[method](dict(ballot), method_options, list(options))
    except InvalidBody as error:
        raise InvalidBody(
            "invalid %(method)s ballot: %(detail)s",
            method=method,
            detail=error.message,
            code="invalid_ballot",
        ) from None


def apply_cast(state: State, ctx: Context, cast: tuple[int, dict[str, Any]]) -> None:
    """A member of the electorate votes (again) while voting is open."""
    proposal_id, ballot = cast
    record = proposal(state, proposal_id)
    require_phase(record, VOTING, doing=WP_("to do", "vote"))
    if reached(ctx.received, deadline_of(record, "voting_until")):
        raise Conflict(
            "voting on proposal %(proposal_id)s ended at %(voting_until)s",
            proposal_id=proposal_id,
            voting_until=record["voting_until"],
            code="voting_closed",
        )
    rules = rules_of(record)
    require_in_group(state, ctx.author, rules["electorate"], WP_("to do", "vote on this proposal"))
    normal = check_ballot(rules["method"], rules["options"], ballot, options_of(state, record))
    if rules.get("ballot") == "secret" and state.get(_TOKENS + str(proposal_id), ctx.author):
        raise Conflict(
            "you took a token to vote in secret on this proposal: cast your sealed ballot",
            code="secret_voter",
        )
    state.put(ballots_table(proposal_id), ctx.author, normal)


def apply_withdrawal(state: State, ctx: Context, proposal_id: int) -> None:
    """A voter takes back their ballot before the close (their delegation applies again)."""
    record = proposal(state, proposal_id)
    require_phase(record, VOTING, doing=WP_("to do", "withdraw a ballot"))
    if reached(ctx.received, deadline_of(record, "voting_until")):
        raise Conflict(
            "voting on proposal %(proposal_id)s has ended",
            proposal_id=proposal_id,
            code="voting_closed",
        )
    if state.get(ballots_table(proposal_id), ctx.author) is None:
        raise Conflict("you have no ballot on this proposal", code="no_ballot")
    state.delete(ballots_table(proposal_id), ctx.author)


def parse_withdrawal(body: Mapping[str, Any]) -> int:
    """``{"proposal": id}``."""
    only(body, {"proposal"})
    return parse_id(dict(body), "proposal")


# -- the shape of each method's ballot ------------------------------------------------


def _exactly(ballot: Mapping[str, Any], *names: str, optional: Sequence[str] = ()) -> None:
    missing = [n for n in names if n not in ballot]
    unknown = sorted(set(ballot) - set(names) - set(optional))
    if missing or unknown:
        shape = ", ".join([*names, *(f"{o}?" for o in optional)])
        raise InvalidBody("expected {%(shape)s}", shape=shape)


def _only_member(ballot: Mapping[str, Any], name: str, kind: type, refusal: str) -> Any:
    """The ballot's one member ``name``, which must be a ``kind`` (a list or an object)."""
    _exactly(ballot, name)
    value = ballot[name]
    if not isinstance(value, kind):
        raise InvalidBody(refusal)
    return value


def _option(value: Any, options: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in options:
        raise InvalidBody(
            "%(value)s is not an option here (options: %(options)s)",
            value=repr(value),
            options=", ".join(options),
        )
    return value


def _choice(
    ballot: dict[str, Any], _opts: Mapping[str, Any], _options: list[str]
) -> dict[str, Any]:
    _exactly(ballot, "choice")
    if ballot["choice"] not in CHOICES:
        raise InvalidBody('choice must be "yes", "no" or "abstain"')
    return {"choice": ballot["choice"]}


def _consent(
    ballot: dict[str, Any], _opts: Mapping[str, Any], _options: list[str]
) -> dict[str, Any]:
    _exactly(ballot, "position", optional=("reason",))
    if ballot["position"] not in POSITIONS:
        raise InvalidBody('position must be "consent", "stand_aside" or "object"')
    reason = optional_text(ballot, "reason", max_length=MAX_REASON)
    if ballot["position"] == "object" and not reason.strip():
        raise InvalidBody("an objection must give its reason")
    return {"position": ballot["position"], "reason": reason}


def _plurality(
    ballot: dict[str, Any], _opts: Mapping[str, Any], options: list[str]
) -> dict[str, Any]:
    _exactly(ballot, "choice")
    return {"choice": _option(ballot["choice"], options)}


def _approval(
    ballot: dict[str, Any], _opts: Mapping[str, Any], options: list[str]
) -> dict[str, Any]:
    approved = _only_member(ballot, "approve", list, N_("approve must be a list of options"))
    chosen = [_option(o, options) for o in approved]
    if len(set(chosen)) != len(chosen):
        raise InvalidBody("each option may be approved once")
    return {"approve": sorted(chosen, key=options.index)}


def _scores(ballot: dict[str, Any], opts: Mapping[str, Any], options: list[str]) -> dict[str, Any]:
    marks = _only_member(ballot, "scores", dict, N_("scores must map options to whole numbers"))
    top = opts["max_score"]
    for option, value in marks.items():
        _option(option, options)
        if type(value) is not int or not 0 <= value <= top:
            raise InvalidBody(
                "the score of %(option)s must be a whole number from 0 to %(top)s",
                option=option,
                top=top,
            )
    return {"scores": {o: marks[o] for o in options if o in marks}}


def _quadratic(
    ballot: dict[str, Any], opts: Mapping[str, Any], options: list[str]
) -> dict[str, Any]:
    votes = _only_member(
        ballot, "votes", dict, N_("votes must map options to whole numbers of votes")
    )
    for option, value in votes.items():
        _option(option, options)
        if type(value) is not int:
            raise InvalidBody("the votes for %(option)s must be a whole number", option=option)
        if value < 0 and not opts["allow_negative"]:
            raise InvalidBody("votes against are not allowed in this vote")
    cost = sum(v * v for v in votes.values())
    if cost > opts["credits"]:
        raise InvalidBody(
            "these votes cost %(cost)s voice credits; each voter has %(credits)s",
            cost=cost,
            credits=opts["credits"],
        )
    return {"votes": {o: votes[o] for o in options if votes.get(o)}}


def _ranking(
    ballot: dict[str, Any], _opts: Mapping[str, Any], options: list[str], *, ties: bool
) -> dict[str, Any]:
    _exactly(ballot, "ranking")
    ranking = ballot["ranking"]
    if not isinstance(ranking, list) or not ranking:
        raise InvalidBody("ranking must list at least one option, best first")
    normal: list[Any] = []
    seen: list[str] = []
    for element in ranking:
        if isinstance(element, list) and ties:
            if not element:
                raise InvalidBody("an equal-rank group must hold at least one option")
            tier = [_option(o, options) for o in element]
            seen.extend(tier)
            normal.append(sorted(tier, key=options.index) if len(tier) > 1 else tier[0])
        elif isinstance(element, list):
            raise InvalidBody("this method needs a strict ranking: no options ranked equal")
        else:
            seen.append(_option(element, options))
            normal.append(element)
    if len(set(seen)) != len(seen):
        raise InvalidBody("each option may be ranked once")
    return {"ranking": normal}


def _strict(ballot: dict[str, Any], opts: Mapping[str, Any], options: list[str]) -> dict[str, Any]:
    return _ranking(ballot, opts, options, ties=False)


def _weak(ballot: dict[str, Any], opts: Mapping[str, Any], options: list[str]) -> dict[str, Any]:
    return _ranking(ballot, opts, options, ties=True)


_CHECKS = {
    "yes_no": _choice,
    "double_majority": _choice,
    "consent": _consent,
    "plurality": _plurality,
    "approval": _approval,
    "score": _scores,
    "star": _scores,
    "quadratic": _quadratic,
    "instant_runoff": _strict,
    "stv": _strict,
    "schulze": _weak,
    "ranked_pairs": _weak,
}

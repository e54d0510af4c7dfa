"""One counter per voting method: aggregated ballots in, the method's detail and winners out.

Each counter returns the method's detail with ``winners`` (ties kept) and, where
the method has them, ``threshold_met`` (a threshold the constitution sets) or
``passed`` (a rule of the method itself: net support, no objection).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from commonweal.domain.governance import cardinal, ranked
from commonweal.domain.governance.consent import consent
from commonweal.domain.governance.liquid import (
    NO_REVERSE_BEAT_PATH,
    NO_REVERSE_BEAT_PATH_UNSTATED,
    status_quo_outcome,
)
from commonweal.domain.governance.majority import double_majority, yes_no
from commonweal.domain.governance.profile import Profile
from commonweal.domain.governance.quadratic import quadratic
from commonweal.domain.governance.records import POPULATIONS, STATUS_QUO
from commonweal.domain.governance.shares import Threshold, parse_share, percent
from commonweal.domain.governance.stv import scottish_stv
from commonweal.domain.governance.turnout import Frozen, Turnout, electorate
from commonweal.domain.state import State

Counted = dict[str, Any]


@dataclass(frozen=True)
class Count:
    """What a method's counter is given."""

    state: State
    record: Mapping[str, Any]
    turnout: Turnout
    options: list[str]
    node_did: str

    @property
    def rules(self) -> Mapping[str, Any]:
        """The proposal's rules (copied from its kind when it was submitted)."""
        rules: Mapping[str, Any] = self.record["rules"]
        return rules

    @property
    def threshold(self) -> Threshold:
        """The kind's threshold."""
        return Threshold.parse(self.rules["threshold"])


def lot(node_did: str, proposal_id: int, candidates: Iterable[str]) -> list[str]:
    """A lot drawn from public data: candidates ordered by SHA-256 of (node, proposal, option)."""

    def ticket(candidate: str) -> bytes:
        return hashlib.sha256(f"{node_did}|proposal:{proposal_id}|{candidate}".encode()).digest()

    return sorted(candidates, key=ticket)


def _yes_no(c: Count) -> Counted:
    detail = yes_no(c.turnout.patterns(_choice), threshold=c.threshold).detail
    met = detail["threshold_met"]
    return {
        "counts": {choice: detail[choice] for choice in ("yes", "no", "abstain")},
        "threshold": {
            "rule": detail["threshold"],
            "yes_percent": detail["yes_percent"],
            "met": met,
        },
        "threshold_met": met,
        "winners": c.options[:1] if met else [STATUS_QUO],
    }


def _consent(c: Count) -> Counted:
    # consent is never delegated, so a pattern's weight is a head count
    detail = consent(
        (position, reason or None)
        for (position, reason), weight in c.turnout.patterns(_position)
        for _ in range(weight)
    ).detail
    return {
        "counts": {p: detail[p] for p in ("consent", "stand_aside", "object")},
        "objections": detail["objections"],
        "stand_aside_reasons": detail["stand_aside_reasons"],
        "winners": [STATUS_QUO] if detail["object"] else c.options[:1],
    }


def _double_majority(c: Count) -> Counted:
    nodes = sorted(electorate(c.state, c.record))
    populations = {node: int(c.state.get(POPULATIONS, node, 0)) for node in nodes}
    if not sum(populations.values()):
        return {
            "counts": {"reason": "no member node has reported a population"},
            "winners": [STATUS_QUO],
        }
    options = c.rules["options"]
    detail = dict(
        double_majority(
            ((voter, ballot["choice"], 1) for voter, ballot in sorted(c.turnout.cast.items())),
            members=populations,
            states_share=parse_share(options["states_share"], "states_share"),
            population_share=parse_share(options["population_share"], "population_share"),
            blocking_minority=options["blocking_minority"] or None,
        ).detail
    )
    passed = detail.pop("passed")
    return {"counts": detail, "winners": c.options[:1] if passed else [STATUS_QUO]}


def _plurality(c: Count) -> Counted:
    patterns = (((choice,), weight) for choice, weight in c.turnout.patterns(_choice))
    result = ranked.plurality(Profile.from_counts(c.options, patterns))
    return {
        "first_choices": result.detail["first_choices"],
        "winners": _ordered(result.winners, c.options),
    }


def _approval(c: Count) -> Counted:
    result = cardinal.approval(
        c.options, ((frozenset(p), w) for p, w in c.turnout.patterns(_approved))
    )
    top = max(result.detail["scores"].values(), default=0)
    met = c.threshold.met(top, c.turnout.participating)
    return {
        "scores": result.detail["scores"],
        "threshold": {
            "rule": f"{c.threshold.describe()} of those voting approve the winner",
            "approval_percent": percent(top, c.turnout.participating),
            "met": met,
        },
        "threshold_met": met,
        "winners": _ordered(result.winners, c.options),
    }


def _score(c: Count) -> Counted:
    method = cardinal.star if c.rules["method"] == "star" else cardinal.score
    result = method(
        c.options,
        ((dict(p), w) for p, w in c.turnout.patterns(_scores)),
        max_score=c.rules["options"]["max_score"],
    )
    return {**result.detail, "winners": _ordered(result.winners, c.options)}


def _quadratic(c: Count) -> Counted:
    options = c.rules["options"]
    result = quadratic(
        c.options,
        ((dict(p), w) for p, w in c.turnout.patterns(_votes)),
        credits=options["credits"],
        allow_negative=options["allow_negative"],
    )
    winners = _ordered(result.winners, c.options)
    # a decision needs net support: a winner with no more votes for than against changes nothing
    return {**result.detail, "winners": winners, "passed": result.detail["votes"][winners[0]] > 0}


def _instant_runoff(c: Count) -> Counted:
    result = ranked.instant_runoff(_ranked_profile(c))
    return {"rounds": result.detail["rounds"], "winners": _ordered(result.winners, c.options)}


def _pairwise(c: Count) -> Counted:
    profile = _ranked_profile(c)
    method = ranked.schulze if c.rules["method"] == "schulze" else ranked.ranked_pairs
    result = method(profile)
    winners = _ordered(result.winners, c.options)
    if STATUS_QUO not in c.options:
        return {**result.detail, "winners": winners}
    # With the status quo on the ballot, LiquidFeedback's rules decide: the best-ranked
    # alternative that beats the status quo by the threshold (and, if the kind says so,
    # has no reverse beat path from it).
    strict = c.rules["options"].get(NO_REVERSE_BEAT_PATH, NO_REVERSE_BEAT_PATH_UNSTATED)
    verdict = status_quo_outcome(profile, c.threshold, c.options, no_reverse_beat_path=strict)
    winner = verdict["liquidfeedback"]["winner"]
    return {
        **result.detail,
        **verdict,
        "method_winners": winners,
        "winners": [winner] if winner is not None else [STATUS_QUO],
    }


def _stv(c: Count) -> Counted:
    result = scottish_stv(
        _ranked_profile(c),
        c.rules["options"]["seats"],
        lot=lambda tied: lot(c.node_did, c.record["id"], tied),
    )
    return {"stv": result.detail, "winners": list(result.detail["elected"])}


COUNTERS: dict[str, Callable[[Count], Counted]] = {
    "yes_no": _yes_no,
    "consent": _consent,
    "double_majority": _double_majority,
    "plurality": _plurality,
    "approval": _approval,
    "score": _score,
    "star": _score,
    "quadratic": _quadratic,
    "instant_runoff": _instant_runoff,
    "schulze": _pairwise,
    "ranked_pairs": _pairwise,
    "stv": _stv,
}


def _ranked_profile(c: Count) -> Profile:
    return Profile.from_counts(c.options, c.turnout.patterns(_ranking))


def _ordered(winners: Iterable[str], options: Sequence[str]) -> list[str]:
    return sorted(winners, key=options.index)


# -- each method's ballot, frozen so that identical ballots count together -------------


def _choice(ballot: dict[str, Any]) -> Frozen:
    return ballot["choice"]


def _position(ballot: dict[str, Any]) -> Frozen:
    return ballot["position"], ballot["reason"]


def _approved(ballot: dict[str, Any]) -> Frozen:
    return tuple(ballot["approve"])


def _scores(ballot: dict[str, Any]) -> Frozen:
    return tuple(ballot["scores"].items())


def _votes(ballot: dict[str, Any]) -> Frozen:
    return tuple(ballot["votes"].items())


def _ranking(ballot: dict[str, Any]) -> Frozen:
    ranking = tuple(ballot["ranking"])
    try:
        hash(ranking)
    except TypeError:  # a list inside is a tier of options ranked equal
        return tuple(tuple(e) if isinstance(e, list) else e for e in ranking)
    return ranking

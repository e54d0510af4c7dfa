"""Take it or leave it: a yes-or-no vote, and an alliance's double majority.

A yes-or-no vote passes when the yes votes reach a threshold of the yes and no
votes together, and enough of the electorate took part (the quorum). Both are
:class:`~fractions.Fraction` shares compared in integer arithmetic, so no result
ever depends on rounding, and the detail holds ints and ``"num/den"`` strings only
(it is signed into an event, where floats are forbidden).

A double majority is how a council of member nodes decides, after the Council of
the European Union's qualified majority (Treaty on European Union, art. 16(4)):
enough of the member nodes vote yes, and those nodes hold enough of the alliance's
population.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from commonweal.domain.governance.ranked import Result
from commonweal.domain.governance.shares import (
    Threshold,
    format_share,
    percent,
    quorum_met,
)

__all__ = [
    "ABSTAIN",
    "CHOICES",
    "EU_BLOCKING_MINORITY",
    "EU_POPULATION_SHARE",
    "EU_STATES_SHARE",
    "NO",
    "SIMPLE_MAJORITY",
    "YES",
    "Threshold",
    "double_majority",
    "quorum_met",
    "reaches_quorum",
    "yes_no",
]

YES, NO, ABSTAIN = "yes", "no", "abstain"
CHOICES = (YES, NO, ABSTAIN)

SIMPLE_MAJORITY = Threshold(Fraction(1, 2), strict=True)
"""More than half of those voting yes or no."""

EU_STATES_SHARE = Fraction(55, 100)
EU_POPULATION_SHARE = Fraction(65, 100)
EU_BLOCKING_MINORITY = 4
"""The Council's qualified majority: 55 % of the members, 65 % of the population, and a
blocking minority needs at least four members."""


def yes_no(
    ballots: Iterable[tuple[str, int]],
    *,
    threshold: Threshold = SIMPLE_MAJORITY,
    electorate: int | None = None,
    quorum: Fraction = Fraction(0),
) -> Result:
    """Count ``(choice, weight)`` ballots, each choice ``"yes"``, ``"no"`` or ``"abstain"``.

    A ballot of weight ``w`` (a delegate carrying ``w - 1`` delegated votes) counts as
    ``w`` identical ballots. Abstentions count toward the quorum, which compares the
    summed weight of every ballot with ``quorum × electorate``, but not toward the
    threshold, which compares the yes weight with the yes and no weight together.
    When nobody voted yes or no the threshold is not met: a vote of abstentions
    alone adopts nothing. The winner set is ``{"yes"}`` when the proposal passes
    (quorum and threshold met) and ``{"no"}`` otherwise; the detail says which test
    failed.

    ``electorate`` is the number of members entitled to vote; it is required when
    ``quorum`` is above zero, and the ballots may not weigh more than it.
    """
    counts = dict.fromkeys(CHOICES, 0)
    for choice, weight in ballots:
        _check_choice(choice)
        if weight < 0:
            raise ValueError(f"a ballot's weight is never negative (got {weight})")
        counts[choice] += weight
    participating = sum(counts.values())
    quorate = reaches_quorum(participating, electorate, quorum)
    decided = counts[YES] + counts[NO]
    threshold_met = threshold.met(counts[YES], decided)
    passed = quorate and threshold_met
    detail: dict[str, Any] = {
        **counts,
        "participating": participating,
        "electorate": electorate,
        "quorum": format_share(quorum),
        "quorum_met": quorate,
        "yes_share": f"{counts[YES]}/{decided}" if decided else None,
        "yes_percent": percent(counts[YES], decided) if decided else None,
        "threshold": threshold.describe(),
        "threshold_met": threshold_met,
        "passed": passed,
    }
    return Result(frozenset({YES if passed else NO}), detail)


def double_majority(
    votes: Iterable[tuple[str, str, int]],
    *,
    members: Mapping[str, int],
    states_share: Fraction,
    population_share: Fraction,
    blocking_minority: int | None = None,
) -> Result:
    """An alliance's vote by member node: ``(node, choice, weight)`` with one vote per node.

    ``members`` maps every member node to its population. The proposal passes when
    the nodes voting yes are at least ``states_share`` of all member nodes and hold
    at least ``population_share`` of the population of all member nodes. A node that
    abstains or does not vote counts as not voting yes, as in the Council, where an
    abstention weighs like a no.

    With ``blocking_minority = k`` the nodes not voting yes can block on population
    only if there are at least ``k`` of them; otherwise the population criterion is
    deemed met (the Council's rule with ``k = 4``: three large states cannot block
    alone). The member-count criterion still applies, which in a council of 27 it
    always does once fewer than four members withhold their yes.

    Votes are not delegated in a double majority (the voters are the nodes
    themselves), so every weight must be 1; a node votes at most once, and only
    member nodes vote.
    """
    if not members:
        raise ValueError("a double majority needs at least one member node")
    if any(population < 0 for population in members.values()):
        raise ValueError("a population is never negative")
    total_population = sum(members.values())
    if total_population == 0:
        raise ValueError("the member nodes report no population at all")
    for name, share in (("states_share", states_share), ("population_share", population_share)):
        if not 0 <= share <= 1:
            raise ValueError(f"{name} is a share from 0 to 1 (got {share})")
    if blocking_minority is not None and blocking_minority < 0:
        raise ValueError("a blocking minority is a number of members, never negative")

    choices: dict[str, str] = {}
    for node, choice, weight in votes:
        _check_choice(choice)
        if node not in members:
            raise ValueError(f"{node} is not a member node of this alliance")
        if node in choices:
            raise ValueError(f"{node} voted twice")
        if weight != 1:
            raise ValueError(
                f"{node} casts one vote, not {weight}: double-majority votes are not delegated"
            )
        choices[node] = choice

    yes_nodes = [node for node, choice in choices.items() if choice == YES]
    yes_population = sum(members[node] for node in yes_nodes)
    withholding = len(members) - len(yes_nodes)
    states_met = Threshold(states_share, strict=False).met(len(yes_nodes), len(members))
    population_met = Threshold(population_share, strict=False).met(yes_population, total_population)
    deemed = (
        not population_met and blocking_minority is not None and withholding < blocking_minority
    )
    passed = states_met and (population_met or deemed)
    tally = {choice: sum(1 for c in choices.values() if c == choice) for choice in CHOICES}
    detail: dict[str, Any] = {
        **tally,
        "absent": len(members) - len(choices),
        "states": {
            "yes": len(yes_nodes),
            "of": len(members),
            "share": f"{len(yes_nodes)}/{len(members)}",
            "percent": percent(len(yes_nodes), len(members)),
            "required": format_share(states_share),
            "met": states_met,
        },
        "population": {
            "yes": yes_population,
            "of": total_population,
            "share": f"{yes_population}/{total_population}",
            "percent": percent(yes_population, total_population),
            "required": format_share(population_share),
            "met": population_met,
            "deemed_met": deemed,
        },
        "blocking_minority": (
            None
            if blocking_minority is None
            else {"required_members": blocking_minority, "members": withholding}
        ),
        "passed": passed,
    }
    return Result(frozenset({YES if passed else NO}), detail)


def reaches_quorum(participating: int, electorate: int | None, quorum: Fraction) -> bool:
    """Whether ``participating`` (the weight of every ballot) is at least ``quorum × electorate``.

    A zero quorum is always met, even without an electorate; any other quorum needs
    ``electorate``, the number of members entitled to vote, and is never met by an
    empty electorate. More participation than
    electorate means the ballots were counted wrong upstream, and is refused.
    """
    if not 0 <= quorum <= 1:
        raise ValueError(f"a quorum is a share from 0 to 1 (got {quorum})")
    if electorate is None:
        if quorum:
            raise ValueError("a quorum needs the size of the electorate")
        return True
    if participating > electorate:
        raise ValueError(
            f"the ballots weigh {participating} but the electorate has {electorate} members"
        )
    return quorum_met(participating, electorate, quorum) if quorum else True


def _check_choice(choice: str) -> None:
    if choice not in CHOICES:
        raise ValueError(f"a vote is yes, no or abstain (got {choice!r})")

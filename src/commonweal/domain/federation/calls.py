"""A network-wide vote's call, and subtotals: the sufficient statistic each precinct reports.

The *call* is the body of the alliance's ``federation.network_vote.called`` event;
it carries everything a member node needs to run its precinct (title, options,
method, the method's options, how long voting lasts, the weighting), so a
precinct can be opened from the alliance's log entry alone.

A *subtotal* is ``{"electorate": n, "ballots": k, "patterns": [[ballot, count], …]}``:
the precinct's electorate, how many of its members voted, and its ballots with
identical ones added up. Ballot patterns are a sufficient statistic for every
method here — yes/no counts, plurality counts, approval and score sums, the
pairwise matrix and the ranked profiles that instant-runoff and STV need are all
functions of them — and they add up exactly: the alliance's pooled patterns are
the patterns of all the ballots cast anywhere.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.federation.charter import MAX_SECONDS, WEIGHTINGS
from commonweal.domain.fields import optional_text, required_text
from commonweal.domain.governance.ballots import check_ballot
from commonweal.domain.governance.constitution import METHODS, PAIRWISE_METHODS
from commonweal.domain.governance.records import STATUS_QUO
from commonweal.domain.governance.turnout import Frozen, Turnout
from commonweal.domain.words import Number

NETWORK_METHODS = METHODS - {"double_majority"}
"""Any method a precinct can count; a double majority is a weighting, not a ballot."""
MAX_OPTIONS = 20
MAX_PATTERNS = 100_000
_LABEL = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_KIND = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


def parse_call(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"kind", "title", "text"?, "options", "method", "method_options", "voting_seconds",
    "weighting"}`` in normal form."""
    allowed = {
        "kind",
        "title",
        "text",
        "options",
        "method",
        "method_options",
        "voting_seconds",
        "weighting",
    }
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise InvalidBody("unexpected call member(s): %(names)s", names=", ".join(unknown))
    kind, method, weighting = body.get("kind"), body.get("method"), body.get("weighting")
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise InvalidBody("kind must name a kind of proposal of the alliance's constitution")
    if method not in NETWORK_METHODS:
        raise InvalidBody(
            "method must be one of %(names)s", names=", ".join(sorted(NETWORK_METHODS))
        )
    if weighting not in WEIGHTINGS:
        raise InvalidBody("weighting must be one of %(names)s", names=", ".join(WEIGHTINGS))
    options = body.get("options")
    if (
        not isinstance(options, list)
        or not all(isinstance(o, str) and _LABEL.match(o) and o != STATUS_QUO for o in options)
        or len(set(options)) != len(options)
    ):
        raise InvalidBody("options must be distinct labels (lower-case letters, digits, dashes)")
    if method == "yes_no" and len(options) != 1:
        raise InvalidBody("a yes/no vote has exactly one option: the proposition")
    if method != "yes_no" and not 2 <= len(options) <= MAX_OPTIONS:
        raise InvalidBody(
            "a %(method)s vote has 2 to %(max_options)s options",
            method=method,
            max_options=MAX_OPTIONS,
        )
    method_options = body.get("method_options", {})
    if not isinstance(method_options, dict):
        raise InvalidBody("method_options must be an object")
    seconds = body.get("voting_seconds")
    if type(seconds) is not int or not 1 <= seconds <= MAX_SECONDS:
        raise InvalidBody(
            "voting_seconds must be an integer from 1 to %(max_seconds)s",
            max_seconds=Number(MAX_SECONDS),
        )
    return {
        "kind": kind,
        "title": required_text(body, "title", max_length=200),
        "text": optional_text(body, "text", max_length=20_000),
        "options": list(options),
        "method": method,
        "method_options": dict(sorted(method_options.items())),
        "voting_seconds": seconds,
        "weighting": weighting,
    }


def ballot_options(call: Mapping[str, Any]) -> list[str]:
    """The options a ballot may name: the call's, and the status quo where the method ranks it."""
    options = list(call["options"])
    if call["method"] in PAIRWISE_METHODS and call["method_options"].get("status_quo"):
        options.append(STATUS_QUO)
    return options


def canonical(ballot: Mapping[str, Any]) -> str:
    """A ballot's canonical text: identical ballots have identical text."""
    return json.dumps(ballot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def subtotal_of(ballots: Iterable[Mapping[str, Any]], electorate: int) -> dict[str, Any]:
    """The subtotal of some (already checked) ballots: identical ones counted together."""
    counts: Counter[str] = Counter()
    first: dict[str, Mapping[str, Any]] = {}
    for ballot in ballots:
        text = canonical(ballot)
        counts[text] += 1
        first.setdefault(text, ballot)
    patterns = [[dict(first[text]), counts[text]] for text in sorted(counts)]
    return {"electorate": electorate, "ballots": sum(counts.values()), "patterns": patterns}


def parse_subtotal(value: Any, call: Mapping[str, Any]) -> dict[str, Any]:
    """A reported subtotal, every ballot checked against the call and put in normal form."""
    if not isinstance(value, dict) or set(value) != {"electorate", "ballots", "patterns"}:
        raise InvalidBody('a subtotal is {"electorate", "ballots", "patterns"}')
    electorate, total, patterns = value["electorate"], value["ballots"], value["patterns"]
    if type(electorate) is not int or type(total) is not int or not 0 <= total <= electorate:
        raise InvalidBody("electorate and ballots are whole numbers, ballots at most electorate")
    if not isinstance(patterns, list) or len(patterns) > MAX_PATTERNS:
        raise InvalidBody(
            "patterns must be a list of at most %(max_patterns)s [ballot, count]",
            max_patterns=Number(MAX_PATTERNS),
        )
    options = ballot_options(call)
    normal: dict[str, list[Any]] = {}
    for position, pattern in enumerate(patterns):
        if not isinstance(pattern, list) or len(pattern) != 2:
            raise InvalidBody("patterns[%(position)s] is not [ballot, count]", position=position)
        ballot, count = pattern
        if type(count) is not int or count < 1 or not isinstance(ballot, dict):
            raise InvalidBody(
                "patterns[%(position)s] needs a ballot and a positive count", position=position
            )
        checked = check_ballot(call["method"], call["method_options"], ballot, options)
        text = canonical(checked)
        if text in normal:
            raise InvalidBody(
                "patterns[%(position)s] repeats a ballot already counted", position=position
            )
        normal[text] = [checked, count]
    if sum(count for _ballot, count in normal.values()) != total:
        raise InvalidBody("the pattern counts do not add up to the number of ballots")
    return {
        "electorate": electorate,
        "ballots": total,
        "patterns": [normal[text] for text in sorted(normal)],
    }


def pool(subtotals: Iterable[Mapping[str, Any]]) -> list[tuple[dict[str, Any], int]]:
    """Several subtotals' patterns added up, in canonical order."""
    counts: Counter[str] = Counter()
    first: dict[str, dict[str, Any]] = {}
    for subtotal in subtotals:
        for ballot, count in subtotal["patterns"]:
            text = canonical(ballot)
            counts[text] += count
            first.setdefault(text, ballot)
    return [(first[text], counts[text]) for text in sorted(counts)]


@dataclass(frozen=True)
class PooledTurnout(Turnout):
    """A turnout given as ballot patterns rather than voters: what the counters need.

    Nothing is delegated at this level (each precinct counted its own members'
    ballots), so every counted ballot is a direct vote.
    """

    pooled: tuple[tuple[dict[str, Any], int], ...] = ()

    @property
    def direct_voters(self) -> int:
        """How many ballots were cast in all."""
        return sum(count for _ballot, count in self.pooled)

    @property
    def delegated_weight(self) -> int:
        """None: precincts report direct ballots."""
        return 0

    def patterns(self, freeze: Callable[[dict[str, Any]], Frozen]) -> list[tuple[Frozen, int]]:
        """The pooled patterns, frozen for the counter (equal frozen forms merged)."""
        totals: Counter[Frozen] = Counter()
        for ballot, count in self.pooled:
            totals[freeze(ballot)] += count
        return sorted(totals.items(), key=lambda pattern: repr(pattern[0]))


def pooled_turnout(electorate: int, patterns: Iterable[tuple[dict[str, Any], int]]) -> Turnout:
    """A :class:`PooledTurnout` of ``electorate`` voters and these patterns."""
    return PooledTurnout(
        electorate=electorate, cast={}, extra={}, lost_delegations=0, pooled=tuple(patterns)
    )

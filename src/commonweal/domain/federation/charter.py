"""An alliance's charter: the ``alliance`` section of its constitution.

An alliance is a node whose members are nodes (each admitted by its node key).
Its constitution says how network-wide votes are weighed and timed:

```json
"alliance": {"weighting": "per_capita", "voting_seconds": 604800, "report_seconds": 86400}
```

- ``weighting``: ``per_capita`` (every member of every member node counts once: the
  precincts' ballots are pooled), ``one_node_one_vote`` (each member node casts the
  decision of its own members) or ``double_majority`` (the nodes' decisions, weighed
  by node and by population, with ``states_share``, ``population_share`` and
  ``blocking_minority`` as in the Council of the EU);
- ``voting_seconds``: how long members of the member nodes vote after a call;
- ``report_seconds``: how long after that member nodes may report their subtotals.

The section is optional: a constitution without it is not an alliance's.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.governance.shares import parse_share
from commonweal.domain.words import Number

PER_CAPITA = "per_capita"
ONE_NODE_ONE_VOTE = "one_node_one_vote"
DOUBLE_MAJORITY = "double_majority"
WEIGHTINGS = (PER_CAPITA, ONE_NODE_ONE_VOTE, DOUBLE_MAJORITY)
MAX_SECONDS = 366 * 86_400
EU_RULE = {"states_share": "55/100", "population_share": "65/100", "blocking_minority": 4}


def parse_alliance(value: Any) -> dict[str, Any]:
    """The alliance section in normal form (defaults filled in, fixed key order)."""
    if not isinstance(value, dict):
        raise InvalidBody("alliance must be an object")
    allowed = {"weighting", "voting_seconds", "report_seconds", *EU_RULE}
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise InvalidBody("alliance: unexpected member(s) %(names)s", names=", ".join(unknown))
    weighting = value.get("weighting", PER_CAPITA)
    if weighting not in WEIGHTINGS:
        raise InvalidBody(
            "alliance.weighting must be one of %(names)s", names=", ".join(WEIGHTINGS)
        )
    section: dict[str, Any] = {
        "weighting": weighting,
        "voting_seconds": _seconds(value.get("voting_seconds", 7 * 86_400), "voting_seconds"),
        "report_seconds": _seconds(value.get("report_seconds", 86_400), "report_seconds"),
    }
    if weighting == DOUBLE_MAJORITY:
        for share in ("states_share", "population_share"):
            section[share] = value.get(share, EU_RULE[share])
            parse_share(section[share], f"alliance.{share}")
        minority = value.get("blocking_minority", EU_RULE["blocking_minority"])
        if type(minority) is not int or not 0 <= minority <= 1000:
            raise InvalidBody("alliance.blocking_minority must be an integer from 0 to 1,000")
        section["blocking_minority"] = minority
    elif set(value) & set(EU_RULE):
        raise InvalidBody("shares and a blocking minority apply to a double majority only")
    return section


def _seconds(value: Any, name: str) -> int:
    if type(value) is not int or not 1 <= value <= MAX_SECONDS:
        raise InvalidBody(
            "alliance.%(name)s must be an integer from 1 to %(high)s",
            name=name,
            high=Number(MAX_SECONDS),
        )
    return value

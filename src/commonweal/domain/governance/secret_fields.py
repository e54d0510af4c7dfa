"""A ballot as a list of small integers, the form a sealed (encrypted) ballot takes.

Exponential ElGamal encrypts small integers, so a secret ballot is a list of
*fields*, each with a range its proof shows it in. Every method has a layout, over
the options in the order ``ballots.options_of`` gives:

| method | fields | each in |
| --- | --- | --- |
| yes_no | one: yes, no, abstain as 0, 1, 2 | 0…2 |
| consent | one: consent, stand_aside, object as 0, 1, 2 | 0…2 |
| plurality | one: the option's position | 0…k−1 |
| approval | one per option: 1 approved | 0…1 |
| score, star | one per option: its score | 0…max_score |
| quadratic | one per option: votes + m, m = ⌊√credits⌋ | 0…2m |
| instant_runoff, stv, schulze, ranked_pairs | one per option: its rank, 1 best, 0 unranked | 0…k |

What the range proofs cannot show (a quadratic ballot's total cost, two options
ranked equal where the method needs a strict order, a ranking with nothing ranked)
is checked after decryption: such a ballot is *spoiled*, listed by its leaf index in
the result and not counted, like a spoiled paper ballot. A secret consent ballot
carries no reason: an objection's reason is argued in the discussion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from math import isqrt
from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.governance.ballots import CHOICES, POSITIONS, check_ballot

RANKED = frozenset({"instant_runoff", "stv", "schulze", "ranked_pairs"})


def field_ranges(method: str, opts: Mapping[str, Any], options: Sequence[str]) -> list[int]:
    """The highest value of each field (the lowest is always 0)."""
    k = len(options)
    if method in ("yes_no", "consent"):
        return [2]
    if method == "plurality":
        return [k - 1]
    if method == "approval":
        return [1] * k
    if method in ("score", "star"):
        return [int(opts["max_score"])] * k
    if method == "quadratic":
        return [2 * isqrt(int(opts["credits"]))] * k
    if method in RANKED:
        return [k] * k
    raise InvalidBody(
        "the %(method)s method has no secret ballot", method=method, code="invalid_ballot"
    )


def encode(
    method: str, opts: Mapping[str, Any], options: Sequence[str], ballot: Mapping[str, Any]
) -> list[int]:
    """A ballot (checked and put in normal form first) as its fields."""
    normal = check_ballot(method, opts, ballot, options)
    if method == "yes_no":
        return [CHOICES.index(normal["choice"])]
    if method == "consent":
        return [POSITIONS.index(normal["position"])]
    if method == "plurality":
        return [list(options).index(normal["choice"])]
    if method == "approval":
        return [int(o in normal["approve"]) for o in options]
    if method in ("score", "star"):
        return [normal["scores"].get(o, 0) for o in options]
    if method == "quadratic":
        offset = isqrt(int(opts["credits"]))
        return [normal["votes"].get(o, 0) + offset for o in options]
    if method in RANKED:
        ranks = {}
        for position, element in enumerate(normal["ranking"], start=1):
            for option in element if isinstance(element, list) else [element]:
                ranks[option] = position
        return [ranks.get(o, 0) for o in options]
    raise InvalidBody(
        "the %(method)s method has no secret ballot", method=method, code="invalid_ballot"
    )


def decode(
    method: str, opts: Mapping[str, Any], options: Sequence[str], fields: Sequence[int]
) -> dict[str, Any]:
    """The ballot in normal form from its decrypted fields, or ``InvalidBody`` (spoiled)."""
    if len(fields) != len(field_ranges(method, opts, options)):
        raise InvalidBody("the ballot has the wrong number of fields")
    if method == "consent":
        return {"position": POSITIONS[fields[0]], "reason": ""}
    if method == "yes_no":
        ballot: dict[str, Any] = {"choice": CHOICES[fields[0]]}
    elif method == "plurality":
        ballot = {"choice": options[fields[0]]}
    elif method == "approval":
        ballot = {"approve": [o for o, f in zip(options, fields, strict=True) if f]}
    elif method in ("score", "star"):
        ballot = {"scores": {o: f for o, f in zip(options, fields, strict=True) if f}}
    elif method == "quadratic":
        offset = isqrt(int(opts["credits"]))
        votes = {o: f - offset for o, f in zip(options, fields, strict=True) if f != offset}
        ballot = {"votes": votes}
    else:
        ballot = {"ranking": _ranking(options, fields)}
    return check_ballot(method, opts, ballot, options)


def _ranking(options: Sequence[str], ranks: Sequence[int]) -> list[Any]:
    tiers: dict[int, list[str]] = {}
    for option, rank in zip(options, ranks, strict=True):
        if rank:
            tiers.setdefault(rank, []).append(option)
    return [tier[0] if len(tier) == 1 else tier for _rank, tier in sorted(tiers.items())]

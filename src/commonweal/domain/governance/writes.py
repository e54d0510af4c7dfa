"""Who may write, and how much: the constitution's write policy.

A few event types may be authored by a key that is not a member: a notary
attestation, an application to join. Left open without limit, anyone can add
entries to the permanent log that every mirror copies forever. The constitution's
``writes`` section says, for each such type, whether it is open to anyone or to
members only, how many bits of proof of work an anonymous author must attach
(``body.pow``, see ``core.work``), and how many such entries one key may add per
hour; and, for the node as a whole, how many entries keys that are not members may
add per hour.

Every check here is decided by the log alone — the author's standing, the event's
signed bytes, and the receipt times of earlier entries — so ``verify`` rechecks it
by replay. (The limits per client address are not in the log: they are the edge's,
``web.ratelimit``, and the operator's, in node.json.) Members in good standing and
the node itself are never limited here. Hours are UTC clock hours of the receipt
time: a fixed window, so up to twice a budget can land around the turn of an hour.

A node whose constitution has no ``writes`` section (every node created before this
section existed) has no write policy in its log until an ``amend`` proposal adds one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from commonweal.domain.errors import InvalidBody, NotPermitted, OverBudget
from commonweal.domain.fields import only
from commonweal.domain.membership.records import in_good_standing
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.words import Number

WRITES = "governance.writes"
"""State table: ``"hour"`` → ``{"hour", "total", "keys"}``, the anonymous entries of the
current UTC hour (in all, and per key)."""

OPEN_TYPES = ("membership.application.submitted", "notary.document.attested")
"""The event types a key that is not a member may author, which a write policy governs."""

PROVEN_TYPES = ("governance.ballot.sealed",)
"""Types authored by one-time keys that prove a right to write instead of membership: a
sealed ballot carries a token the node signed for one member, usable once, and its rule
refuses it without one, so it is neither counted against nor limited by the anonymous
budget (docs/secret-ballots.md)."""

MAX_WORK_BITS = 32
MAX_PER_HOUR = 1_000_000

DEFAULT_WRITES: dict[str, Any] = {
    "anonymous_per_hour": 1000,
    "types": {
        "membership.application.submitted": {
            "who": "open",
            "work_bits": 0,
            "per_key_per_hour": 0,
        },
        "notary.document.attested": {"who": "open", "work_bits": 16, "per_key_per_hour": 10},
    },
}
"""What a new node adopts: anyone may apply (one application per key, as the rule
already says) and attest with a small proof of work (about 65,000 hashes: well under a
second in a browser) and at most ten attestations per key an hour; at most 1,000
entries an hour from keys that are not members, in all."""


def parse_writes(value: Any) -> dict[str, Any]:
    """A ``writes`` section in normal form (every type's rules filled in)."""
    if not isinstance(value, dict):
        raise InvalidBody("writes must be an object with anonymous_per_hour and types")
    only(value, {"anonymous_per_hour", "types"}, {"anonymous_per_hour"}, where="writes")
    types = value.get("types", {})
    if not isinstance(types, dict):
        raise InvalidBody("writes.types must be an object keyed by event type")
    unknown = sorted(set(types) - set(OPEN_TYPES))
    if unknown:
        raise InvalidBody(
            "writes.types: %(type)s is not a type keys that are not members may author; the write "
            "policy covers %(open_types)s",
            type=repr(unknown[0]),
            open_types=", ".join(OPEN_TYPES),
        )
    return {
        "anonymous_per_hour": _count(value["anonymous_per_hour"], "writes.anonymous_per_hour"),
        "types": {name: _type_rules(types[name], name) for name in sorted(types)},
    }


def _type_rules(value: Any, name: str) -> dict[str, Any]:
    where = f"writes.types.{name}"
    if not isinstance(value, dict):
        raise InvalidBody("%(where)s must be an object", where=where)
    only(value, {"who", "work_bits", "per_key_per_hour"}, {"who"}, where=where)
    if value["who"] not in ("open", "members"):
        raise InvalidBody('%(where)s.who must be "open" or "members"', where=where)
    bits = value.get("work_bits", 0)
    if type(bits) is not int or not 0 <= bits <= MAX_WORK_BITS:
        raise InvalidBody(
            "%(where)s.work_bits must be an integer from 0 to %(max_work_bits)s",
            where=where,
            max_work_bits=MAX_WORK_BITS,
        )
    return {
        "who": value["who"],
        "work_bits": bits,
        "per_key_per_hour": _count(value.get("per_key_per_hour", 0), f"{where}.per_key_per_hour"),
    }


def _count(value: Any, where: str) -> int:
    if type(value) is not int or not 0 <= value <= MAX_PER_HOUR:
        raise InvalidBody(
            "%(where)s must be an integer from 0 to %(max_per_hour)s (0: no limit)",
            where=where,
            max_per_hour=Number(MAX_PER_HOUR),
        )
    return value


def write_policy(state: State) -> dict[str, Any] | None:
    """The ``writes`` section of the constitution in force, if it has one."""
    constitution: dict[str, Any] | None = state.get("governance.constitution", "constitution")
    return None if constitution is None else constitution.get("writes")


def is_anonymous(state: State, ctx: Context) -> bool:
    """Neither the node itself nor a member in good standing."""
    return ctx.author != ctx.node_key and not in_good_standing(state, ctx.author)


def admit_write(state: State, ctx: Context, work_bits: Callable[[], int]) -> None:
    """Refuse an anonymous event the write policy does not allow, and count the rest.

    ``work_bits`` gives the leading zero bits of the event's work digest (computed only
    when the type asks for work). Runs before the type's own rule, with the state as it
    was before the event, so an application that admits its author at once still counts.
    """
    policy = write_policy(state)
    if policy is None or ctx.type in PROVEN_TYPES or not is_anonymous(state, ctx):
        return
    rules = policy["types"].get(ctx.type)
    if rules is not None:
        require_open(rules, ctx)
        require_work(rules, work_bits)
    hour = ctx.received[:13]
    window = state.get(WRITES, "hour")
    if window is None or window["hour"] != hour:
        window = {"hour": hour, "total": 0, "keys": {}}
    budget = policy["anonymous_per_hour"]
    if budget and window["total"] >= budget:
        raise OverBudget(
            "this node accepts at most %(budget)s entries an hour from keys that are not members, "
            "and this hour's are spent; try again after %(hour)s:59:59Z",
            budget=budget,
            hour=hour,
            code="anonymous_budget",
        )
    mine = window["keys"].get(ctx.author, 0)
    quota = rules["per_key_per_hour"] if rules is not None else 0
    if quota and mine >= quota:
        raise OverBudget(
            "a key that is not a member may add at most %(quota)s %(type)s entries an hour",
            quota=quota,
            type=ctx.type,
            code="key_quota",
        )
    keys = {**window["keys"], ctx.author: mine + 1} if quota else window["keys"]
    state.put(WRITES, "hour", {"hour": hour, "total": window["total"] + 1, "keys": keys})


def require_open(rules: dict[str, Any], ctx: Context) -> None:
    """Types for members only refuse everyone else."""
    if rules["who"] == "members":
        raise NotPermitted(
            "on this node only members may author %(type)s", type=ctx.type, code="members_only"
        )


def require_work(rules: dict[str, Any], work_bits: Callable[[], int]) -> None:
    """An anonymous author attaches the proof of work the type asks for."""
    needed = rules["work_bits"]
    if needed and work_bits() < needed:
        raise NotPermitted(
            "an event of this type by a key that is not a member needs %(needed)s bits of proof "
            "of work: a nonce in body.pow such that SHA-256 of the signed bytes starts with "
            '%(needed)s zero bits (docs/protocol.md, "Who may write")',
            needed=needed,
            code="work_required",
        )

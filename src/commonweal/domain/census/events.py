"""The census's two events: a steward's request, and the census the node takes.

``census.requested`` (signed by a member holding ``node.profile``) asks for a census
now; ``census.taken`` is authored by the node itself, on the rhythm the constitution
sets (``census.every_seconds``) or to answer a pending request. Its rule recomputes
every figure from the state at its own index and refuses a census whose figures, or
whose place in the sequence of epochs, do not match — so a node cannot log one, and
``verify`` flags one found in a store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.census.figures import Epoch, figures
from commonweal.domain.census.records import CENSUSES, META
from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.fields import only, optional_text, sha256_digest
from commonweal.domain.governance.constitution import CONSTITUTION
from commonweal.domain.membership.records import require_permission
from commonweal.domain.registry import Context, EventType, require_node_key
from commonweal.domain.state import State
from commonweal.domain.timestamps import later, reached
from commonweal.domain.words import N_

REQUESTED = "census.requested"
TAKEN = "census.taken"
REQUEST_PERMISSION = "node.profile"
"""Stewards hold it: asking for a census is an act on behalf of the node."""
REASONS = ("scheduled", "requested")
FIGURES = (
    "members",
    "joined",
    "left",
    "active",
    "gatherings",
    "attendance",
    "funds",
    "places",
    "area_m2",
    "capacity",
)


def latest(state: State) -> dict[str, Any] | None:
    """The latest census taken (its body, index and time), or None."""
    count: int = state.get(META, "latest", 0)
    if count == 0:
        return None
    record: dict[str, Any] = state.get(CENSUSES, count)
    return record


def next_epoch(state: State, *, size: int, until: str) -> Epoch:
    """The epoch a census taken now (at index ``size``, time ``until``) would cover."""
    previous = latest(state)
    if previous is None:
        return Epoch(first=0, size=size, since=None, until=until)
    return Epoch(first=previous["index"], size=size, since=previous["at"], until=until)


def due_reason(state: State, now: str) -> str | None:
    """Why a census is due at ``now``: a pending request, the constitution's rhythm, or None."""
    if state.get(META, "pending") is not None:
        return "requested"
    return "scheduled" if scheduled_due(state, now) else None


def scheduled_due(state: State, now: str) -> bool:
    """Whether the constitution's rhythm calls for a census at ``now``."""
    constitution = state.get(CONSTITUTION, "constitution") or {}
    every = (constitution.get("census") or {}).get("every_seconds")
    if every is None:
        return False
    previous = latest(state)
    return previous is None or reached(now, later(previous["at"], every))


def census_body(
    state: State, *, size: int, until: str, reason: str, members_root: str
) -> dict[str, Any]:
    """The body of the census the node would log at index ``size`` and time ``until``."""
    epoch = next_epoch(state, size=size, until=until)
    previous = latest(state)
    return {
        "epoch": (previous["body"]["epoch"] if previous else 0) + 1,
        "size": size,
        "from": epoch.first,
        "since": epoch.since,
        "reason": reason,
        "figures": figures(state, epoch),
        "members_root": members_root,
    }


# -- census.requested -----------------------------------------------------------------


def parse_request(body: Mapping[str, Any]) -> str:
    """``{"note"?: text}``: why the steward asks (shown with the census)."""
    only(body, {"note"})
    return optional_text(body, "note", max_length=500)


def apply_request(state: State, ctx: Context, note: str) -> None:
    """A steward asks for a census; one request is pending at a time."""
    require_permission(state, ctx, REQUEST_PERMISSION)
    if state.get(META, "pending") is not None:
        raise Conflict("a census was already asked for and is being taken", code="census_pending")
    request = {"by": ctx.author, "index": ctx.index, "at": ctx.received, "note": note}
    state.put(META, "pending", request)


# -- census.taken ---------------------------------------------------------------------


def parse_census(body: Mapping[str, Any]) -> dict[str, Any]:
    """The census body (see :func:`census_body`); figures are checked by the rule."""
    only(
        body,
        {"epoch", "size", "from", "since", "reason", "figures", "members_root", "people_root"},
        {"epoch", "size", "from", "since", "reason", "figures", "members_root"},
    )
    for name in ("epoch", "size", "from"):
        if type(body[name]) is not int or body[name] < 0:
            raise InvalidBody("%(name)s must be a non-negative integer", name=name)
    if body["since"] is not None and not isinstance(body["since"], str):
        raise InvalidBody("since must be the previous census's time, or null")
    if body["reason"] not in REASONS:
        raise InvalidBody("reason must be one of %(names)s", names=", ".join(REASONS))
    sha256_digest(body, "members_root")
    if "people_root" in body:  # a per-person commitment, for the network's count of people
        sha256_digest(body, "people_root")
    shown = body["figures"]
    if not isinstance(shown, dict) or set(shown) != set(FIGURES):
        raise InvalidBody("figures must have exactly: %(names)s", names=", ".join(FIGURES))
    normal: dict[str, Any] = normal_form(body)
    return normal


def normal_form(value: Any) -> Any:
    """``value`` with every object's names in sorted order: the form kept in the state,
    the same whether the body came from an event's canonical bytes or was built here."""
    if isinstance(value, Mapping):
        return {name: normal_form(value[name]) for name in sorted(value)}
    if isinstance(value, list):
        return [normal_form(item) for item in value]
    return value


def apply_census(state: State, ctx: Context, body: dict[str, Any]) -> None:
    """The node logs a census: its place in the epochs, its reason and every figure must match."""
    require_node_key(
        ctx, refusal=N_("only the node itself takes a census (a steward asks for one)")
    )
    if body["size"] != ctx.index:
        raise Conflict(
            "a census logged at index %(index)s covers size %(index)s, not %(size)s",
            code="census_mismatch",
            index=ctx.index,
            size=body["size"],
        )
    if body["reason"] == "requested" and state.get(META, "pending") is None:
        raise Conflict("no census was asked for", code="census_not_due")
    if body["reason"] == "scheduled" and not scheduled_due(state, ctx.received):
        raise Conflict("no census is due yet by the constitution's rhythm", code="census_not_due")
    expected = census_body(
        state,
        size=ctx.index,
        until=ctx.received,
        reason=body["reason"],
        members_root=body["members_root"],
    )
    if "people_root" in body:
        expected["people_root"] = body["people_root"]
    if body != expected:
        wrong = sorted(
            name for name in set(expected) | set(body) if body.get(name) != expected.get(name)
        )
        details = [
            f"{k}: logged {body['figures'].get(k)!r}, recomputed {v!r}"
            for k, v in expected["figures"].items()
            if body["figures"].get(k) != v
        ]
        if details:
            raise Conflict(
                "the census does not match the log at size %(size)s: %(names)s (%(details)s)",
                code="census_mismatch",
                size=ctx.index,
                names=", ".join(wrong),
                details="; ".join(details),
            )
        raise Conflict(
            "the census does not match the log at size %(size)s: %(names)s",
            code="census_mismatch",
            size=ctx.index,
            names=", ".join(wrong),
        )
    epoch = body["epoch"]
    state.put(CENSUSES, epoch, {"body": body, "index": ctx.index, "at": ctx.received})
    state.put(META, "latest", epoch)
    if body["reason"] == "requested":
        state.delete(META, "pending")


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(REQUESTED, "A steward asks for a census now.", parse_request, apply_request),
    EventType(
        TAKEN,
        "The node takes its census (every figure recomputed by the rule).",
        parse_census,
        apply_census,
    ),
)

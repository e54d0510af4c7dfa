"""Registering a place, describing it anew, and closing it (letting it go).

Who: a member holding ``commons.register`` (stewards, by default), or the node itself
(which is how a passed decision's actions run). What funded a place is named by the ids
the log gave it — the campaign that raised the money (it must have succeeded), the
proposal that decided the purchase (it must have passed), the ledger entry that paid
(it must exist) — so "crowdfund the land" → a decision → a purchase → a place can be
followed entry by entry. Every refusal has its own code (docs/protocol.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from commonweal.domain.campaigns.records import CAMPAIGNS, STATUS_WORDS, SUCCEEDED
from commonweal.domain.commons.records import RESOURCES
from commonweal.domain.errors import Conflict, InvalidBody, NotFound
from commonweal.domain.fields import MAX_AMOUNT, matching, only, optional_text, ref, required_text
from commonweal.domain.governance.records import CLOSED, PROPOSALS
from commonweal.domain.membership.records import require_permission
from commonweal.domain.places.location import parse_location
from commonweal.domain.places.records import (
    CAPACITIES,
    CO_OWNED,
    KINDS,
    PERMISSION,
    PLACES,
    TENURES,
    place,
)
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.timestamps import moment
from commonweal.domain.treasury.records import ENTRIES
from commonweal.domain.words import Number

REGISTERED = "places.place.registered"
UPDATED = "places.place.updated"
CLOSED_EVENT = "places.place.closed"
MAX_NAME = 200
MAX_TEXT = 5000
MAX_RESOURCES = 50
MAX_CAPACITY = 1_000_000
FUNDING = ("campaign", "proposal", "entry")
FIELDS = (
    "name",
    "kind",
    "description",
    "location",
    "area_m2",
    "capacity",
    "tenure",
    "shares",
    "since",
    "resources",
    "funding",
)
REQUIRED = frozenset({"name", "kind", "location", "area_m2", "tenure", "since"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Registration:
    """Body of ``places.place.registered``: ``{name, kind, description?, location: {lat, lon},
    area_m2, capacity?: {beds?, seats?}, tenure, shares?: {held, of}, since, resources?: [id],
    funding?: {campaign?, proposal?, entry?}}``."""

    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Update:
    """Body of ``places.place.updated``: ``{place, …}`` with any registration member to change."""

    place: int
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Closing:
    """Body of ``places.place.closed``: ``{place, reason?}`` — the place is no longer held."""

    place: int
    reason: str


def parse_registration(body: Mapping[str, Any]) -> Registration:
    """A new place, every required member present."""
    only(body, set(FIELDS), REQUIRED)
    fields = _parse_fields(body)
    fields.setdefault("description", "")
    fields["capacity"] = {"beds": 0, "seats": 0, **fields.get("capacity", {})}
    fields.setdefault("shares", None)
    fields.setdefault("resources", [])
    fields.setdefault("funding", None)
    _check_shares(fields)
    return Registration(fields)


def parse_update(body: Mapping[str, Any]) -> Update:
    """A change to some of a place's members (at least one)."""
    only(body, {"place", *FIELDS}, {"place"})
    if set(body) == {"place"}:
        raise InvalidBody("an update changes at least one member of the place")
    return Update(ref(body, "place"), _parse_fields(body))


def parse_closing(body: Mapping[str, Any]) -> Closing:
    """Which place is let go, and why."""
    only(body, {"place", "reason"}, {"place"})
    return Closing(ref(body, "place"), optional_text(body, "reason", max_length=MAX_TEXT))


def apply_registration(state: State, ctx: Context, new: Registration) -> None:
    """A holder of ``commons.register`` (or the node) registers a place."""
    require_permission(state, ctx, PERMISSION)
    _require_known(state, new.fields)
    state.put(
        PLACES,
        ctx.index,
        {
            "id": ctx.index,
            **new.fields,
            "registered_by": ctx.author,
            "registered_at": ctx.received,
            "updated_at": ctx.received,
            "closed": None,
        },
    )


def apply_update(state: State, ctx: Context, change: Update) -> None:
    """A holder of ``commons.register`` (or the node) describes a place anew."""
    require_permission(state, ctx, PERMISSION)
    record = _open_place(state, change.place)
    merged = {**record, **change.fields}
    merged["capacity"] = {**record["capacity"], **change.fields.get("capacity", {})}
    if "tenure" in change.fields and change.fields["tenure"] != CO_OWNED:
        merged["shares"] = change.fields.get("shares")
    _check_shares(merged)
    _require_known(state, change.fields)
    state.put(PLACES, change.place, {**merged, "updated_at": ctx.received})


def apply_closing(state: State, ctx: Context, closing: Closing) -> None:
    """A holder of ``commons.register`` (or the node) records that a place is no longer held."""
    require_permission(state, ctx, PERMISSION)
    record = _open_place(state, closing.place)
    state.put(
        PLACES,
        closing.place,
        {**record, "closed": {"at": ctx.received, "by": ctx.author, "reason": closing.reason}},
    )


def _open_place(state: State, place_id: int) -> dict[str, Any]:
    record = place(state, place_id)
    if record["closed"] is not None:
        raise Conflict(
            "place %(place)s was closed on %(at)s",
            code="place_closed",
            place=place_id,
            at=record["closed"]["at"],
        )
    return record


# -- the members' readers ------------------------------------------------------------


def _parse_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    return {name: READERS[name](body) for name in FIELDS if name in body}


def _kind(value: Any) -> str:
    if value not in KINDS:
        raise InvalidBody("kind must be one of %(kinds)s", kinds=", ".join(KINDS))
    return str(value)


def _area(value: Any) -> int:
    if type(value) is not int:
        raise InvalidBody("area_m2 must be a whole number of square metres")
    if value < 0:
        raise InvalidBody(
            "area_m2 must not be negative; got %(value)s", code="negative_area", value=value
        )
    if value > MAX_AMOUNT:
        raise InvalidBody("area_m2 may be at most %(most)s", most=Number(MAX_AMOUNT))
    return value


def _capacity(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise InvalidBody('capacity must be an object like {"beds": 4, "seats": 30}')
    only(value, set(CAPACITIES), where="capacity")
    counts = {}
    for name in CAPACITIES:
        if name not in value:
            continue
        count = value[name]
        if type(count) is not int or not 0 <= count <= MAX_CAPACITY:
            raise InvalidBody(
                "capacity.%(name)s must be a whole number from 0 to %(most)s",
                name=name,
                most=Number(MAX_CAPACITY),
            )
        counts[name] = count
    return counts


def _tenure(value: Any) -> str:
    if value not in TENURES:
        raise InvalidBody(
            "tenure must be one of %(tenures)s; got %(value)s",
            code="unknown_tenure",
            tenures=", ".join(TENURES),
            value=repr(value),
        )
    return str(value)


def _shares(value: Any) -> dict[str, int] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidBody(
            'shares must be an object like {"held": 1, "of": 4}', code="invalid_shares"
        )
    only(value, {"held", "of"}, {"held", "of"}, where="shares")
    held, whole = value["held"], value["of"]
    if type(held) is not int or type(whole) is not int or not 0 < held <= whole <= MAX_CAPACITY:
        raise InvalidBody(
            "shares: the node holds `held` parts of `of`, whole numbers with 0 < held ≤ of",
            code="invalid_shares",
        )
    return {"held": held, "of": whole}


def _check_shares(fields: Mapping[str, Any]) -> None:
    """Shares go with co-ownership, and co-ownership names them."""
    co_owned = fields.get("tenure") == CO_OWNED
    if co_owned and fields.get("shares") is None:
        raise InvalidBody(
            "a co-owned place says the node's shares: {held, of}", code="invalid_shares"
        )
    if not co_owned and fields.get("shares") is not None:
        raise InvalidBody("shares are for co-owned places only", code="invalid_shares")


def _since(value: Any) -> str:
    since = matching(value, _DATE, "since must be an RFC 3339 date like 2024-05-01")
    try:
        moment(f"{since}T00:00:00Z")
    except ValueError:
        raise InvalidBody("since is not a real date: %(since)s", since=since) from None
    return since


def _resources(value: Any) -> list[int]:
    if not isinstance(value, list) or len(value) > MAX_RESOURCES:
        raise InvalidBody(
            "resources must be a list of at most %(most)s resource ids", most=MAX_RESOURCES
        )
    ids = [ref({"resources": item}, "resources") for item in value]
    if len(set(ids)) != len(ids):
        raise InvalidBody("resources names a resource twice")
    return sorted(ids)


def _name(body: Mapping[str, Any]) -> str:
    return required_text(body, "name", max_length=MAX_NAME)


def _description(body: Mapping[str, Any]) -> str:
    return optional_text(body, "description", max_length=MAX_TEXT)


def _location(value: Any) -> dict[str, str]:
    return parse_location(value).as_body()


def _funding(value: Any) -> dict[str, int] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or not value:
        raise InvalidBody("funding must name a campaign, a proposal or a ledger entry (or several)")
    only(value, set(FUNDING), where="funding")
    return {name: ref(value, name) for name in FUNDING if name in value}


def _value_of(name: str, reader: Callable[[Any], Any], body: Mapping[str, Any]) -> Any:
    return reader(body[name])


READERS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "name": _name,
    "description": _description,
    **{
        name: partial(_value_of, name, reader)
        for name, reader in (
            ("kind", _kind),
            ("location", _location),
            ("area_m2", _area),
            ("capacity", _capacity),
            ("tenure", _tenure),
            ("shares", _shares),
            ("since", _since),
            ("resources", _resources),
            ("funding", _funding),
        )
    },
}
"""How each body member is read (the whole body for text members, the value for the rest)."""


# -- what the log must hold ----------------------------------------------------------


def _require_known(state: State, fields: Mapping[str, Any]) -> None:
    """Every resource held and everything named as funding is in the log, and in effect."""
    for resource_id in fields.get("resources") or ():
        if state.get(RESOURCES, resource_id) is None:
            raise NotFound(
                "there is no shared resource %(resource)s",
                code="unknown_resource",
                resource=resource_id,
            )
    funding = fields.get("funding") or {}
    if "campaign" in funding:
        campaign = state.get(CAMPAIGNS, funding["campaign"])
        if campaign is None:
            raise NotFound(
                "there is no campaign %(campaign)s",
                code="unknown_funding",
                campaign=funding["campaign"],
            )
        if campaign["status"] != SUCCEEDED:
            raise Conflict(
                "campaign %(campaign)s has not succeeded (%(status)s)",
                code="not_funded",
                campaign=funding["campaign"],
                status=STATUS_WORDS.get(campaign["status"], campaign["status"]),
            )
    if "proposal" in funding:
        proposal = state.get(PROPOSALS, funding["proposal"])
        if proposal is None:
            raise NotFound(
                "there is no proposal %(proposal)s",
                code="unknown_funding",
                proposal=funding["proposal"],
            )
        if proposal["phase"] != CLOSED or not proposal["outcome"]["passed"]:
            raise Conflict(
                "proposal %(proposal)s has not passed",
                code="not_funded",
                proposal=funding["proposal"],
            )
    if "entry" in funding and state.get(ENTRIES, funding["entry"]) is None:
        raise NotFound(
            "there is no ledger entry %(entry)s", code="unknown_funding", entry=funding["entry"]
        )

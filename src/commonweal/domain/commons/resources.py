"""The registry of shared resources, their rules, and monitoring reports on their condition.

A holder of ``commons.register`` registers a resource with its first rules. Its
stewards may then describe it anew; its rules change only by a passed proposal
(``commons.rules.set``). Anyone who may use a resource reports its condition;
only stewards and monitors take it out of service or bring it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.commons.access import require_rights
from commonweal.domain.commons.deposits import require_deposit_unit
from commonweal.domain.commons.records import (
    CONDITIONS,
    KINDS,
    OUT_OF_SERVICE,
    REPORTS,
    RESOURCES,
    booking,
    is_monitor,
    parse_ref,
    require_monitor,
    require_steward,
    resource,
)
from commonweal.domain.commons.rules import parse_rules
from commonweal.domain.errors import InvalidBody, NotPermitted
from commonweal.domain.fields import only, optional_text, required_text
from commonweal.domain.membership.records import (
    ROLES,
    require_active_member,
    require_permission,
)
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.words import WP_

REGISTERED = "commons.resource.registered"
UPDATED = "commons.resource.updated"
CONDITION_REPORTED = "commons.condition.reported"
MAX_TITLE = 200
MAX_TEXT = 5000


@dataclass(frozen=True, slots=True)
class Registration:
    """Body of ``commons.resource.registered``: ``{kind, title, description?, rules}``."""

    kind: str
    title: str
    description: str
    rules: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Description:
    """Body of ``commons.resource.updated``: ``{resource, title?, description?}``."""

    resource: int
    title: str | None
    description: str | None


@dataclass(frozen=True, slots=True)
class ConditionReport:
    """Body of ``commons.condition.reported``: ``{resource, condition, note?, booking?}``."""

    resource: int
    condition: str
    note: str
    booking: int | None


def parse_registration(body: Mapping[str, Any]) -> Registration:
    """A new resource: its kind, title, description and rules."""
    only(body, {"kind", "title", "description", "rules"})
    if body.get("kind") not in KINDS:
        raise InvalidBody("kind must be one of %(kinds)s", kinds=", ".join(KINDS))
    return Registration(
        kind=str(body["kind"]),
        title=required_text(body, "title", max_length=MAX_TITLE),
        description=optional_text(body, "description", max_length=MAX_TEXT),
        rules=parse_rules(body.get("rules")),
    )


def parse_description(body: Mapping[str, Any]) -> Description:
    """A new title or description (or both)."""
    only(body, {"resource", "title", "description"})
    if set(body) == {"resource"}:
        raise InvalidBody("an update changes the title, the description, or both")
    return Description(
        resource=parse_ref(body, "resource"),
        title=required_text(body, "title", max_length=MAX_TITLE) if "title" in body else None,
        description=(
            optional_text(body, "description", max_length=MAX_TEXT)
            if "description" in body
            else None
        ),
    )


def parse_condition(body: Mapping[str, Any]) -> ConditionReport:
    """A monitoring report: the condition found, a note, and the booking it follows."""
    only(body, {"resource", "condition", "note", "booking"})
    if body.get("condition") not in CONDITIONS:
        raise InvalidBody(
            "condition must be one of %(conditions)s", conditions=", ".join(CONDITIONS)
        )
    return ConditionReport(
        resource=parse_ref(body, "resource"),
        condition=str(body["condition"]),
        note=optional_text(body, "note", max_length=2000),
        booking=parse_ref(body, "booking") if "booking" in body else None,
    )


def apply_registration(state: State, ctx: Context, new: Registration) -> None:
    """A holder of ``commons.register`` registers a resource with its first rules."""
    require_permission(state, ctx, "commons.register")
    require_people(state, new.rules)
    require_deposit_unit(state, new.rules)
    state.put(
        RESOURCES,
        ctx.index,
        {
            "id": ctx.index,
            "kind": new.kind,
            "title": new.title,
            "description": new.description,
            "registered_by": ctx.author,
            "registered_at": ctx.received,
            "rules": new.rules,
            "rules_version": 1,
            "rules_changed_at": ctx.received,
            "condition": "good",
            "last_report": None,
        },
    )


def apply_description(state: State, ctx: Context, change: Description) -> None:
    """A steward renames or redescribes the resource (its rules are not theirs to change)."""
    record = resource(state, change.resource)
    require_steward(record, ctx, WP_("to do", "describe it"))
    state.put(
        RESOURCES,
        change.resource,
        {
            **record,
            "title": record["title"] if change.title is None else change.title,
            "description": (
                record["description"] if change.description is None else change.description
            ),
        },
    )


def set_rules(state: State, ctx: Context, resource_id: int, rules: dict[str, Any]) -> None:
    """Put new rules in force (run by a passed proposal's ``commons.rules.set`` action)."""
    record = resource(state, resource_id)
    require_people(state, rules)
    require_deposit_unit(state, rules)
    state.put(
        RESOURCES,
        resource_id,
        {
            **record,
            "rules": rules,
            "rules_version": record["rules_version"] + 1,
            "rules_changed_at": ctx.received,
        },
    )


def apply_condition(state: State, ctx: Context, report: ConditionReport) -> None:
    """Users, monitors and stewards report the condition they found.

    Only stewards and monitors take a resource out of service, or bring it back.
    """
    record = resource(state, report.resource)
    monitor = ctx.author == ctx.node_key or is_monitor(record, ctx.author)
    if not monitor:
        require_rights(state, record, ctx.author, ctx.received)
    if OUT_OF_SERVICE in (report.condition, record["condition"]):
        require_monitor(record, ctx, WP_("to do", "take it out of service or bring it back"))
    if report.booking is not None and booking(state, report.booking)["resource"] != record["id"]:
        raise InvalidBody(
            "booking %(booking)s is not a booking of %(title)s",
            booking=report.booking,
            title=repr(record["title"]),
        )
    state.put(
        REPORTS,
        ctx.index,
        {
            "id": ctx.index,
            "resource": record["id"],
            "author": ctx.author,
            "at": ctx.received,
            "condition": report.condition,
            "note": report.note,
            "booking": report.booking,
        },
    )
    state.put(
        RESOURCES,
        record["id"],
        {**record, "condition": report.condition, "last_report": ctx.index},
    )


def require_people(state: State, rules: Mapping[str, Any]) -> None:
    """Stewards and monitors are members in good standing; a required role exists."""
    for did in (*rules["stewards"], *rules["monitors"]):
        try:
            require_active_member(state, did, WP_("to do", "steward or monitor a resource"))
        except NotPermitted as refusal:
            raise NotPermitted(
                "%(did)s: %(refusal)s", code=refusal.code, did=did, refusal=refusal.message
            ) from None
    access = rules["access"]
    if access != "members" and state.get(ROLES, access["role"]) is None:
        raise InvalidBody("there is no role called %(role)s", role=repr(access["role"]))

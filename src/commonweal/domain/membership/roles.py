"""Roles: named sets of permissions, granted to and revoked from members by events."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.membership.records import (
    CREDENTIALS,
    MEMBERS,
    ROLES,
    did_member,
    owe_credential,
    require_active_member,
    require_permission,
)
from commonweal.domain.registry import Context, EventType
from commonweal.domain.state import State
from commonweal.domain.words import WP_

ROLE_DEFINED = "membership.role.defined"
ROLE_GRANTED = "membership.role.granted"
ROLE_REVOKED = "membership.role.revoked"

PERMISSIONS = frozenset(
    {
        "membership.admit",
        "membership.suspend",
        "membership.expel",
        "membership.roles",
        "membership.policy",
        "credentials.issue",
        "treasury.spend",
        "node.profile",
        "governance.moderate",
        "commons.register",
        "gatherings.convene",
        "funding.rounds",
        "federation.recognize",
        "federation.alliance",
    }
)
DEFAULT_ROLES: dict[str, list[str]] = {
    "steward": sorted(PERMISSIONS - {"treasury.spend"}),
    "treasurer": ["treasury.spend"],
}
_NAME = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


@dataclass(frozen=True, slots=True)
class RoleDefinition:
    """Body of ``membership.role.defined``."""

    name: str
    permissions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RoleChange:
    """Body of ``membership.role.granted`` and ``membership.role.revoked``."""

    member: str
    role: str


def parse_definition(body: Mapping[str, Any]) -> RoleDefinition:
    """``{"name": "steward", "permissions": [...]}``."""
    name, permissions = body.get("name"), body.get("permissions")
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidBody("name must be 2-40 lower-case letters, digits or dashes")
    if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
        raise InvalidBody("permissions must be a list of permission names")
    unknown = set(permissions) - PERMISSIONS
    if unknown:
        raise InvalidBody("unknown permission(s): %(names)s", names=", ".join(sorted(unknown)))
    return RoleDefinition(name, tuple(sorted(set(permissions))))


def parse_change(body: Mapping[str, Any]) -> RoleChange:
    """``{"member": did, "role": name}``."""
    role = body.get("role")
    if not isinstance(role, str):
        raise InvalidBody("role must be a role name")
    return RoleChange(did_member(dict(body)), role)


def define_defaults(state: State) -> None:
    """The documented default roles, present from the node's creation."""
    for name, permissions in DEFAULT_ROLES.items():
        if state.get(ROLES, name) is None:
            state.put(ROLES, name, {"permissions": permissions})


def apply_definition(state: State, ctx: Context, role: RoleDefinition) -> None:
    """Holders of ``membership.roles`` define or redefine a role."""
    require_permission(state, ctx, "membership.roles")
    state.put(ROLES, role.name, {"permissions": list(role.permissions)})


def apply_grant(state: State, ctx: Context, change: RoleChange) -> None:
    """Grant a defined role to a member in good standing; they get a role credential."""
    require_permission(state, ctx, "membership.roles")
    record = require_active_member(state, change.member, WP_("to do", "hold a role"))
    if state.get(ROLES, change.role) is None:
        raise InvalidBody("there is no role called %(role)s", role=repr(change.role))
    if change.role in record.get("roles", []):
        raise Conflict(
            "%(member)s already holds %(role)s",
            code="already_granted",
            member=change.member,
            role=change.role,
        )
    state.put(
        MEMBERS, change.member, {**record, "roles": sorted([*record.get("roles", []), change.role])}
    )
    owe_credential(state, ctx, change.member, f"role:{change.role}", role=change.role)


def apply_revoke(state: State, ctx: Context, change: RoleChange) -> None:
    """Take a role back; its credential's status bit flips."""
    require_permission(state, ctx, "membership.roles")
    record = state.get(MEMBERS, change.member)
    if record is None or change.role not in record.get("roles", []):
        raise Conflict(
            "%(member)s does not hold %(role)s",
            code="not_granted",
            member=change.member,
            role=change.role,
        )
    state.put(
        MEMBERS,
        change.member,
        {**record, "roles": [r for r in record["roles"] if r != change.role]},
    )
    key = f"{change.member} role:{change.role}"
    credential = state.get(CREDENTIALS, key)
    if credential is not None and credential["revoked"] is None:
        state.put(
            CREDENTIALS,
            key,
            {**credential, "revoked": {"at": ctx.received, "reason": "role revoked"}},
        )


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        ROLE_DEFINED,
        "A role (a named set of permissions) is defined.",
        parse_definition,
        apply_definition,
    ),
    EventType(ROLE_GRANTED, "A member is given a role.", parse_change, apply_grant),
    EventType(ROLE_REVOKED, "A member's role is taken back.", parse_change, apply_revoke),
)

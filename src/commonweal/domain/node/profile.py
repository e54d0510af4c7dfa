"""``node.created`` and ``node.profile.updated``: the node introduces itself.

The first event of every log is ``node.created``, signed by the node's own key.
The profile (name, description, public URL) changes by the node key, or by a
member holding the ``node.profile`` permission (stewards, by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import InvalidBody, NotPermitted
from commonweal.domain.fields import only, optional_text, required_text
from commonweal.domain.membership.records import require_permission
from commonweal.domain.registry import Context, EventType, require_node_key
from commonweal.domain.state import State

PROFILE = "node.profile"
"""State table holding the single row ``"profile"``."""

NODE_CREATED = "node.created"
PROFILE_UPDATED = "node.profile.updated"


@dataclass(frozen=True, slots=True)
class NodeProfile:
    """Body of ``node.created`` and ``node.profile.updated``."""

    name: str
    description: str
    url: str

    def as_row(self) -> dict[str, str]:
        """The profile as stored in state."""
        return {"name": self.name, "description": self.description, "url": self.url}


def parse_created(body: Mapping[str, Any]) -> NodeProfile:
    """``{"name": str, "description"?: str, "url"?: str}``."""
    only(body, {"name", "description", "url"})
    return NodeProfile(
        name=required_text(body, "name", max_length=120),
        description=optional_text(body, "description", max_length=2000),
        url=optional_text(body, "url", max_length=300),
    )


def parse_update(body: Mapping[str, Any]) -> dict[str, str]:
    """Any of ``name``, ``description``, ``url``; at least one."""
    only(body, {"name", "description", "url"})
    if not body:
        raise InvalidBody("a profile update must change at least one of name, description, url")
    limits = {"name": 120, "description": 2000, "url": 300}
    changes = {key: optional_text(body, key, max_length=limits[key]) for key in body}
    if "name" in changes and not changes["name"]:
        raise InvalidBody("name must not be empty")
    return changes


def apply_created(state: State, ctx: Context, profile: NodeProfile) -> None:
    """The node key creates the log, once, as its first entry."""
    require_node_key(ctx)
    if ctx.index != 0 or state.get(PROFILE, "profile") is not None:
        raise NotPermitted(
            "node.created must be the first entry of the log", code="already_created"
        )
    state.put(PROFILE, "profile", {**profile.as_row(), "created": ctx.received})


def apply_update(state: State, ctx: Context, changes: dict[str, str]) -> None:
    """The node key, or a holder of ``node.profile``, changes some profile fields."""
    require_permission(state, ctx, "node.profile")
    current = current_profile(state)
    state.put(PROFILE, "profile", {**current, **changes})


def current_profile(state: State) -> dict[str, str]:
    """The node's profile; refuses if the node was never created."""
    profile: dict[str, str] | None = state.get(PROFILE, "profile")
    if profile is None:
        raise NotPermitted("the node has not been created yet", code="not_created")
    return profile


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        NODE_CREATED, "The node's log begins; the node names itself.", parse_created, apply_created
    ),
    EventType(PROFILE_UPDATED, "The node changes its public profile.", parse_update, apply_update),
)

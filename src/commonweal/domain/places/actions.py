"""What a passed proposal can do with places: register one (``places.register``).

Registered in ``governance.events.default_actions``. The default constitution allows it
in no kind, so a node whose members want purchases decided by vote to register the place
they bought adds ``places.register`` to a kind's actions by amendment (docs/places.md);
the action runs with the node as author, which may register places.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.governance.actions import Action
from commonweal.domain.places.rules import Registration, apply_registration, parse_registration
from commonweal.domain.registry import Context
from commonweal.domain.state import State

REGISTER_ACTION = "places.register"


def _parse(params: Mapping[str, Any]) -> dict[str, Any]:
    return parse_registration(params).fields


def _register(state: State, ctx: Context, params: dict[str, Any]) -> None:
    apply_registration(state, ctx, Registration(dict(params)))


PLACES_ACTIONS: tuple[Action, ...] = (
    Action(REGISTER_ACTION, "Register a place.", _parse, _register),
)

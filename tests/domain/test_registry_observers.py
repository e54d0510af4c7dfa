"""A type that observes another runs after that type's rule, whichever is registered first,
and only when the rule accepts the event."""

from __future__ import annotations

from typing import Any

import pytest

from commonweal.domain.errors import Conflict
from commonweal.domain.registry import Context, EventType, Registry
from commonweal.domain.state import State


def _ctx(type_: str) -> Context:
    return Context(type_, "did:key:zA", 1, "t", 7, "t", "did:key:zN", "did:key:zN", "hash=")


def _watched(refuse: bool) -> EventType[Any]:
    def apply(state: State, ctx: Context, body: Any) -> None:
        if refuse:
            raise Conflict("no")
        state.put("seen", "rule", ctx.index)

    return EventType("a.thing.done", "watched", dict, apply)


def _observer() -> EventType[Any]:
    def record(state: State, ctx: Context) -> None:
        state.put("seen", "observer", (ctx.type, ctx.leaf_hash))

    return EventType(
        "b.note.added", "observer", dict, lambda s, c, b: None, (("a.thing.done", record),)
    )


@pytest.mark.parametrize("observer_first", [True, False])
def test_the_observer_runs_after_the_rule(observer_first: bool) -> None:
    registry = Registry()
    order = [_observer(), _watched(False)] if observer_first else [_watched(False), _observer()]
    registry.extend(order)
    state = State()
    registry.get("a.thing.done").apply(state, _ctx("a.thing.done"), {})
    assert state.get("seen", "rule") == 7
    assert state.get("seen", "observer") == ("a.thing.done", "hash=")
    assert registry.get("a.thing.done").summary == "watched"


def test_a_refused_event_is_not_observed() -> None:
    registry = Registry()
    registry.extend([_observer(), _watched(True)])
    state = State()
    with pytest.raises(Conflict):
        registry.get("a.thing.done").apply(state, _ctx("a.thing.done"), {})
    assert state.get("seen", "observer") is None

"""Funds: pots of money the node keeps apart for a purpose (the garden, the roof, solidarity)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import Conflict
from commonweal.domain.fields import only, optional_text, required_text
from commonweal.domain.registry import Context, require_node_key
from commonweal.domain.state import State
from commonweal.domain.treasury.accounts import parse_slug
from commonweal.domain.treasury.records import FUNDS

OPENED = "treasury.fund.opened"


def parse_fund(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"fund": "garden", "title": "Garden fund", "description"?}`` in normal form."""
    only(body, {"fund", "title", "description"})
    return {
        "fund": parse_slug(body.get("fund")),
        "title": required_text(body, "title", max_length=120),
        "description": optional_text(body, "description", max_length=2000),
    }


def apply_opening(state: State, ctx: Context, fund: dict[str, Any]) -> None:
    """The node (at setup, or by a passed proposal) opens a fund."""
    require_node_key(ctx)
    open_fund(state, ctx, fund)


def open_fund(state: State, ctx: Context, fund: dict[str, Any]) -> None:
    """Record a new fund; a name is used once."""
    if state.get(FUNDS, fund["fund"]) is not None:
        raise Conflict(
            "the fund %(fund)s is already open", fund=repr(fund["fund"]), code="already_open"
        )
    state.put(FUNDS, fund["fund"], {**fund, "opened_at": ctx.received})

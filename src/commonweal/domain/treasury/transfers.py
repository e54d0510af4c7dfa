"""Transfers inside the books: a member's own, and those a passed proposal decides.

A member moves money only from their own account — to another member, to a fund
or to the node — and never below their floor (zero, or their credit limit in a
mutual-credit unit). Money leaves the node or a fund only by an approved expense
or by a ``treasury.transfer`` action of a passed proposal, which the node executes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.fields import amount, only, optional_text
from commonweal.domain.membership.records import require_active_member
from commonweal.domain.registry import Context, require_node_key
from commonweal.domain.state import State
from commonweal.domain.treasury.accounts import (
    kind_of,
    member_account,
    parse_account,
    parse_slug,
    require_not_escrow,
    require_open,
)
from commonweal.domain.treasury.ledger import MAX_MEMO, move
from commonweal.domain.treasury.units import parse_code
from commonweal.domain.words import WP_

SENT = "treasury.transfer.sent"
TRANSFER_ACTION = "treasury.transfer"


@dataclass(frozen=True, slots=True)
class MemberTransfer:
    """Body of ``treasury.transfer.sent``: from the author's own account."""

    to: str
    unit: str
    amount: int
    memo: str


def parse_member_transfer(body: Mapping[str, Any]) -> MemberTransfer:
    """``{"to": account, "unit", "amount", "memo"?}``."""
    only(body, {"to", "unit", "amount", "memo"})
    to = parse_account(body.get("to"), "to")
    if kind_of(to) == "external":
        raise InvalidBody("a member's transfer stays inside the books: to a member, fund or node")
    require_not_escrow(to, "to")
    return MemberTransfer(
        to=to,
        unit=parse_code(body.get("unit")),
        amount=amount(body),
        memo=optional_text(body, "memo", max_length=MAX_MEMO),
    )


def apply_member_transfer(state: State, ctx: Context, transfer: MemberTransfer) -> None:
    """A member pays from their own account, within their floor."""
    require_active_member(state, ctx.author, WP_("to do", "send a transfer"))
    source = member_account(ctx.author)
    if transfer.to == source:
        raise Conflict("a transfer needs two different accounts", code="same_account")
    require_open(state, transfer.to)
    move(
        state,
        ctx,
        source,
        transfer.to,
        transfer.amount,
        unit=transfer.unit,
        kind="transfer",
        memo=transfer.memo,
    )


def parse_decided_transfer(params: Mapping[str, Any]) -> dict[str, Any]:
    """The ``treasury.transfer`` action: ``{"from", "to", "unit", "amount", "memo"?, "line"?}``."""
    only(params, {"from", "to", "unit", "amount", "memo", "line"}, where="treasury.transfer")
    source = parse_account(params.get("from"), "from")
    if kind_of(source) not in ("node", "fund"):
        raise InvalidBody('a decided transfer is "from" the node or one of its funds')
    to = parse_account(params.get("to"), "to")
    require_not_escrow(to, "to")
    if to == source:
        raise InvalidBody("a transfer needs two different accounts")
    line = params.get("line", "")
    return {
        "from": source,
        "to": to,
        "unit": parse_code(params.get("unit")),
        "amount": amount(params),
        "memo": optional_text(params, "memo", max_length=MAX_MEMO),
        "line": parse_slug(line, "line") if line else "",
    }


def apply_decided_transfer(state: State, ctx: Context, params: dict[str, Any]) -> None:
    """Run a transfer a passed proposal decided (the node executes it)."""
    require_node_key(ctx)
    require_open(state, params["from"])
    require_open(state, params["to"])
    move(
        state,
        ctx,
        params["from"],
        params["to"],
        params["amount"],
        unit=params["unit"],
        kind="decision",
        memo=params["memo"],
        line=params["line"],
    )

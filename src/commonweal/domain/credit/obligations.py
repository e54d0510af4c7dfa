"""Obligations: what members owe each other, until settled, cleared or forgiven.

Only the debtor records an obligation — nobody can put a debt on someone else.
The debtor settles it by paying the creditor through the ledger (in a
mutual-credit unit that may take them below zero, within their limit); the
creditor may forgive what is left; and a clearing sets off cycles of obligations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.credit.records import OBLIGATIONS, OPEN, obligation, reduce
from commonweal.domain.errors import Conflict, NotPermitted
from commonweal.domain.fields import amount, only, optional_amount, optional_text, ref
from commonweal.domain.membership.records import did_member, require_active_member
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.treasury.accounts import member_account, require_open
from commonweal.domain.treasury.ledger import MAX_MEMO, move
from commonweal.domain.treasury.units import parse_code, require_unit
from commonweal.domain.words import WP_

RECORDED = "credit.obligation.recorded"
SETTLED = "credit.obligation.settled"
FORGIVEN = "credit.obligation.forgiven"


@dataclass(frozen=True, slots=True)
class NewObligation:
    """Body of ``credit.obligation.recorded``: the author owes ``creditor``."""

    creditor: str
    unit: str
    amount: int
    memo: str


@dataclass(frozen=True, slots=True)
class Reduction:
    """Body of ``credit.obligation.settled`` and ``.forgiven``: all that is open by default."""

    obligation: int
    amount: int | None


def parse_obligation(body: Mapping[str, Any]) -> NewObligation:
    """``{"creditor": did, "unit", "amount", "memo"?}``."""
    only(body, {"creditor", "unit", "amount", "memo"})
    return NewObligation(
        creditor=did_member(dict(body), "creditor"),
        unit=parse_code(body.get("unit")),
        amount=amount(body),
        memo=optional_text(body, "memo", max_length=MAX_MEMO),
    )


def parse_reduction(body: Mapping[str, Any]) -> Reduction:
    """``{"obligation": id, "amount"?}``."""
    only(body, {"obligation", "amount"})
    return Reduction(ref(body, "obligation"), optional_amount(body))


def apply_obligation(state: State, ctx: Context, new: NewObligation) -> None:
    """A member records that they owe another member."""
    require_active_member(state, ctx.author, WP_("to do", "record an obligation"))
    require_active_member(state, new.creditor, WP_("to do", "be owed"))
    if new.creditor == ctx.author:
        raise Conflict("nobody owes themselves", code="same_account")
    require_unit(state, new.unit)
    state.put(
        OBLIGATIONS,
        ctx.index,
        {
            "id": ctx.index,
            "debtor": ctx.author,
            "creditor": new.creditor,
            "unit": new.unit,
            "amount": new.amount,
            "open": new.amount,
            "settled": 0,
            "cleared": 0,
            "forgiven": 0,
            "status": OPEN,
            "memo": new.memo,
            "recorded_at": ctx.received,
        },
    )


def apply_settlement(state: State, ctx: Context, reduction: Reduction) -> None:
    """The debtor pays (part of) what is open, from their account to the creditor's."""
    record = obligation(state, reduction.obligation)
    if record["debtor"] != ctx.author:
        raise NotPermitted("only the debtor settles an obligation", code="not_author")
    require_active_member(state, ctx.author, WP_("to do", "settle an obligation"))
    paid = _portion(record, reduction)
    creditor = member_account(record["creditor"])
    require_open(state, creditor)
    move(
        state,
        ctx,
        member_account(ctx.author),
        creditor,
        paid,
        unit=record["unit"],
        kind="settlement",
        memo=record["memo"],
        ref=record["id"],
    )
    reduce(state, record, "settled", paid)


def apply_forgiveness(state: State, ctx: Context, reduction: Reduction) -> None:
    """The creditor forgives (part of) what is open."""
    record = obligation(state, reduction.obligation)
    if record["creditor"] != ctx.author:
        raise NotPermitted("only the creditor forgives an obligation", code="not_author")
    reduce(state, record, "forgiven", _portion(record, reduction))


def _portion(record: dict[str, Any], reduction: Reduction) -> int:
    if record["open"] == 0:
        raise Conflict("obligation %(id)s is already closed", id=record["id"], code="closed")
    portion = record["open"] if reduction.amount is None else reduction.amount
    if portion > record["open"]:
        raise Conflict(
            "obligation %(id)s has only %(open)s minor units open",
            id=record["id"],
            open=record["open"],
            code="exceeds_open",
        )
    return portion

"""Deposits: what a booking owes, what a steward received, and what went back.

A resource whose rules ask a deposit (``{"amount": 2000, "unit": "EUR"}``, in minor
units) owes one on every confirmed booking. A steward records receiving it and,
once the booking has ended or was cancelled, returning it, in whole or with part
retained for a stated reason. Each event carries the amount and unit, checked
against what is owed, so the log itself is the account.

Each movement is a ledger entry: the postings (:func:`receipt_postings`,
:func:`return_postings`, in the form every capability uses,
``funding.postings.Posting``) go to ``funding.postings.to_ledger``. Receiving a
deposit moves it from the member's account into the resource's deposits
(``deposits:<resource>``, an escrow account), so the member must hold it there
(``insufficient_funds`` otherwise) — money a treasurer recorded them paying in.
Returning it moves what is returned back to the member and what is retained to the
node's general treasury (``node``), from where it is spent on the repair like any
of the node's money. A deposit's unit is one the node has declared, checked when
the rules that ask it are set (``unknown_unit``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.commons.records import (
    BOOKINGS,
    booking,
    parse_ref,
    require_steward,
    resource,
)
from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.fields import only, optional_text
from commonweal.domain.funding.postings import (
    Posting,
    member_account,
    money_unit,
    to_ledger,
    treasury_account,
)
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.timestamps import moment
from commonweal.domain.treasury import accounts
from commonweal.domain.words import WP_

RECEIVED = "commons.deposit.received"
RETURNED = "commons.deposit.returned"


LEDGER_KIND = "deposit"
"""The kind of the ledger entries deposits write."""


def deposits_account(resource_id: int) -> str:
    """Where a resource's deposits are held while bookings are on (escrow)."""
    return accounts.deposits_account(resource_id)


def retained_account() -> str:
    """Where a retained part of a deposit goes: the node's general treasury, which pays
    for the repair or upkeep (as it pays for anything) by an expense or a decision."""
    return treasury_account()


def require_deposit_unit(state: State, rules: Mapping[str, Any]) -> None:
    """A deposit the rules ask is in a unit the node has declared (``unknown_unit``)."""
    if rules.get("deposit") is not None:
        money_unit(state, rules["deposit"]["unit"])


@dataclass(frozen=True, slots=True)
class DepositMovement:
    """Body of ``commons.deposit.received`` (``{booking, amount, unit}``) and of
    ``commons.deposit.returned`` (``{booking, amount, unit, retained?, reason?}``)."""

    booking: int
    amount: int
    unit: str
    retained: int
    reason: str


def parse_receipt(body: Mapping[str, Any]) -> DepositMovement:
    """The booking, and the amount and unit received."""
    only(body, {"booking", "amount", "unit"})
    return _movement(body, retained=0, reason="")


def parse_return(body: Mapping[str, Any]) -> DepositMovement:
    """The booking, the amount and unit given back, and any part retained, with why."""
    only(body, {"booking", "amount", "unit", "retained", "reason"})
    retained = body.get("retained", 0)
    if type(retained) is not int or retained < 0:
        raise InvalidBody("retained must be a whole number of minor units, 0 or more")
    reason = optional_text(body, "reason", max_length=1000)
    if retained and not reason.strip():
        raise InvalidBody("say why part of the deposit is retained")
    return _movement(body, retained=retained, reason=reason)


def _movement(body: Mapping[str, Any], *, retained: int, reason: str) -> DepositMovement:
    amount, unit = body.get("amount"), body.get("unit")
    if type(amount) is not int or amount < 0:
        raise InvalidBody("amount must be a whole number of minor units")
    if not isinstance(unit, str) or not unit:
        raise InvalidBody("unit must name the deposit's unit (EUR, hours, …)")
    return DepositMovement(parse_ref(body, "booking"), amount, unit, retained, reason)


def apply_receipt(state: State, ctx: Context, movement: DepositMovement) -> None:
    """A steward records receiving exactly the deposit a booking owes."""
    record, deposit = _deposit_of(state, ctx, movement.booking, WP_("to do", "record a deposit"))
    if deposit["status"] != "owed":
        raise Conflict(
            "the deposit is %(status)s, not owed",
            code="deposit_not_owed",
            status=DEPOSIT_WORDS.get(deposit["status"], deposit["status"]),
        )
    _require_amount(deposit, movement.amount, movement.unit)
    held = {**deposit, "status": "held", "received_at": ctx.received}
    state.put(BOOKINGS, record["id"], {**record, "deposit": held})
    postings = receipt_postings(record, movement.amount, movement.unit)
    to_ledger(state, ctx, postings, kind=LEDGER_KIND, ref=record["id"])


def apply_return(state: State, ctx: Context, movement: DepositMovement) -> None:
    """A steward returns a held deposit after the booking, keeping any part with a reason."""
    record, deposit = _deposit_of(state, ctx, movement.booking, WP_("to do", "return a deposit"))
    if deposit["status"] != "held":
        raise Conflict(
            "the deposit is %(status)s, not held",
            code="deposit_not_held",
            status=DEPOSIT_WORDS.get(deposit["status"], deposit["status"]),
        )
    if record["status"] == "confirmed" and moment(record["end"]) > moment(ctx.received):
        raise Conflict(
            "booking %(booking)s lasts until %(end)s",
            code="too_early",
            booking=record["id"],
            end=record["end"],
        )
    _require_amount(deposit, movement.amount + movement.retained, movement.unit)
    settled = {
        **deposit,
        "status": "returned",
        "returned": movement.amount,
        "retained": movement.retained,
        "reason": movement.reason,
        "settled_at": ctx.received,
    }
    state.put(BOOKINGS, record["id"], {**record, "deposit": settled})
    memo = f"deposit for booking {record['id']} settled"
    if movement.retained:
        memo += f"; retained: {movement.reason}"
    to_ledger(
        state,
        ctx,
        return_postings(record, movement.amount, movement.retained, movement.unit),
        kind=LEDGER_KIND,
        ref=record["id"],
        memo=memo[:500],
    )


def receipt_postings(booking: Mapping[str, Any], amount: int, unit: str) -> list[Posting]:
    """Receiving a deposit: from the member into the resource's deposits."""
    memo = f"deposit for booking {booking['id']}"
    held = deposits_account(booking["resource"])
    return [Posting(member_account(booking["member"]), held, unit, amount, memo)]


def return_postings(
    booking: Mapping[str, Any], returned: int, retained: int, unit: str
) -> list[Posting]:
    """Settling a deposit: back to the member, and any part kept to the node's treasury."""
    held = deposits_account(booking["resource"])
    postings = []
    if returned:
        memo = f"deposit returned, booking {booking['id']}"
        postings.append(Posting(held, member_account(booking["member"]), unit, returned, memo))
    if retained:
        memo = f"deposit retained, booking {booking['id']}"
        postings.append(Posting(held, retained_account(), unit, retained, memo))
    return postings


DEPOSIT_WORDS = {
    "owed": WP_("deposit", "owed"),
    "held": WP_("deposit", "held"),
    "returned": WP_("deposit", "returned"),
    "void": WP_("deposit", "void"),
}
"""Where a deposit stands, as a refusal says it in the reader's language."""


def _deposit_of(
    state: State, ctx: Context, booking_id: int, doing: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    record = booking(state, booking_id)
    require_steward(resource(state, record["resource"]), ctx, doing)
    if record["deposit"] is None:
        raise Conflict("booking %(booking)s owes no deposit", code="no_deposit", booking=booking_id)
    deposit: dict[str, Any] = record["deposit"]
    return record, deposit


def _require_amount(deposit: Mapping[str, Any], amount: int, unit: str) -> None:
    if (amount, unit) != (deposit["amount"], deposit["unit"]):
        raise Conflict(
            "the deposit is %(amount)s %(unit)s; got %(got)s %(got_unit)s",
            code="deposit_mismatch",
            amount=deposit["amount"],
            unit=deposit["unit"],
            got=amount,
            got_unit=unit,
        )

"""Deposits: what a booking owes, what a steward received, and what went back.

A resource whose rules ask a deposit (``{"amount": 2000, "unit": "EUR"}``, in minor
units) owes one on every confirmed booking. A steward records receiving it and,
once the booking has ended or was cancelled, returning it, in whole or with part
retained for a stated reason. Each event carries the amount and unit, checked
against what is owed, so the log itself is the account.

Each movement also implies double-entry postings (:func:`receipt_postings`,
:func:`return_postings`), which always balance. :func:`post` is the one place they
leave this package: it is the hook where the treasury's ledger is wired in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.commons.records import (
    BOOKINGS,
    booking,
    only,
    parse_ref,
    require_steward,
    resource,
)
from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.fields import optional_text
from commonweal.domain.governance.records import moment
from commonweal.domain.registry import Context
from commonweal.domain.state import State

RECEIVED = "commons.deposit.received"
RETURNED = "commons.deposit.returned"
HELD_ACCOUNT = "commons:deposits:held"
"""Asset: deposits the node holds."""


def owed_account(member: str) -> str:
    """Liability: what the node owes a member back."""
    return f"commons:deposits:owed:{member}"


def retained_account(resource_id: int) -> str:
    """Income: what was kept from deposits for a resource's repair or upkeep."""
    return f"commons:deposits:retained:{resource_id}"


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of a double-entry transaction: debits positive, credits negative."""

    account: str
    amount: int
    unit: str


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
    record, deposit = _deposit_of(state, ctx, movement.booking, "record a deposit")
    if deposit["status"] != "owed":
        raise Conflict(f"the deposit is {deposit['status']}, not owed", code="deposit_not_owed")
    _require_amount(deposit, movement.amount, movement.unit)
    held = {**deposit, "status": "held", "received_at": ctx.received}
    state.put(BOOKINGS, record["id"], {**record, "deposit": held})
    post(state, ctx, receipt_postings(record["member"], movement.amount, movement.unit))


def apply_return(state: State, ctx: Context, movement: DepositMovement) -> None:
    """A steward returns a held deposit after the booking, keeping any part with a reason."""
    record, deposit = _deposit_of(state, ctx, movement.booking, "return a deposit")
    if deposit["status"] != "held":
        raise Conflict(f"the deposit is {deposit['status']}, not held", code="deposit_not_held")
    if record["status"] == "confirmed" and moment(record["end"]) > moment(ctx.received):
        raise Conflict(f"booking {record['id']} lasts until {record['end']}", code="too_early")
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
    postings = return_postings(
        record["member"], record["resource"], movement.amount, movement.retained, movement.unit
    )
    post(state, ctx, postings)


def receipt_postings(member: str, amount: int, unit: str) -> list[Posting]:
    """Receiving a deposit: the node holds it, and owes it back."""
    return [Posting(HELD_ACCOUNT, amount, unit), Posting(owed_account(member), -amount, unit)]


def return_postings(
    member: str, resource_id: int, returned: int, retained: int, unit: str
) -> list[Posting]:
    """Settling a deposit: the debt is cleared by what goes back and what is kept."""
    postings = [Posting(owed_account(member), returned + retained, unit)]
    if returned:
        postings.append(Posting(HELD_ACCOUNT, -returned, unit))
    if retained:
        postings.append(Posting(retained_account(resource_id), -retained, unit))
    return postings


def post(state: State, ctx: Context, postings: list[Posting]) -> None:
    """The hook where a deposit's postings reach the treasury's ledger.

    The postings must balance. Until the ledger is wired in here, they are not
    written anywhere else: the deposit's own record in ``commons.bookings`` (and the
    events) are the account.
    """
    totals: dict[str, int] = defaultdict(int)
    for posting in postings:
        totals[posting.unit] += posting.amount
    if any(totals.values()):
        raise ValueError(f"deposit postings must balance, got {dict(totals)}")


def _deposit_of(
    state: State, ctx: Context, booking_id: int, doing: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    record = booking(state, booking_id)
    require_steward(resource(state, record["resource"]), ctx, doing)
    if record["deposit"] is None:
        raise Conflict(f"booking {booking_id} owes no deposit", code="no_deposit")
    deposit: dict[str, Any] = record["deposit"]
    return record, deposit


def _require_amount(deposit: Mapping[str, Any], amount: int, unit: str) -> None:
    if (amount, unit) != (deposit["amount"], deposit["unit"]):
        raise Conflict(
            f"the deposit is {deposit['amount']} {deposit['unit']}; got {amount} {unit}",
            code="deposit_mismatch",
        )

"""The double-entry ledger: every movement is one entry whose postings sum to zero.

:func:`post` is the only way a balance changes. It refuses an entry whose
postings do not sum to zero, and any posting that would take an account beyond
its limit: the node and its funds never below zero, a member never below zero
(or, in a mutual-credit unit, below their credit floor) nor above a credit
ceiling. ``external`` has no limit: it mirrors what came in from, and went out
to, the world outside the books. So the sum of all balances of a unit is zero
after every event, and every balance is the sum of the postings to it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from commonweal.domain.credit.limits import Limits, limits_for
from commonweal.domain.errors import Conflict
from commonweal.domain.fields import MAX_AMOUNT
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.treasury.accounts import EXTERNAL, kind_of, member_of
from commonweal.domain.treasury.records import BALANCES, ENTRIES
from commonweal.domain.treasury.units import format_amount, require_unit

MAX_MEMO = 500
"""The longest memo an entry carries, in characters: what a member writes on a transfer,
an obligation or an income, and what the node words for its own postings."""

Posting = tuple[str, int]
"""(account, signed amount in minor units): positive adds to the account."""


def balance(state: State, account: str, unit: str) -> int:
    """The balance of ``account`` in ``unit`` (0 if nothing was ever posted to it)."""
    value: int = state.get(BALANCES, (account, unit), 0)
    return value


def limits_of(state: State, account: str, unit: str) -> Limits | None:
    """The lowest and highest balance ``account`` may reach (None: no limit at all)."""
    if account == EXTERNAL:
        return None
    did = member_of(account)
    if did is None:
        return (0, None)
    return limits_for(state, unit, did)


def move(
    state: State,
    ctx: Context,
    source: str,
    destination: str,
    amount: int,
    *,
    unit: str,
    kind: str,
    memo: str = "",
    evidence: str = "",
    ref: int | None = None,
    line: str = "",
) -> dict[str, Any]:
    """:func:`post` one movement: ``amount`` of ``unit`` from ``source`` to ``destination``."""
    return post(
        state,
        ctx,
        unit=unit,
        postings=[(source, -amount), (destination, amount)],
        kind=kind,
        memo=memo,
        evidence=evidence,
        ref=ref,
        line=line,
    )


def post(
    state: State,
    ctx: Context,
    *,
    unit: str,
    postings: Sequence[Posting],
    kind: str,
    memo: str = "",
    evidence: str = "",
    ref: int | None = None,
    line: str = "",
    no_ceiling: Collection[str] = (),
) -> dict[str, Any]:
    """Write one ledger entry for the current event, or refuse it and change nothing.

    ``kind`` says what moved the money (``income``, ``transfer``, ``expense``,
    ``decision``, ``settlement``, ``demurrage``, ``campaign``, ``round``, ``pool``,
    ``aid``, ``deposit``); ``ref`` names the expense, proposal, obligation, campaign,
    round, pool, aid post or booking behind it; ``line`` the budget line it counts
    against. Accounts in ``no_ceiling`` are not held to a credit ceiling in this
    entry: money coming back out of escrow was committed when it went in, and a
    ceiling reached meanwhile must not stop a refund or a campaign's close.
    """
    record = require_unit(state, unit)
    if sum(amount for _account, amount in postings) != 0:
        raise ValueError("a ledger entry's postings must sum to zero")
    if state.get(ENTRIES, ctx.index) is not None:
        raise ValueError(f"event {ctx.index} already wrote a ledger entry")
    for account, amount in postings:
        if amount == 0:
            continue
        after = balance(state, account, unit) + amount
        _within_limits(
            state, account, unit, amount, after, record["exponent"], account not in no_ceiling
        )
        state.put(BALANCES, (account, unit), after)
    entry = {
        "id": ctx.index,
        "received": ctx.received,
        "type": ctx.type,
        "author": ctx.author,
        "kind": kind,
        "unit": unit,
        "postings": [{"account": a, "amount": n} for a, n in postings if n != 0],
        "memo": memo,
        "evidence": evidence,
        "ref": ref,
        "line": line,
    }
    state.put(ENTRIES, ctx.index, entry)
    return entry


def _within_limits(
    state: State, account: str, unit: str, amount: int, after: int, exponent: int, ceiling: bool
) -> None:
    if abs(after) > MAX_AMOUNT:
        raise Conflict(
            "%(account)s would pass the largest balance a ledger keeps",
            account=account,
            code="overflow",
        )
    limits = limits_of(state, account, unit)
    if limits is None:
        return
    low, high = limits
    if amount < 0 and after < low:
        available = format_amount(max(balance(state, account, unit) - low, 0), exponent)
        if kind_of(account) == "member" and low < 0:
            raise Conflict(
                "%(account)s would go below its credit limit of %(limit)s %(unit)s (it can pay "
                "%(available)s %(unit)s now)",
                account=account,
                limit=format_amount(low, exponent),
                unit=unit,
                available=available,
                code="credit_limit",
            )
        raise Conflict(
            "%(account)s holds only %(available)s %(unit)s; this needs %(needed)s %(unit)s",
            account=account,
            available=available,
            unit=unit,
            needed=format_amount(-amount, exponent),
            code="insufficient_funds",
        )
    if ceiling and amount > 0 and high is not None and after > high:
        raise Conflict(
            "%(account)s would pass its credit ceiling of %(ceiling)s %(unit)s",
            account=account,
            ceiling=format_amount(high, exponent),
            unit=unit,
            code="credit_ceiling",
        )


def balances_in(state: State, unit: str) -> list[tuple[str, int]]:
    """Every account's balance in ``unit``, by account name."""
    found = []
    for key, value in state.items(BALANCES):
        assert isinstance(key, tuple)
        if key[1] == unit:
            found.append((str(key[0]), int(value)))
    return sorted(found)

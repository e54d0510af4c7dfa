"""The money side of aid, campaigns, rounds and commons deposits, and where it meets the ledger.

Every rule of those capabilities that moves value describes the movement as
:class:`Posting` s (whole minor units of a unit, from one account to another) and
hands them to :func:`to_ledger`, which writes them as the event's one entry in the
treasury's double-entry ledger (``treasury.ledger.post``). It runs inside the rule,
so a posting the ledger refuses (``insufficient_funds``, ``credit_limit``,
``credit_ceiling``, ``unknown_unit``) refuses the event itself, and a refused event
leaves no posting behind.

Account names are the treasury's own (``treasury.accounts``, the one place they are
defined): ``member:<did>``, ``node`` (the general treasury), and the escrow accounts
``campaign:<id>``, ``round:<id>``, ``pool:<id>`` and ``deposits:<id>``. Units are
the treasury's declared unit codes, with one exception kept from the time bank:
a posting in unit ``hours`` counts whole minutes of the node's time bank (its
declared unit of kind ``hours``), converted here exactly or refused
(``inexact_amount``). Only a settlement of mutual aid posts in ``hours``; every
other capability names a declared unit when it starts (a campaign's launch, a
round's or pool's opening, a resource's deposit rule) and is refused there if the
node has not declared it (:func:`money_unit`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from commonweal.domain.errors import Conflict
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.treasury import accounts
from commonweal.domain.treasury.ledger import MAX_MEMO, post
from commonweal.domain.treasury.units import minutes_in, require_unit, time_bank

HOURS = "hours"
"""The time bank's unit in aid settlements: whole minutes of the node's hours unit."""


@dataclass(frozen=True, slots=True)
class Posting:
    """``amount`` minor units of ``unit`` move from ``source`` to ``destination``."""

    source: str
    destination: str
    unit: str
    amount: int
    memo: str

    def as_json(self) -> dict[str, Any]:
        """The posting as the API shows it: its members in the order above."""
        return asdict(self)


def member_account(did: str) -> str:
    """A member's own account."""
    return accounts.member_account(did)


def campaign_account(campaign_id: int) -> str:
    """Where a campaign's pledges are held until it closes (escrow)."""
    return accounts.campaign_account(campaign_id)


def round_account(round_id: int) -> str:
    """A quadratic-funding round's matching pool."""
    return accounts.round_account(round_id)


def pool_account(pool_id: int) -> str:
    """A conviction-voting pool's funds."""
    return accounts.pool_account(pool_id)


def treasury_account() -> str:
    """The node's general treasury (account ``node``): where money for the node goes."""
    return accounts.NODE


def money_unit(state: State, unit: str) -> dict[str, Any]:
    """The declared unit ``unit``, or ``unknown_unit`` (refused where the unit is introduced,
    so that no later event — a campaign's close, a round's matches — can fail for it)."""
    try:
        return require_unit(state, unit)
    except Conflict as error:
        if unit.lower() not in (HOURS, "hour"):
            raise
        raise Conflict(
            "this node has declared no unit %(unit)s; a time bank's unit is declared with kind "
            "hours and named by its code",
            code=error.code,
            **error.params,
        ) from None


def to_ledger(
    state: State,
    ctx: Context,
    postings: Sequence[Posting],
    *,
    kind: str,
    ref: int | None = None,
    memo: str = "",
) -> dict[str, Any] | None:
    """Write ``postings`` as the current event's one ledger entry (None if nothing moves).

    Postings are netted per account, so an account that receives and pays in one
    event (a campaign's escrow on a failed close) is checked against its limits
    once, on where it ends. An account paid out of escrow is not held to a credit
    ceiling (its money was committed when it went in). ``memo`` defaults to the
    postings' own memos. One event moves one unit: the ledger keeps one entry per
    event, and no rule of these capabilities moves two units at once.
    """
    moving = [p for p in postings if p.amount]
    if not moving:
        return None
    units = {p.unit for p in moving}
    if len(units) != 1:
        raise ValueError(f"one event's postings move one unit, not {sorted(units)}")
    (unit,) = units
    code, scale = unit, None
    if unit == HOURS:
        scale = time_bank(state)
        code = scale["code"]
    net: dict[str, int] = {}
    no_ceiling: set[str] = set()
    for posting in moving:
        amount = posting.amount if scale is None else minutes_in(scale, posting.amount)
        net[posting.source] = net.get(posting.source, 0) - amount
        net[posting.destination] = net.get(posting.destination, 0) + amount
        if accounts.is_escrow(posting.source):
            no_ceiling.add(posting.destination)
    return post(
        state,
        ctx,
        unit=code,
        postings=list(net.items()),
        kind=kind,
        memo=memo or _memo(moving),
        ref=ref,
        no_ceiling=no_ceiling,
    )


def _memo(postings: Sequence[Posting]) -> str:
    memos = list(dict.fromkeys(p.memo for p in postings))
    text = "; ".join(memos)
    return text if len(text) <= MAX_MEMO else text[: MAX_MEMO - 1] + "…"

"""The money side of aid, campaigns and rounds, as postings for the treasury's ledger.

Every rule here that moves value describes the movement as :class:`Posting` s
(whole minor units of a named unit, from one account to another) and hands them
to :func:`to_ledger`. The double-entry ledger and mutual credit live in the
treasury capability; :func:`to_ledger` is the single place where they are wired
in. Until then it records nothing: each capability's own state already shows
exactly who owes what (pledges held, collected or refunded; matches owed;
settlements), and the pure functions that produce the postings
(``campaigns.money``, ``funding.money``, ``aid.settlement``) can be called from
the ledger's side as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from commonweal.domain.registry import Context
from commonweal.domain.state import State


@dataclass(frozen=True, slots=True)
class Posting:
    """``amount`` minor units of ``unit`` move from ``source`` to ``destination``."""

    source: str
    destination: str
    unit: str
    amount: int
    memo: str

    def as_json(self) -> dict[str, Any]:
        """The posting as the API shows it."""
        return {
            "source": self.source,
            "destination": self.destination,
            "unit": self.unit,
            "amount": self.amount,
            "memo": self.memo,
        }


def member_account(did: str) -> str:
    """A member's own account."""
    return f"member:{did}"


def campaign_account(campaign_id: int) -> str:
    """Where a campaign's pledges are held until it closes (escrow)."""
    return f"campaign:{campaign_id}"


def round_account(round_id: int) -> str:
    """A quadratic-funding round's matching pool."""
    return f"round:{round_id}"


def pool_account(pool_id: int) -> str:
    """A conviction-voting pool's funds."""
    return f"pool:{pool_id}"


def to_ledger(state: State, ctx: Context, postings: Sequence[Posting]) -> None:
    """Hand ``postings`` to the treasury's ledger, inside the rule that made them.

    THE MERGE HOOK: the treasury capability replaces this body with its own
    posting function (which may refuse, say for a credit limit, and so refuse the
    event). It runs in the same rule as the event, so a refused event leaves no
    posting behind. Until it is wired, it does nothing.
    """
    del state, ctx, postings


def treasury_account() -> str:
    """The node's own treasury (when the node itself is a campaign's beneficiary)."""
    return "treasury"

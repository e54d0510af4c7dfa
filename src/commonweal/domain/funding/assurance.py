"""Assurance contracts: who pays and who is paid back when a campaign closes.

An all-or-nothing campaign (an *assurance contract*, Kickstarter's rule) collects
its pledges only if they reach the goal by the deadline; otherwise every pledge
is refunded and nobody is charged. A *dominant assurance contract* (Tabarrok)
adds a refund bonus: if the goal is missed, the entrepreneur refunds every
pledger **and** pays each a bonus, which makes pledging each person's best move
whatever the others do. A *threshold pledge* ("I will do X if N others do") is
the same contract with people counted instead of money.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Terms:
    """What a campaign promises: a goal in money, or a number of pledgers, and any bonus."""

    goal: int | None = None
    """The sum of pledges needed (minor units), or None for a pledge counted in people."""
    threshold: int | None = None
    """The number of pledgers needed, for a threshold pledge."""
    bonus: int = 0
    """Paid to each pledger on failure, on top of the refund (dominant assurance)."""


@dataclass(frozen=True, slots=True)
class Settlement:
    """The outcome and the money it moves: collected for the beneficiary, or refunds."""

    succeeded: bool
    collected: int
    refunds: dict[str, int]
    bonuses: dict[str, int]

    @property
    def bonus_total(self) -> int:
        """What the entrepreneur pays out in bonuses."""
        return sum(self.bonuses.values())


def succeeds(terms: Terms, total: int, pledgers: int) -> bool:
    """Whether pledges of ``total`` from ``pledgers`` people meet the terms at the deadline."""
    if terms.threshold is not None:
        return pledgers >= terms.threshold
    return terms.goal is not None and total >= terms.goal


def settle(terms: Terms, held: Mapping[str, int], *, extra_pledgers: int = 0) -> Settlement:
    """Close a campaign over the pledges still ``held`` (pledger → amount).

    ``extra_pledgers`` counts pledgers recorded elsewhere (other nodes' counts of a
    threshold pledge); they are counted, but their money is not held here.
    """
    total = sum(held.values())
    pledgers = len(held) + extra_pledgers
    if succeeds(terms, total, pledgers):
        return Settlement(True, total, {}, {})
    refunds = {did: amount for did, amount in sorted(held.items()) if amount > 0}
    bonuses = {did: terms.bonus for did in sorted(held)} if terms.bonus else {}
    return Settlement(False, 0, refunds, bonuses)


def payoff(settlement: Settlement, pledger: str, *, pledged: int, value: int) -> int:
    """A pledger's net gain: the good's ``value`` to them if it is made, less what they
    paid; or their bonus if the campaign failed (the refund makes them whole)."""
    if settlement.succeeded:
        return value - pledged
    return settlement.refunds.get(pledger, 0) - pledged + settlement.bonuses.get(pledger, 0)

"""The postings a campaign makes: pledges into escrow, then collection or refunds.

Pure functions of the campaign record, for the treasury's ledger (see
``funding.postings``). A pledge moves the pledger's money from their account into
the campaign's escrow account (``campaign:<id>``); withdrawing it before the
deadline moves it back; at the close the escrow is emptied either to the
beneficiary (success) or back to every pledger (failure). A dominant assurance
contract's author puts the most its bonuses could cost — the bonus times the most
pledgers a failure can have — into the same escrow at launch, so the promise is
backed and the close can never fail for want of money: on failure each pledger is
paid the bonus from it, and whatever is left (all of it, on success) goes back to
the author. A campaign of pledged actions moves no money.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.funding.assurance import Settlement
from commonweal.domain.funding.postings import (
    Posting,
    campaign_account,
    member_account,
    treasury_account,
)


def beneficiary_account(record: dict[str, Any], node_did: str) -> str:
    """Where a successful campaign's money goes: a member, or the node's treasury."""
    if record["beneficiary"] == node_did:
        return treasury_account()
    return member_account(record["beneficiary"])


def bonus_reserve(record: dict[str, Any]) -> int:
    """What a dominant assurance contract's author escrows at launch: the bonus times the
    most pledgers a failed campaign can have (each pledges exactly ``price``, so a
    failure has at most ``(goal - 1) // price`` of them). Zero for other kinds."""
    if not record["bonus"] or not record["price"]:
        return 0
    return int(record["bonus"]) * ((int(record["goal"]) - 1) // int(record["price"]))


def launch_postings(record: dict[str, Any]) -> list[Posting]:
    """A dominant assurance contract's bonus reserve, from its author into escrow."""
    reserve = bonus_reserve(record)
    if reserve == 0:
        return []
    return [
        Posting(
            member_account(record["author"]),
            campaign_account(record["id"]),
            record["unit"],
            reserve,
            f"campaign {record['id']}: refund bonus reserve",
        )
    ]


def pledge_postings(record: dict[str, Any], pledger: str, amount: int) -> list[Posting]:
    """A pledge: the pledger's money into escrow."""
    escrow, memo = campaign_account(record["id"]), f"pledge to campaign {record['id']}"
    return _pledge_money(record, member_account(pledger), escrow, amount, memo)


def withdrawal_postings(record: dict[str, Any], pledger: str, amount: int) -> list[Posting]:
    """A pledge withdrawn before the deadline: the money back from escrow."""
    escrow, memo = campaign_account(record["id"]), f"pledge to campaign {record['id']} withdrawn"
    return _pledge_money(record, escrow, member_account(pledger), amount, memo)


def _pledge_money(
    record: dict[str, Any], source: str, destination: str, amount: int, memo: str
) -> list[Posting]:
    """One pledger's money moving; none for a campaign of actions or a zero amount."""
    if record["unit"] is None or amount == 0:
        return []
    return [Posting(source, destination, record["unit"], amount, memo)]


def closing_postings(
    record: dict[str, Any], settlement: Settlement, node_did: str
) -> list[Posting]:
    """The close: escrow to the beneficiary, or every refund and bonus; the rest of any
    bonus reserve back to the author.

    A failed campaign's bonuses never exceed the reserve; a cancelled one's can (its
    author may call it off after the goal was met), and then the author pays the
    difference into escrow from their own account.
    """
    unit = record["unit"]
    if unit is None:
        return []
    escrow = campaign_account(record["id"])
    author = member_account(record["author"])
    postings = []
    if settlement.succeeded and settlement.collected:
        postings.append(
            Posting(
                escrow,
                beneficiary_account(record, node_did),
                unit,
                settlement.collected,
                f"campaign {record['id']} succeeded: pledges collected",
            )
        )
    postings.extend(
        Posting(escrow, member_account(did), unit, amount, f"campaign {record['id']}: refund")
        for did, amount in settlement.refunds.items()
    )
    postings.extend(
        Posting(escrow, member_account(did), unit, bonus, f"campaign {record['id']}: refund bonus")
        for did, bonus in settlement.bonuses.items()
    )
    left = bonus_reserve(record) - settlement.bonus_total
    if left > 0:
        memo = f"campaign {record['id']}: bonus reserve returned"
        postings.append(Posting(escrow, author, unit, left, memo))
    elif left < 0:
        memo = f"campaign {record['id']}: bonuses beyond the reserve, paid by its author"
        postings.append(Posting(author, escrow, unit, -left, memo))
    return postings

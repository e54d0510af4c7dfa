"""The postings a campaign makes: pledges into escrow, then collection or refunds.

Pure functions of the campaign record, for the treasury's ledger (see
``funding.postings``). A pledge moves the pledger's money into the campaign's
escrow account; withdrawing it before the deadline moves it back; at the close
the escrow is emptied either to the beneficiary (success) or back to every
pledger (failure), and on the failure of a dominant assurance contract its
author pays each pledger the bonus. A campaign of pledged actions moves no money.
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


def pledge_postings(record: dict[str, Any], pledger: str, amount: int) -> list[Posting]:
    """A pledge: the pledger's money into escrow."""
    if record["unit"] is None or amount == 0:
        return []
    return [
        Posting(
            member_account(pledger),
            campaign_account(record["id"]),
            record["unit"],
            amount,
            f"pledge to campaign {record['id']}",
        )
    ]


def withdrawal_postings(record: dict[str, Any], pledger: str, amount: int) -> list[Posting]:
    """A pledge withdrawn before the deadline: the money back from escrow."""
    if record["unit"] is None or amount == 0:
        return []
    return [
        Posting(
            campaign_account(record["id"]),
            member_account(pledger),
            record["unit"],
            amount,
            f"pledge to campaign {record['id']} withdrawn",
        )
    ]


def closing_postings(
    record: dict[str, Any], settlement: Settlement, node_did: str
) -> list[Posting]:
    """The close: escrow to the beneficiary, or every refund and bonus."""
    unit = record["unit"]
    if unit is None:
        return []
    escrow = campaign_account(record["id"])
    if settlement.succeeded:
        if settlement.collected == 0:
            return []
        return [
            Posting(
                escrow,
                beneficiary_account(record, node_did),
                unit,
                settlement.collected,
                f"campaign {record['id']} succeeded: pledges collected",
            )
        ]
    postings = [
        Posting(escrow, member_account(did), unit, amount, f"campaign {record['id']}: refund")
        for did, amount in settlement.refunds.items()
    ]
    postings.extend(
        Posting(
            member_account(record["author"]),
            member_account(did),
            unit,
            bonus,
            f"campaign {record['id']}: refund bonus",
        )
        for did, bonus in settlement.bonuses.items()
    )
    return postings

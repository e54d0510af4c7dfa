"""The postings rounds and pools make, for the treasury's ledger (see ``postings``).

A round's matching pool moves into the round's account when it opens, from where
the round says (``from``: the opener's own account, or the node or a fund when a
passed proposal opened it); contributions go straight from the contributor's
account to the project's beneficiary; at the close each project's match goes from
the round's account to its beneficiary and whatever the matches leave goes back
where the pool came from, so the round's account ends at zero. A conviction pool
is filled by members' deposits and pays a proposal's beneficiary when it passes.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.funding.postings import (
    Posting,
    member_account,
    pool_account,
    round_account,
)


def opening_postings(round_record: dict[str, Any]) -> list[Posting]:
    """The matching pool, from where it comes into the round."""
    return [
        Posting(
            round_record["from"],
            round_account(round_record["id"]),
            round_record["unit"],
            round_record["pool"],
            f"matching pool of round {round_record['id']}",
        )
    ]


def contribution_postings(
    round_record: dict[str, Any], project: dict[str, Any], contributor: str, amount: int
) -> list[Posting]:
    """A contribution, from the member to the project's beneficiary."""
    return [
        Posting(
            member_account(contributor),
            member_account(project["beneficiary"]),
            round_record["unit"],
            amount,
            f"contribution to project {project['id']} in round {round_record['id']}",
        )
    ]


def closing_postings(
    round_record: dict[str, Any], beneficiaries: dict[str, str], matches: dict[str, int]
) -> list[Posting]:
    """Each match to its project's beneficiary; the rest of the pool back where it came from."""
    unit, source = round_record["unit"], round_account(round_record["id"])
    postings = [
        Posting(
            source,
            member_account(beneficiaries[project_id]),
            unit,
            amount,
            f"match for project {project_id} in round {round_record['id']}",
        )
        for project_id, amount in matches.items()
        if amount > 0
    ]
    left = round_record["pool"] - sum(matches.values())
    if left > 0:
        postings.append(
            Posting(
                source,
                round_record["from"],
                unit,
                left,
                f"unspent pool of round {round_record['id']}",
            )
        )
    return postings


def deposit_postings(pool_record: dict[str, Any], member: str, amount: int) -> list[Posting]:
    """A member's deposit into a conviction pool."""
    return [
        Posting(
            member_account(member),
            pool_account(pool_record["id"]),
            pool_record["unit"],
            amount,
            f"deposit to pool {pool_record['id']}",
        )
    ]


def payout_postings(pool_record: dict[str, Any], proposal: dict[str, Any]) -> list[Posting]:
    """A passed proposal's request, from the pool to its beneficiary."""
    return [
        Posting(
            pool_account(pool_record["id"]),
            member_account(proposal["beneficiary"]),
            pool_record["unit"],
            proposal["amount"],
            f"proposal {proposal['id']} of pool {pool_record['id']} passed",
        )
    ]

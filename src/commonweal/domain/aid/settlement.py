"""How help is settled: as a gift, in mutual credit, or in time-bank hours.

The one who received the help settles it. A gift moves nothing. A settlement in
mutual credit moves ``amount`` minor units of a credit ``unit`` from the
recipient to the helper; one in hours moves time-bank minutes (unit ``hours``,
kept in whole minutes: 90 is an hour and a half), which the ledger counts in the
node's declared unit of kind hours (``funding.postings.to_ledger`` converts them,
exactly: 90 minutes are 150 hundredths of an hour). :func:`settlement_postings`
is what the settlement hands to the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.aid.records import helper, recipient
from commonweal.domain.errors import InvalidBody
from commonweal.domain.funding import fields
from commonweal.domain.funding.postings import HOURS as HOURS_UNIT  # whole minutes
from commonweal.domain.funding.postings import Posting, member_account
from commonweal.domain.words import Number

GIFT, CREDIT, HOURS = "gift", "credit", "hours"
MAX_MINUTES = 100_000


def parse_settlement(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"as": "gift"}``, ``{"as": "credit", "amount", "unit"}`` or ``{"as": "hours", "minutes"}``,
    in normal form: as, amount, unit (a gift has amount 0 and no unit)."""
    kind = body.get("as")
    if kind == GIFT:
        fields.only(body, {"post", "as"})
        return {"as": GIFT, "amount": 0, "unit": None}
    if kind == CREDIT:
        fields.only(body, {"post", "as", "amount", "unit"}, {"amount", "unit"})
        return {"as": CREDIT, "amount": fields.amount(body, "amount"), "unit": fields.unit(body)}
    if kind == HOURS:
        fields.only(body, {"post", "as", "minutes"}, {"minutes"})
        minutes = fields.amount(body, "minutes")
        if minutes > MAX_MINUTES:
            raise InvalidBody("minutes may be at most %(most)s", most=Number(MAX_MINUTES))
        return {"as": HOURS, "amount": minutes, "unit": HOURS_UNIT}
    raise InvalidBody("as must be gift, credit or hours")


def settlement_postings(record: dict[str, Any]) -> list[Posting]:
    """What a settled post moves: nothing for a gift, else recipient → helper."""
    settlement = record["settlement"]
    if settlement is None or settlement["as"] == GIFT:
        return []
    payer, payee = recipient(record), helper(record)
    assert payer is not None and payee is not None
    return [
        Posting(
            member_account(payer),
            member_account(payee),
            settlement["unit"],
            settlement["amount"],
            f"aid {record['kind']} {record['id']}: {record['title']}"[:200],
        )
    ]

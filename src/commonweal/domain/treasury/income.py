"""Income from outside the books — a bank transfer, a donation, a grant — recorded by a treasurer.

The treasurer names where the money went (the node, a fund, or a member's account
when a member pays money in to pledge, contribute or pay deposits with it), how
much, what kind of income it was, and the SHA-256 digest of the evidence (the bank
statement line, the receipt). The document itself stays off the log, so no
donor's name or account number is ever published; anyone holding the document
can check it against the digest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import InvalidBody, NotPermitted
from commonweal.domain.fields import amount, only, optional_text, sha256_digest
from commonweal.domain.membership.records import require_permission
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.treasury.accounts import (
    EXTERNAL,
    kind_of,
    member_account,
    parse_account,
    require_open,
)
from commonweal.domain.treasury.ledger import MAX_MEMO, move
from commonweal.domain.treasury.records import SPEND
from commonweal.domain.treasury.units import parse_code

RECORDED = "treasury.income.recorded"
_SOURCE = re.compile(r"^[a-z][a-z_]{1,29}$")


@dataclass(frozen=True, slots=True)
class Income:
    """Body of ``treasury.income.recorded``."""

    to: str
    unit: str
    amount: int
    source: str
    evidence: str
    memo: str


def parse_income(body: Mapping[str, Any]) -> Income:
    """``{"to", "unit", "amount", "source", "evidence": "sha256:…", "memo"?}``."""
    only(body, {"to", "unit", "amount", "source", "evidence", "memo"})
    to = parse_account(body.get("to"), "to")
    if kind_of(to) not in ("node", "fund", "member"):
        raise InvalidBody('income goes to "node", a fund or a member\'s account')
    source = body.get("source")
    if not isinstance(source, str) or not _SOURCE.match(source):
        raise InvalidBody("source is a short word: donation, bank_transfer, grant, dues, sale, …")
    return Income(
        to=to,
        unit=parse_code(body.get("unit")),
        amount=amount(body),
        source=source,
        evidence=sha256_digest(body, "evidence"),
        memo=optional_text(body, "memo", max_length=MAX_MEMO),
    )


def apply_income(state: State, ctx: Context, income: Income) -> None:
    """A treasurer records money that came in from outside (never into their own account)."""
    require_permission(state, ctx, SPEND)
    if income.to == member_account(ctx.author):
        raise NotPermitted(
            "another treasurer records money you pay in to your own account", code="own_income"
        )
    require_open(state, income.to)
    move(
        state,
        ctx,
        EXTERNAL,
        income.to,
        income.amount,
        unit=income.unit,
        kind=f"income:{income.source}",
        memo=income.memo,
        evidence=income.evidence,
    )

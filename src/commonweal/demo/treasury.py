"""The demo's treasury chapter: a year of Riverside Commons' money, and its time bank.

The chapter runs before the governance chapter, over the twelve months that end
two months before today: the demo clock starts 400 days ago, and receipt times
never go backwards, so the year is told first and the governance chapter then
resumes sixty days ago, as it always did.

In euros: monthly dues by bank transfer and donations, each recorded by a
treasurer with the digest of its bank statement line (the statement itself stays
off the log); a budget for the garden fund with line items; expenses drafted by
members, approved by the two treasurers (Farah and Dalia) and paid; one rejected,
one still waiting for its second approval, one approved and waiting to be paid, and
one a draft; and a spending proposal, passed by vote, that moves money to the
workshop fund for a lathe and adopts the workshop's budget. In hours: a time bank
run as mutual credit, where members pay each other for help into negative balances
within their limits, record what they owe, and clear a cycle of debts; a second
cycle waits for someone to clear it. Riverside credit (RVC), a community currency
also run as mutual credit, is declared for the mutual aid of the later chapters. In
the last month members pay money into their own accounts for the spring appeals,
each payment recorded by a treasurer with its statement line's digest (never by the
payer themself): what they later pledge, contribute, stake and leave as deposits is
that money, moving in the ledger.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, timedelta
from typing import TYPE_CHECKING, Any

from commonweal.core.rfc3339 import parse_utc
from commonweal.node.services import credit, governance

if TYPE_CHECKING:
    from commonweal.demo.seed import Story

HANA = "hana-new-phone"
"""Hana recovered her membership onto a new key in the membership chapter."""
TREASURERS = ("farah", "dalia")
MEMBERS = ("amara", "bruno", "chen", "dalia", "emil", "farah", HANA)
YEAR_STARTS_DAYS_AGO = 395
MONTH = 30
DUES = 1_500
"""15.00 EUR a month from each member."""
PAID_IN = {
    "amara": 600_000,
    "bruno": 400_000,
    "chen": 400_000,
    "dalia": 150_000,
    "emil": 100_000,
    "farah": 700_000,
    HANA: 20_000,
}
"""What each member pays into their account for the spring appeals, in EUR minor units."""


def tell(story: Story) -> None:
    """A year of the treasury, month by month."""
    story.skip_to(days_before_now=YEAR_STARTS_DAYS_AGO)
    _open_books(story)
    for month in range(12):
        story.skip_to(days_before_now=YEAR_STARTS_DAYS_AGO - month * MONTH)
        _dues(story, month)
        for chapter in CHAPTERS.get(month, ()):
            chapter(story)


def _open_books(story: Story) -> None:
    story.as_node(
        "treasury.unit.declared", {"code": "EUR", "name": "Euro", "exponent": 2, "kind": "fiat"}
    )
    story.as_node(
        "treasury.unit.declared",
        {"code": "HOUR", "name": "Time-bank hour", "exponent": 2, "kind": "hours"},
    )
    story.as_node(
        "treasury.unit.declared",
        {"code": "RVC", "name": "Riverside credit", "exponent": 2, "kind": "community"},
    )
    for fund, title, description in (
        ("garden", "Garden fund", "Seeds, soil, tools and water for the community garden."),
        ("workshop", "Workshop fund", "Machines, tools and safety gear for the shared workshop."),
        ("solidarity", "Solidarity fund", "Help for members in a hard month, no questions asked."),
    ):
        story.as_node(
            "treasury.fund.opened", {"fund": fund, "title": title, "description": description}
        )
    story.as_node("treasury.policy.set", {"approvals_required": 2})
    story.act(
        "amara", "membership.role.granted", {"member": story.did("dalia"), "role": "treasurer"}
    )
    start = _today(story)
    story.as_node(
        "treasury.budget.set",
        {
            "fund": "garden",
            "name": _year_name(start),
            "unit": "EUR",
            "start": start.isoformat(),
            "end": (start + timedelta(days=364)).isoformat(),
            "lines": [
                {"line": "seeds", "title": "Seeds and plants", "amount": 30_000},
                {"line": "soil", "title": "Soil and compost", "amount": 25_000},
                {"line": "tools", "title": "Garden tools and repairs", "amount": 20_000},
                {"line": "water", "title": "Water and irrigation", "amount": 15_000},
            ],
        },
    )
    limits = {
        "default": {"min": -2_000, "max": 4_000},
        "roles": {"steward": {"min": -3_000, "max": 6_000}},
    }
    story.as_node("credit.policy.set", {"unit": "HOUR", "limits": limits})
    story.as_node(
        "credit.policy.set", {"unit": "RVC", "limits": {"default": {"min": -10_000, "max": 20_000}}}
    )
    _income(story, 120_000, "node", "grant", "Neighbourhood fund: community grant")
    _income(story, 50_000, "fund:garden", "donation", "Garden open day donations")


def _dues(story: Story, month: int) -> None:
    """The month's dues arrive in one bank transfer batch; Farah records them."""
    _income(story, DUES * len(MEMBERS), "node", "dues", f"Dues, month {month + 1}")


def _income(
    story: Story, amount: int, to: str, source: str, memo: str, by: str = "farah", payer: str = ""
) -> None:
    body = {
        "to": to,
        "unit": "EUR",
        "amount": amount,
        "source": source,
        "evidence": _digest(f"Riverside Commons bank statement: {memo}, {amount}{payer}"),
        "memo": memo,
    }
    story.act(by, "treasury.income.recorded", body)


def _pay_ins(story: Story) -> None:
    """Members pay into their own accounts for the spring appeals (the roof, the meadow, the
    rounds); a treasurer records each, never their own (Dalia records Farah's)."""
    for name, amount in PAID_IN.items():
        _income(
            story,
            amount,
            "member:" + story.did(name),
            "bank_transfer",
            "Paid in for the spring appeals",
            by="dalia" if name == "farah" else "farah",
            payer=f", {name}",  # on the statement line behind the digest, not in the memo
        )


def _expense(
    story: Story,
    name: str,
    fund: str,
    amount: int,
    title: str,
    *,
    line: str = "",
    items: list[tuple[str, int]] | None = None,
    stop: str = "PAID",
    method: str = "external",
) -> int:
    """An expense moved along to ``stop``: approved by both treasurers, paid by one."""
    body: dict[str, Any] = {
        "fund": fund,
        "unit": "EUR",
        "amount": amount,
        "title": title,
        "evidence": [_digest(f"receipt: {title}")],
    }
    if line:
        body["line"] = line
    if items:
        body["items"] = [{"title": t, "amount": a} for t, a in items]
    expense = story.act(name, "treasury.expense.drafted", body).index
    if stop == "DRAFT":
        return expense
    story.act(name, "treasury.expense.submitted", {"expense": expense})
    approvers = [t for t in TREASURERS if t != name]
    for approver in approvers[: 1 if stop == "PENDING" else 2]:
        story.act(approver, "treasury.expense.approved", {"expense": expense})
    if stop == "PAID":
        payment = {"expense": expense, "method": method, "evidence": _digest(f"paid: {title}")}
        story.act(approvers[0], "treasury.expense.paid", payment)
    return expense


def _month_1(story: Story) -> None:
    _expense(
        story,
        "amara",
        "garden",
        8_640,
        "Spring seeds",
        line="seeds",
        items=[("Vegetable seeds", 4_890), ("Flower seeds", 1_750), ("Seed trays", 2_000)],
    )
    _hours(story, "emil", "bruno", 200, "Bruno fixed Emil's bike")
    _hours(story, HANA, "chen", 150, "Chen taught Hana to use the lathe")


def _month_2(story: Story) -> None:
    _expense(story, "chen", "garden", 14_500, "Compost delivery", line="soil")
    _income(story, 25_000, "fund:solidarity", "donation", "Donation to the solidarity fund")
    _hours(story, "amara", "dalia", 300, "Dalia translated the grant report")


def _month_3(story: Story) -> None:
    """The assembly decides, by a spending proposal, to fund a lathe for the workshop."""
    start = _today(story)
    _pass(
        story,
        "bruno",
        "Fund a lathe for the workshop",
        "Move 900 euros from the general treasury to the workshop fund and adopt its budget.",
        [
            {
                "type": "treasury.transfer",
                "from": "node",
                "to": "fund:workshop",
                "unit": "EUR",
                "amount": 90_000,
                "memo": "For the lathe, as the assembly decided",
            },
            {
                "type": "treasury.budget.set",
                "fund": "workshop",
                "name": _year_name(start),
                "unit": "EUR",
                "start": start.isoformat(),
                "end": (start + timedelta(days=300)).isoformat(),
                "lines": [
                    {"line": "machines", "title": "Machines", "amount": 75_000},
                    {"line": "safety", "title": "Safety gear", "amount": 15_000},
                ],
            },
        ],
    )


def _month_4(story: Story) -> None:
    _expense(story, "bruno", "workshop", 72_000, "Second-hand lathe", line="machines")
    _debts(story)


def _month_5(story: Story) -> None:
    _expense(story, HANA, "solidarity", 15_000, "Help with the heating bill", method="account")
    rejected = _expense(story, "emil", "garden", 30_000, "Summer party supplies", stop="PENDING")
    story.act(
        "dalia",
        "treasury.expense.rejected",
        {"expense": rejected, "reason": "Not a garden cost: bring it to the assembly."},
    )
    _hours(story, "bruno", "farah", 250, "Farah did Bruno's accounts")


def _month_6(story: Story) -> None:
    """Amara runs a clearing of the time bank's debts: the cycle is set off."""
    claim = credit.clearing_preview(story.node, "HOUR")["claim"]
    story.act("amara", "credit.clearing.completed", claim)


def _month_7(story: Story) -> None:
    _expense(story, "emil", "garden", 9_500, "Water pump repair", line="water")
    story.act("emil", "credit.obligation.settled", {"obligation": _open_debt(story, "emil")})


def _month_8(story: Story) -> None:
    _income(story, 40_000, "fund:garden", "donation", "Harvest fair donations")
    _expense(story, "chen", "garden", 6_200, "Pruning shears and gloves", line="tools")


def _month_9(story: Story) -> None:
    _expense(story, "chen", "workshop", 13_000, "Safety glasses and ear defenders", line="safety")
    _hours(story, "dalia", HANA, 100, "Hana walked Dalia's dog")


def _month_10(story: Story) -> None:
    _expense(story, "amara", "garden", 11_800, "Autumn bulbs and mulch", line="seeds")
    _expense(story, HANA, "garden", 6_400, "Rain barrel", line="water", stop="PENDING")


def _month_11(story: Story) -> None:
    _expense(story, "bruno", "workshop", 4_500, "Saw blades", line="machines", stop="DRAFT")
    _expense(story, "chen", "workshop", 3_800, "First-aid kit", line="safety", stop="APPROVED")
    _debts(story, CYCLE_WAITING)
    _pay_ins(story)


CHAPTERS = {
    1: (_month_1,),
    2: (_month_2,),
    3: (_month_3,),
    4: (_month_4,),
    5: (_month_5,),
    6: (_month_6,),
    7: (_month_7,),
    8: (_month_8,),
    9: (_month_9,),
    10: (_month_10,),
    11: (_month_11,),
}


def _hours(story: Story, payer: str, payee: str, amount: int, memo: str) -> None:
    body = {"to": "member:" + story.did(payee), "unit": "HOUR", "amount": amount, "memo": memo}
    story.act(payer, "treasury.transfer.sent", body)


CYCLE_CLEARED = (
    ("dalia", "chen", 300, "Maths tutoring for Dalia's son"),
    ("chen", "amara", 200, "Help moving flat"),
    ("amara", "dalia", 400, "Sewing the garden banners"),
    ("emil", "bruno", 150, "Welding the gate"),
)
"""A cycle Dalia → Chen → Amara → Dalia, set off in month 6, and Emil → Bruno, settled."""
CYCLE_WAITING = (
    ("bruno", "emil", 250, "Lending the bike trailer"),
    ("emil", "farah", 150, "Translating a letter"),
    ("farah", "bruno", 200, "Fixing the kitchen shelf"),
)
"""A cycle Bruno → Emil → Farah → Bruno that nobody has cleared yet (the clearing page)."""


def _debts(story: Story, debts: tuple[tuple[str, str, int, str], ...] = CYCLE_CLEARED) -> None:
    """Debts recorded by the debtors (only a debtor can record what they owe)."""
    for debtor, creditor, amount, memo in debts:
        body = {"creditor": story.did(creditor), "unit": "HOUR", "amount": amount, "memo": memo}
        story.act(debtor, "credit.obligation.recorded", body)


def _open_debt(story: Story, debtor: str) -> int:
    did = story.did(debtor)
    for _id, record in sorted(story.node.state.items("credit.obligations")):
        if record["debtor"] == did and record["open"] > 0:
            return int(record["id"])
    raise LookupError(f"{debtor} owes nothing")


def _pass(story: Story, author: str, title: str, text: str, actions: list[dict[str, Any]]) -> int:
    """A spending proposal discussed, voted on by most members, and executed."""
    body = {"kind": "spending", "topic": "money", "title": title, "text": text, "actions": actions}
    proposal = story.act(author, "governance.proposal.drafted", body).index
    story.act(author, "governance.proposal.submitted", {"proposal": proposal})
    _wait_until(story, proposal, "discussion_until")
    for name, choice in (("amara", "yes"), ("chen", "yes"), ("dalia", "yes"), ("emil", "no")):
        story.act(
            name, "governance.ballot.cast", {"proposal": proposal, "ballot": {"choice": choice}}
        )
    story.act(
        "farah", "governance.ballot.cast", {"proposal": proposal, "ballot": {"choice": "yes"}}
    )
    _wait_until(story, proposal, "voting_until")
    return proposal


def _wait_until(story: Story, proposal: int, deadline: str) -> None:
    until = parse_utc(story.node.state.get("governance.proposals", proposal)[deadline])
    story.wait((until - story.node.clock()).total_seconds() + 60)
    governance.run_due(story.node)


def _today(story: Story) -> date:
    return story.node.clock().astimezone(UTC).date()


def _year_name(start: date) -> str:
    return f"{start.year}-{(start.year + 1) % 100:02d}"


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()

"""The treasury month by month: what came in, what went out, what it held at each month's
end (the treasury's own balances at the last), and a call after new entries reads them."""

from __future__ import annotations

import itertools

from commonweal.domain.treasury.ledger import balances_in
from commonweal.node.read_models.treasury_history import _KEPT, monthly
from tests.community import Community
from tests.treasury import approved_expense, income, open_treasury


def treasury_held(community: Community, unit: str = "EUR") -> int:
    with community.node.reading() as state:
        held = dict(balances_in(state, unit))
    return sum(v for account, v in held.items() if account == "node" or account.startswith("fund:"))


def test_months_add_up_and_follow_new_entries(community: Community) -> None:
    open_treasury(community)
    start = community.clock.now
    income(community, 10_000)
    income(community, 2_500, to="node")
    first = monthly(community.node, "EUR")
    assert first[-1]["income"] == 12_500 and first[-1]["spending"] == 0
    assert first[-1]["balance"] == treasury_held(community) == 12_500
    assert _KEPT[community.node].upto == community.node.size  # read once, remembered

    community.clock.advance(days=40)  # the next month (or the one after)
    pump = approved_expense(community, "finn", 7_000, title="Pump")
    community.act("carol", "treasury.expense.paid", {"expense": pump, "method": "account"})
    months = monthly(community.node, "EUR")
    assert months[0]["month"] == start.strftime("%Y-%m")
    assert months[0]["income"] == 12_500
    assert months[-1]["spending"] == 7_000 and months[-1]["income"] == 0
    assert months[-1]["balance"] == treasury_held(community) == 5_500
    assert len(months) >= 2 and all(m["month"] < n["month"] for m, n in itertools.pairwise(months))
    assert monthly(community.node, "HOUR") == []

"""The demo's aid and funding chapter leaves every kind of thing to look at, and replays."""

from __future__ import annotations

from pathlib import Path

from commonweal.demo.seed import create_demo
from commonweal.domain.catalog import default_registry
from commonweal.domain.treasury.ledger import balance, balances_in
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import aid, campaigns
from commonweal.node.services import funding as rounds


def test_the_demo_has_aid_campaigns_rounds_and_a_pool(tmp_path: Path) -> None:
    node = create_demo(tmp_path / "demo")
    try:
        posts = aid.listing(node)
        statuses = {p["status"] for p in posts}
        assert {"open", "claimed", "settled"} <= statuses
        settled = {p["settlement"]["as"] for p in posts if p["status"] == "settled"}
        assert settled == {"gift", "hours", "credit"}
        assert any(aid.matches(node, p["id"]) for p in posts if p["status"] == "open")
        leaves = b"".join(e.leaf for e in node.store.entries(0, node.size))
        assert b"east entrance" not in leaves  # relayed messages stay off the log
        by_status = {c["status"] for c in campaigns.campaigns(node)}
        assert by_status == {"open", "succeeded", "failed"}
        assert any(
            c["kind"] == "threshold" and c["status"] == "succeeded"
            for c in campaigns.campaigns(node)
        )
        views = [rounds.round_view(node, r["id"]) for r in rounds.rounds(node)]
        qf = [v for v in views if v["kind"] == "quadratic"]
        assert {v["status"] for v in qf} == {"open", "closed"}
        closed = next(v for v in qf if v["status"] == "closed")
        assert closed["result"]["matched"] == closed["pool"] and closed["result"]["saturated"]
        [pool] = [v for v in views if v["kind"] == "conviction"]
        assert {p["status"] for p in pool["proposals"]} == {"executed", "open"}
        # every euro, hour and credit of the chapter is in the ledger
        state = node.state
        for view in qf:
            left = view["pool"] if view["status"] == "open" else 0
            assert view["from"] == "node" and balance(state, f"round:{view['id']}", "EUR") == left
        assert balance(state, f"pool:{pool['id']}", "EUR") == pool["funds"]
        for c in campaigns.campaigns(node):
            escrow = balance(state, f"campaign:{c['id']}", "EUR")
            assert escrow == (c["total"] if c["status"] == "open" and c["unit"] else 0)
        kinds = {e["kind"] for _i, e in state.items("treasury.entries")}
        assert {"campaign", "round", "pool", "aid", "deposit"} <= kinds
        units = {e["unit"] for _i, e in state.items("treasury.entries") if e["kind"] == "aid"}
        assert units == {"HOUR", "RVC"}
        for code in ("EUR", "HOUR", "RVC"):
            assert sum(v for _a, v in balances_in(state, code)) == 0
        assert verify_log(node.store, default_registry(), compare_with=node.store).ok
    finally:
        node.close()

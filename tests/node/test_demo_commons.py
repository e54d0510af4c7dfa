"""The demo's commons chapter: what a visitor finds, and that it all verifies."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from commonweal.demo.seed import create_demo, member_dids
from commonweal.domain.catalog import default_registry
from commonweal.domain.treasury.ledger import balance
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import commons, credentials, gatherings, governance


def test_the_demo_tells_the_commons_story(tmp_path: Path) -> None:
    node = create_demo(tmp_path / "demo")
    try:
        names = {did: name for name, did in member_dids(tmp_path / "demo").items()}
        kinds = {r["title"]: r["allocation"] for r in commons.resources(node)}
        assert kinds == {
            "Workshop room": "first_come",
            "Cargo bike": "first_come",
            "Community garden beds": "lottery",
            "Seed library": "open",
        }
        season, autumn = [r for _k, r in sorted(node.state.items("commons.rounds"))]
        assert season["status"] == "allocated" and len(season["allocation"]) == 5
        assert len(season["entries"]) == 7
        assert autumn["status"] == "open" and autumn["start"] == season["end"]
        outcomes = {
            (names[s["member"]], s["sanction"], s["status"]) for s in commons.sanctions(node)
        }
        assert outcomes == {
            ("emil", "suspension", "overturned"),
            ("farah", "warning", "in_force"),
            ("hana-new-phone", "warning", "in_force"),
        }
        (appealed,) = [s for s in commons.sanctions(node) if s["appeal"] and not s["decision"]]
        assert names[appealed["member"]] == "hana-new-phone"
        returned = [
            b
            for b in commons.bookings(node, include_past=True)
            if b["deposit"] and b["deposit"]["status"] == "returned"
        ]
        assert returned
        # the deposit went through the ledger: into the bike's deposits and back out
        ledger = [
            e
            for _i, e in node.state.items("treasury.entries")
            if e["kind"] == "deposit" and e["ref"] == returned[0]["id"]
        ]
        assert [e["type"] for e in ledger] == [
            "commons.deposit.received",
            "commons.deposit.returned",
        ]
        bike = returned[0]["resource"]
        assert balance(node.state, f"deposits:{bike}", "EUR") == 0
        assert len(commons.bookings(node)) >= 5 + 5  # five bookings to come, and the garden season
        (cafe,) = gatherings.gatherings(node, when="past")
        assert (cafe["title"], cafe["attended"]) == ("Repair café", 4)
        now = datetime.now(UTC)
        holders = []
        for did, name in names.items():
            for vc in credentials.credentials_of(node, did):
                if "AttendanceCredential" in vc["type"]:
                    assert credentials.verify(node, vc, now).verified
                    holders.append(name)
        assert sorted(holders) == ["amara", "emil", "farah", "hana-new-phone"]
        coming = {g["title"]: g for g in gatherings.gatherings(node)}
        assert coming["Spring assembly"]["kind"] == "assembly"
        assert coming["Spring assembly"]["going"] == 6
        assert coming["Seed swap"]["waiting"] == 1
        found, _last = governance.proposals(node)
        (proposal,) = [p for p in found if p["kind"] == "commons"]
        assert proposal["phase"] == "discussion"
        assert verify_log(node.store, default_registry(), compare_with=node.store).ok
    finally:
        node.close()

"""``commonweal aid``, ``campaign`` and ``round`` against a live node."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.node.kernel.setup import init_node, write_key_file
from tests.cli.test_cli import run
from tests.mutual import open_node_books
from tests.server import ServerProcess


@pytest.mark.slow
def test_aid_campaign_and_round_commands(tmp_path: Path) -> None:
    keys = {}
    for name in ("ana", "ben"):
        key = SigningKey.generate()
        write_key_file(tmp_path / f"{name}.key", key, None)
        keys[name] = did_key_from_public_key(key.public_key)
    node = init_node(tmp_path / "node", name="CLI Commons", founders=list(keys.values()))
    open_node_books(node, {did: 100_000 for did in keys.values()})  # EUR, HOUR, RVC; money in
    node.close()
    server = ServerProcess(tmp_path / "node").start()

    def as_(name: str, *args: str) -> str:
        done = run(*args, "--key", str(tmp_path / f"{name}.key"), "--node", server.url)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def read(*args: str) -> str:
        done = run(*args, "--node", server.url)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    try:
        # Aid: ben offers, ana claims it and writes through the node; ben reads his inbox.
        offered = as_(
            "ben", "aid", "offer", "Two bikes to lend", "--category", "transport", "--area", "u33dc"
        )
        offer = int(offered.split("Offer ")[1].split(" ")[0])
        assert "Two bikes" in read("aid", "list", "--kind", "offer")
        as_("ana", "aid", "claim", str(offer))
        as_("ana", "aid", "message", str(offer), "Pick-up at six?", "--to", keys["ben"])
        assert "Pick-up at six?" in as_("ben", "aid", "inbox")
        claimed_again = run(
            "aid", "claim", str(offer), "--key", str(tmp_path / "ben.key"), "--node", server.url
        )
        assert claimed_again.returncode == 1 and "own_post" in claimed_again.stderr
        as_("ana", "aid", "settle", str(offer), "--minutes", "60")
        assert json.loads(read("aid", "show", str(offer)))["settlement"]["amount"] == 60
        assert " 1.00 HOUR" in read("treasury", "balance", "member:" + keys["ben"])  # in the ledger
        # A campaign: launched, pledged to, its postings previewed.
        launched = as_(
            "ana", "campaign", "launch", "Barn roof", "--deadline", "10d", "--goal", "5000"
        )
        campaign = int(launched.split("Campaign ")[1].split(" ")[0])
        as_("ben", "campaign", "pledge", str(campaign), "--amount", "1500")
        assert "Barn roof" in read("campaign", "list")
        preview = json.loads(read("campaign", "postings", str(campaign)))
        assert preview["on_failure"][0]["amount"] == 1500
        assert " 15.00 EUR" in read("treasury", "balance", f"campaign:{campaign}")  # in escrow
        # A threshold pledge across the network: its terms, and nothing carried here yet.
        launched = as_(
            "ana", "campaign", "launch", "Trees", "--kind", "threshold", "--threshold", "50",
            "--action", "plant ten trees", "--deadline", "10d", "--network",
            "--report-seconds", "600",
        )  # fmt: skip
        trees = json.loads(read("campaign", "show", launched.split("Campaign ")[1].split(" ")[0]))
        assert (trees["network"], trees["report_seconds"], trees["remote"]) == (True, 600, {})
        assert "No carried campaigns" in read("campaign", "carried")
        # A round and a pool.
        opened = as_("ana", "round", "open", "Spring", "--pool", "1000", "--closes", "7d")
        round_id = int(opened.split("Round ")[1].split(" ")[0])
        entered = as_("ana", "round", "project", str(round_id), "Seeds")
        project = int(entered.split("Project ")[1].split(" ")[0])
        as_("ben", "round", "contribute", str(project), "100")
        shown = json.loads(read("round", "show", str(round_id)))
        assert shown["projects"][0]["contributed"] == 100
        pooled = as_("ana", "round", "pool", "Commons fund")
        pool = int(pooled.split("Pool ")[1].split(" ")[0])
        as_("ben", "round", "fund", str(pool), "5000")
        assert json.loads(as_("ben", "round", "stakes", str(pool)))["free"] == 1000
        assert "conviction" in read("round", "list")
    finally:
        server.stop()

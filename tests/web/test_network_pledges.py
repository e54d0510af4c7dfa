"""A network threshold campaign across live nodes on 127.0.0.1: the sync rounds carry it
to Birch, report Birch's pledgers to Aster and settle Birch's pledges by Aster's close;
the audit checks every report against the reporting node's log and catches a lie."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from commonweal.client.campaign_audit import audit_campaign
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.campaigns import network
from commonweal.node.kernel.movable_clock import ENABLE_VALUE, ENABLE_VARIABLE
from commonweal.node.services.federation.peer_client import PeerClient
from tests.network import (
    HTTP,
    LiveNode,
    latest_checkpoint_size,
    recognize,
    start_node,
    stop_all,
    wait_for,
)

COMMONWEAL = str(Path(sys.executable).parent / "commonweal")
PLEDGED = "campaigns.pledge.made"
REPORT_SECONDS = 60


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Aster (the home, on a clock the test moves), Birch (carries by its sync rounds) and
    Cedar (whose sync never runs: the test acts as its operator, and lies)."""
    clock_file = tmp_path / "aster-clock"
    clock_file.write_text("0")
    aster = start_node(
        tmp_path,
        "aster",
        args=["--test-clock-file", str(clock_file)],
        env={ENABLE_VARIABLE: ENABLE_VALUE},
    )
    birch = start_node(tmp_path, "birch")
    cedar = start_node(tmp_path, "cedar", sync_seconds=3600)
    for one, other in ((aster, birch), (birch, aster), (aster, cedar), (cedar, aster)):
        recognize(one, other)
    try:
        yield {"aster": aster, "birch": birch, "cedar": cedar, "clock": clock_file}
    finally:
        stop_all([aster, birch, cedar])


def first_copy(node: LiveNode) -> dict[str, Any] | None:
    """The first campaign ``node`` carries, if any."""
    found: list[dict[str, Any]] = node.get("/v1/campaigns/carried")["carried"]
    return found[0] if found else None


def as_operator(node: LiveNode, event_type: str, body: dict[str, Any]) -> Any:
    """An event signed with ``node``'s own key for its own log (what its sync would log)."""
    with PeerClient(node.url, http=HTTP) as client:
        return client.submit_as(node.key, event_type, body)


@pytest.mark.slow
def test_pledges_across_nodes_carried_reported_settled_and_audited(
    nodes: dict[str, Any],
) -> None:
    aster, birch, cedar = nodes["aster"], nodes["birch"], nodes["cedar"]
    deadline = format_utc(datetime.now(UTC) + timedelta(seconds=10))
    launch = {
        "kind": "threshold",
        "title": "Plant a thousand trees",
        "action": "plant ten trees on the first Saturday",
        "threshold": 4,
        "deadline": deadline,
        "network": True,
        "report_seconds": REPORT_SECONDS,
    }
    campaign = aster.submit(aster.members[0], "campaigns.campaign.launched", body=launch)["index"]
    # Birch's sync round carries it, from its verified mirror of Aster's log.
    copy = wait_for(lambda: first_copy(birch), what="Birch carrying it")
    assert (copy["home"], copy["campaign"], copy["home_url"]) == (aster.did, campaign, aster.url)
    # Cedar's operator carries it by hand, from Aster's log entry.
    logged = aster.get(f"/v1/events/{campaign}")
    body = {
        "home": aster.did,
        "campaign": campaign,
        "launch": logged["event"]["body"],
        "launched_at": logged["received"],
    }
    as_operator(cedar, network.CARRIED_EVENT, body)
    for member in aster.members[:2]:
        aster.submit(member, PLEDGED, body={"campaign": campaign, "home": aster.did})
    birch.submit(birch.members[0], PLEDGED, body={"campaign": campaign, "home": aster.did})
    cedar.submit(cedar.members[0], PLEDGED, body={"campaign": campaign, "home": aster.did})
    # Before the deadline Birch's sync tells Aster how many pledged there so far.
    wait_for(
        lambda: aster.get(f"/v1/campaigns/{campaign}")["progress"][birch.did]["pledgers"] == 1,
        what="Birch's count so far reaching Aster",
    )
    # At the deadline Birch closes its copy (1 pledger) and its sync reports it to Aster.
    record = wait_for(
        lambda: (r := aster.get(f"/v1/campaigns/{campaign}"))["remote"].get(birch.did) == 1 and r,
        what="Birch's report reaching Aster",
    )
    assert record["status"] == "open" and record["pledgers"] == 2
    # Cedar closed its copy with 1 pledger too, but its operator reports 2 (named) to Aster.
    closed = wait_for(
        lambda: (c := first_copy(cedar) or {}).get("status") == "closed" and c,
        what="Cedar closing its copy",
    )
    lie = {
        "campaign": campaign,
        "pledgers": 2,
        "members": sorted(cedar.events.did(name) for name in cedar.members[:2]),
        "source": {
            "origin": cedar.origin,
            "carried": closed["id"],
            "closed": closed["closed_index"],
        },
    }
    with PeerClient(aster.url, http=HTTP) as client:
        client.submit_as(cedar.key, network.REPORTED, lie)
    # Aster closes once the reporting time is over: 2 + 1 + 2 people ≥ 4.
    nodes["clock"].write_text(str(REPORT_SECONDS + 5))
    record = wait_for(
        lambda: (r := aster.get(f"/v1/campaigns/{campaign}"))["status"] != "open" and r,
        what="Aster closing the campaign",
    )
    assert record["status"] == "succeeded"
    assert record["remote"] == {birch.did: 1, cedar.did: 2}
    # Birch's sync settles its copy by Aster's close, from its mirror: the pledge binds.
    settled = wait_for(
        lambda: (c := first_copy(birch) or {}).get("status") == "settled" and c,
        what="Birch settling its copy",
    )
    assert (settled["outcome"], settled["home_closed"]) == ("succeeded", record["closed_index"])
    shown = birch.get(f"/v1/campaigns/carried/{campaign}", home=aster.did)
    assert [p["status"] for p in shown["pledges"]] == ["binding"]
    # The audit: Birch's report is its log's closing, and it settled by Aster's closing;
    # Cedar's report is not its log's closing.
    wait_for(
        lambda: latest_checkpoint_size(birch) > settled["settled_index"],
        what="Birch's checkpoint covering its settlement",
    )
    audit = audit_campaign(aster.url, campaign, http=HTTP)
    checks = {node: (ok, detail) for node, ok, detail in audit.checks}
    assert checks[birch.did][0], checks[birch.did]
    assert "settled as succeeded" in checks[birch.did][1]
    assert not checks[cedar.did][0]
    assert "closed its copy with 1" in checks[cedar.did][1]
    assert not audit.ok
    done = subprocess.run(
        [COMMONWEAL, "campaign", "audit", str(campaign), "--node", aster.url],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "FAIL" in done.stdout, done.stdout + done.stderr
    # Every log replays: each copy's closing and Aster's outcome are re-decided.
    for node in (aster, birch, cedar):
        verified = subprocess.run([COMMONWEAL, "verify", node.url], capture_output=True, text=True)
        assert verified.returncode == 0, verified.stdout + verified.stderr

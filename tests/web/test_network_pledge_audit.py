"""The campaign audit in-process (Aster and Birch served by their apps over one
``httpx.Client``): a person pledging at both nodes is counted once, and the audit
agrees; a report whose members are not the ones Birch's closing names is caught."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from commonweal.client.campaign_audit import CampaignAudit, audit_campaign
from commonweal.node.services import campaigns
from commonweal.web.app import create_app
from tests.builders import Clock
from tests.pledges import Pair


@pytest.fixture
def pair(tmp_path: Path, clock: Clock) -> Iterator[Pair]:
    made = Pair(tmp_path, clock, shared=("sam",))
    yield made
    made.close()


class AppTransport(httpx.BaseTransport):
    """Answers each request from a node's app in-process."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.client.request(
            request.method, request.url.raw_path.decode(), content=request.read()
        )
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)


def audit(pair: Pair, campaign: int) -> CampaignAudit:
    """The audit of ``campaign`` at Aster, each node's app mounted at its URL."""
    apps = {"aster": pair.aster, "birch": pair.birch}
    mounts: dict[str, httpx.BaseTransport] = {}
    for name, place in apps.items():
        place.node.checkpoint()
        client = TestClient(create_app(place.node, background_checkpoints=False))
        mounts[f"http://{name}.example"] = AppTransport(client)
    with httpx.Client(mounts=mounts) as http:
        return audit_campaign("http://aster.example", campaign, http=http)


def run(pair: Pair, *, members: list[str] | None = None) -> int:
    """Threshold 3: alice and sam at Aster, carol and sam at Birch; Birch reports (with
    ``members`` in place of its closing's, if given); Aster closes, Birch settles."""
    campaign = pair.launch(threshold=3)
    pair.carry(pair.birch, campaign)
    pair.pledge(pair.aster, "alice", campaign)
    pair.pledge(pair.aster, "sam", campaign)
    pair.pledge(pair.birch, "carol", campaign)
    pair.pledge(pair.birch, "sam", campaign)
    pair.clock.advance(days=7)
    campaigns.run_due(pair.birch.node)
    if members is None:
        pair.report(pair.birch, campaign)
    else:
        pair.report(pair.birch, campaign, members=members)
    pair.clock.advance(seconds=600)
    campaigns.run_due(pair.aster.node)
    pair.settle(pair.birch, campaign)
    return campaign


def test_the_audit_counts_people_once_and_passes(pair: Pair) -> None:
    campaign = run(pair)
    assert pair.record(campaign)["status"] == "succeeded"
    found = audit(pair, campaign)
    assert found.ok, (found.checks, found.totals)
    totals = {name: detail for name, _ok, detail in found.totals}
    assert "2 here + 2 elsewhere = 4 pledges by 3 people (1 duplicates removed)" in totals["people"]
    assert totals["outcome"] == "3 people of 3: succeeded"
    ((node, ok, detail),) = found.checks
    assert node == pair.birch.did and ok and "each named" in detail


def test_the_audit_catches_a_report_naming_other_members(pair: Pair) -> None:
    """Birch's node key reports carol and dan, though its closing names carol and sam:
    Aster cannot know (Birch's log is not in its rule), the audit does."""
    carol, dan = pair.birch.member("carol"), pair.birch.member("dan")
    campaign = run(pair, members=sorted([carol, dan]))
    record = pair.record(campaign)
    assert (record["people"], record["status"]) == (4, "succeeded")
    found = audit(pair, campaign)
    assert not found.ok
    ((node, ok, detail),) = found.checks
    assert node == pair.birch.did and not ok
    assert "other members for this report" in detail


def test_the_campaign_shows_pledges_and_people_counted_once(pair: Pair) -> None:
    campaign = run(pair)
    sam, carol = pair.birch.member("sam"), pair.birch.member("carol")
    with TestClient(create_app(pair.aster.node, background_checkpoints=False)) as aster:
        shown = aster.get(f"/v1/campaigns/{campaign}").json()
        assert (shown["pledgers"], shown["remote"], shown["people"], shown["duplicates"]) == (
            2,
            {pair.birch.did: 2},
            3,
            1,
        )
        assert shown["reports"][pair.birch.did]["members"] == sorted([sam, carol])
        (listed,) = aster.get("/v1/campaigns", params={"network": "true"}).json()["campaigns"]
        assert listed["people"] == 3 and "members" not in listed["reports"][pair.birch.did]
        html = unescape(aster.get(f"/campaigns/{campaign}").text)
    assert "3 of 3 people pledged" in html
    assert 'data-testid="network-pledges">4<' in html
    assert 'data-testid="network-people"><strong>3</strong> of 3<' in html
    assert "(1 duplicate removed)" in html

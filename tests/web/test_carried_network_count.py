"""A carried network campaign's headline, on the node that carries it, is the count
across the network: the home's answer while the campaign runs (said to be the home's
word, with its time), then the count in the home's closing entry, read from this node's
verified mirror of the home's log (audited), a person who pledged at two nodes once.

The carrying node's federation talks to the home's app through ``httpx`` (in-process,
the real peer client: signed reports, tiles, checkpoints)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from commonweal.cli.campaigns_commands import _network_count
from commonweal.node.services import campaigns
from commonweal.node.services.federation import mirror, pledges
from commonweal.node.services.federation.service import Federation
from commonweal.web.app import create_app
from tests.builders import Clock
from tests.pledges import Pair
from tests.web.test_network_pledge_audit import AppTransport


@pytest.fixture
def pair(tmp_path: Path, clock: Clock) -> Iterator[Pair]:
    made = Pair(tmp_path, clock, shared=("sam",))
    yield made
    made.close()


@contextmanager
def birch_federation(pair: Pair) -> Iterator[Federation]:
    """Birch's federation, reaching Aster's app (serving, its submitter running) at
    Aster's URL."""
    with TestClient(create_app(pair.aster.node, background_checkpoints=False)) as home:
        http = httpx.Client(mounts={"http://aster.example": AppTransport(home)})
        federation = Federation(pair.birch.node, http=http)
        try:
            yield federation
        finally:
            federation.close()


def peer_of(federation: Federation, did: str) -> dict[str, Any]:
    (peer,) = [p for p in federation.recognitions() if p["node"] == did]
    return peer


def sync_round(pair: Pair, federation: Federation, peer: dict[str, Any]) -> list[str]:
    """Aster checkpoints; Birch's round mirrors Aster's log, then does its campaign duties."""
    pair.aster.node.checkpoint()
    mirror.sync(federation, peer)
    return pledges.duties(federation, peer)


def birch_app(pair: Pair, federation: Federation) -> TestClient:
    """Birch's app, sharing what ``federation``'s sync rounds kept in memory."""
    app = create_app(pair.birch.node, background_checkpoints=False)
    app.state.federation.campaign_counts = federation.campaign_counts  # type: ignore[attr-defined]
    return TestClient(app)


def carried_page(pair: Pair, federation: Federation, campaign: int) -> str:
    with birch_app(pair, federation) as birch:
        answer = birch.get(f"/campaigns/carried/{campaign}?home={quote(pair.aster.did)}")
        assert answer.status_code == 200, answer.text[:500]
        return unescape(answer.text)


def carried_api(pair: Pair, federation: Federation, campaign: int) -> dict[str, Any]:
    with birch_app(pair, federation) as birch:
        path = f"/v1/campaigns/carried/{campaign}?home={quote(pair.aster.did)}"
        found: dict[str, Any] = birch.get(path).json()["network"]
        listed = birch.get("/v1/campaigns/carried").json()["carried"]
        assert listed[0]["network"] == found
        return found


def test_the_carried_headline_counts_across_the_network(pair: Pair) -> None:
    with birch_federation(pair) as federation:
        check_the_headline(pair, federation)


def check_the_headline(pair: Pair, federation: Federation) -> None:
    peer = peer_of(federation, pair.aster.did)
    campaign = pair.launch(threshold=3)
    pair.pledge(pair.aster, "alice", campaign)
    pair.pledge(pair.aster, "sam", campaign)

    # The first sync round carries it: Aster's answer says 2, Birch has nobody yet.
    assert "carried campaign" in " ".join(sync_round(pair, federation, peer))
    pair.pledge(pair.birch, "carol", campaign)
    pair.pledge(pair.birch, "sam", campaign)  # one key, a member of both nodes
    html = carried_page(pair, federation, campaign)
    assert 'data-testid="campaign-progress">2 of 3 people pledged across the network<' in html
    assert 'data-testid="carried-count">2<' in html  # pledged here
    assert 'data-testid="network-count-unaudited"' in html and "Not audited yet" in html

    # The next rounds tell Aster Birch's 2 so far, and read it back: 4 so far (sam twice,
    # as the page says may happen until the final reports name the pledgers).
    sync_round(pair, federation, peer)
    sync_round(pair, federation, peer)
    html = carried_page(pair, federation, campaign)
    assert 'data-testid="campaign-progress">4 of 3 people pledged across the network<' in html
    assert "may be in it twice" in html
    counted = carried_api(pair, federation, campaign)
    assert (counted["so_far"], counted["people"], counted["audited"]) == (4, 2, False)
    assert _network_count(counted) == f"4 of 3 (home's count {counted['as_of']})"
    assert counted["as_of"] == federation.stamp()
    with birch_app(pair, federation) as birch:
        listing = unescape(birch.get("/campaigns").text)
    assert "4 of 3 across the network (as its home counts, not audited yet)" in listing

    # The deadline: Birch closes its copy and reports its pledgers; Aster closes.
    pair.clock.advance(days=7)
    campaigns.run_due(pair.birch.node)
    assert any("reported 2" in step for step in sync_round(pair, federation, peer))
    pair.clock.advance(seconds=600)
    campaigns.run_due(pair.aster.node)
    closing = pair.record(campaign)["closed_index"]
    pledges.duties(federation, peer)  # reads the closed campaign; its entry is not mirrored yet
    counted = carried_api(pair, federation, campaign)
    assert (counted["people"], counted["audited"]) == (3, False)

    # Once Birch's mirror of Aster's log holds the closing, the count is audited.
    assert any("settled" in step for step in sync_round(pair, federation, peer))
    html = carried_page(pair, federation, campaign)
    assert 'data-testid="campaign-progress">3 of 3 people pledged across the network<' in html
    assert 'data-testid="network-count-audited"' in html
    assert f"entry {closing} of its log" in html
    counted = carried_api(pair, federation, campaign)
    assert (counted["people"], counted["audited"], counted["outcome"]) == (3, True, "succeeded")
    assert counted["closing_index"] == closing
    # ``commonweal campaign carried`` says the same in its column
    assert _network_count(counted) == f"3 of 3 (audited, entry {closing})"

    # An answer that differs from the home's log is named, and the log's count shown.
    key = (pair.aster.did, campaign)
    federation.campaign_counts[key] = {**federation.campaign_counts[key], "people": 99}
    html = carried_page(pair, federation, campaign)
    assert 'data-testid="network-count-differs"' in html and "3 of 3 people" in html

    # Settled, the count outlives the process's memory: a new federation reads it from
    # the mirror alone.
    fresh = Federation(pair.birch.node)
    try:
        assert fresh.campaign_counts == {}
        counted = carried_api(pair, fresh, campaign)
        assert (counted["people"], counted["audited"]) == (3, True)
    finally:
        fresh.close()


def test_a_carried_campaign_not_heard_of_says_so(pair: Pair) -> None:
    campaign = pair.launch()
    pair.carry(pair.birch, campaign)
    federation = Federation(pair.birch.node)
    try:
        html = carried_page(pair, federation, campaign)
        assert "has not heard the count across the network" in html
        assert 'data-testid="campaign-progress"' not in html
        # A home's answer that is not a count is kept as an error, not shown as figures.
        from commonweal.node.services.federation import campaign_counts

        campaign_counts.keep(federation, pair.aster.did, {"id": campaign, "pledgers": -3})
        html = carried_page(pair, federation, campaign)
        assert "could not read the count across the network" in html and "-3" in html
    finally:
        federation.close()

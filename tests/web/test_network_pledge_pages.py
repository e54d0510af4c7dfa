"""The pages of a network threshold campaign, in-process: at home, the count across the
network with each node's report; at a node that carries it, the campaign with a signed
pledge form naming its home, and a link to its page there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from commonweal.node.services import campaigns
from commonweal.web.app import create_app
from tests.builders import Clock
from tests.pledges import Pair
from tests.web.pages import sign_in


@pytest.fixture
def pair(tmp_path: Path, clock: Clock) -> Iterator[Pair]:
    made = Pair(tmp_path, clock)
    yield made
    made.close()


def client_of(pair: Pair, name: str) -> TestClient:
    place = getattr(pair, name)
    return TestClient(create_app(place.node, background_checkpoints=False))


def page(client: TestClient, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.text[:500])
    return unescape(answer.text)


def hidden(html: str, form_event: str) -> dict[str, str]:
    """The hidden inputs of the signed form for ``form_event``."""
    form = re.search(rf'data-event="{re.escape(form_event)}".*?</form>', html, re.S)
    assert form is not None, form_event
    return dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))


def test_home_and_carrying_pages(pair: Pair) -> None:
    campaign = pair.launch()
    pair.carry(pair.birch, campaign)
    pair.pledge(pair.aster, "alice", campaign)
    pair.pledge(pair.aster, "bob", campaign)
    with client_of(pair, "birch") as birch:
        listing = page(birch, "/campaigns")
        path = f"/campaigns/carried/{campaign}?home={quote(pair.aster.did)}"
        assert "Carried from other nodes" in listing and "Plant a thousand trees" in listing
        sign_in(birch, pair.birch.member("carol"))
        html = page(birch, path)
        assert hidden(html, "campaigns.pledge.made") == {
            "campaign": str(campaign),
            "home": pair.aster.did,
        }
        assert f"http://aster.example/campaigns/{campaign}" in html
        pair.pledge(pair.birch, "carol", campaign)
        html = page(birch, path)
        assert "You pledged to plant ten trees" in html
        assert hidden(html, "campaigns.pledge.withdrawn")["home"] == pair.aster.did
        assert 'data-testid="carried-count">1<' in html
    pair.progress(pair.birch, campaign, 1)
    with client_of(pair, "aster") as aster:
        html = page(aster, f"/campaigns/{campaign}")
        assert 'data-testid="network-so-far">3 of 3<' in html and "1 so far" in html
        assert "<strong>2</strong> of 3" in html  # counted: Aster's own until Birch reports
        # The headline is the count across the network, Birch's latest count included.
        assert 'data-testid="campaign-progress">3 of 3 people pledged across the network<' in html
    pair.clock.advance(days=7)
    campaigns.run_due(pair.birch.node)
    pair.report(pair.birch, campaign)
    with client_of(pair, "aster") as aster:
        html = page(aster, f"/campaigns/{campaign}")
        assert "3 of 3 people pledged" in html
        assert "the nodes that carry it report their counts until" in html
        section = html[html.index('data-testid="network-count"') :]
        assert "Birch" in section and "<strong>3</strong> of 3" in section
        assert "commonweal campaign audit" in section
    pair.clock.advance(seconds=600)
    campaigns.run_due(pair.aster.node)
    pair.settle(pair.birch, campaign)
    with client_of(pair, "birch") as birch:
        html = page(birch, f"/campaigns/carried/{campaign}?home={quote(pair.aster.did)}")
        assert "succeeded" in html and "committed" in html
        assert "campaigns.pledge.made" not in html
        assert "settled: succeeded" in page(birch, "/campaigns")

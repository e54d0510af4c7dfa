"""The demo community's census page: its history over time, read from the seeded demo."""

from __future__ import annotations

from fastapi.testclient import TestClient

from commonweal.node.services import census
from tests.web.pages import Demo, page


def test_the_demo_census_shows_its_history(client: TestClient, demo: Demo) -> None:
    node, _members = demo
    history = census.history(node)
    assert len(history) >= 3
    html = page(client, "/census")
    for chart in ("population", "activity", "gatherings", "footprint", "funds-EUR"):
        assert f'data-chart="{chart}"' in html, chart
    latest = history[-1]
    assert f'data-figure="members">{latest["figures"]["members"]}<' in html
    assert f'data-epoch="{latest["epoch"]}"' in html
    assert any(c["figures"]["funds"].get("EUR") for c in history)  # the treasury's year
    assert any(c["figures"]["attendance"] for c in history)  # the spring's gatherings

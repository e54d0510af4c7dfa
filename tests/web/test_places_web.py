"""Places over HTTP and in the pages: bad input refused with a problem and nothing logged,
the list and one place read back, and markers where an independent projection puts them."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.web import world_map
from commonweal.web.app import create_app
from tests.community import Community
from tests.places import REGISTERED, place_body

CITIES = {
    "Lisbon hub": ("38.7223", "-9.1393"),
    "Quito land": ("-0.1807", "-78.4678"),
    "Auckland workshop": ("-36.8485", "174.7633"),
    "Reykjavik office": ("64.1466", "-21.9426"),
}


@pytest.fixture
def client(community: Community):  # type: ignore[no-untyped-def]
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def post(client: TestClient, community: Community, body: dict, author: str = "alice"):  # type: ignore[no-untyped-def]
    event = community.events.event(author, type=REGISTERED, body=body)
    return client.post("/v1/events", content=orjson.dumps(event))


@pytest.mark.parametrize(
    ("changes", "code", "status"),
    [
        ({"location": {"lat": "-90.5", "lon": "10"}}, "invalid_coordinates", 422),
        ({"location": {"lat": "10", "lon": "200"}}, "invalid_coordinates", 422),
        ({"area_m2": -40}, "negative_area", 422),
        ({"tenure": "borrowed"}, "unknown_tenure", 422),
        ({"resources": [4242]}, "unknown_resource", 404),
        ({"funding": {"campaign": 4242}}, "unknown_funding", 404),
    ],
)
def test_a_bad_place_gets_a_problem_and_nothing_is_logged(
    client: TestClient, community: Community, changes: dict, code: str, status: int
) -> None:
    size = client.get("/v1/events").json()["size"]
    response = post(client, community, place_body(**changes))
    community.events.seqs["alice"] -= 1
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == code and problem["detail"]
    assert client.get("/v1/events").json()["size"] == size
    assert client.get("/v1/places").json()["places"] == []


def test_places_are_listed_and_shown_with_their_footprint(
    client: TestClient, community: Community
) -> None:
    first = post(client, community, place_body()).json()["index"]
    post(client, community, place_body(name="Shared barn", tenure="shared", area_m2=100))
    listing = client.get("/v1/places").json()
    assert [p["name"] for p in listing["places"]] == ["Riverside hub", "Shared barn"]
    assert listing["footprint"]["area_m2"] == 950 and listing["footprint"]["held_area_m2"] == 850
    shown = client.get(f"/v1/places/{first}").json()
    assert shown["location"] == {"lat": "38.7223", "lon": "-9.1393"} and shown["funded_by"] == []
    missing = client.get("/v1/places/99999")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert client.get("/v1/places/-1").json()["code"] == "invalid_request"
    network = client.get("/v1/network/places").json()
    assert network["places"] == 2 and network["nodes"][0]["here"] is True


def independent_position(lat: str, lon: str) -> tuple[Decimal, Decimal]:
    """Plate carrée on a 1000 × 500 box, in exact decimal arithmetic from the strings."""
    x = (Decimal(lon) + 180) * 1000 / 360
    y = (90 - Decimal(lat)) * 500 / 180
    return x, y


def test_the_map_puts_each_marker_where_the_projection_says(
    client: TestClient, community: Community
) -> None:
    for name, (lat, lon) in CITIES.items():
        post(client, community, place_body(name=name, location={"lat": lat, "lon": lon}))
    html = client.get("/places").text
    circles = re.findall(
        r'aria-label="([^"]+)">\s*<title>[^<]*</title>\s*<circle cx="([\d.]+)" cy="([\d.]+)"', html
    )
    assert len(circles) == len(CITIES)
    for label, cx, cy in circles:
        x, y = independent_position(*CITIES[label])
        assert abs(Decimal(cx) - x) <= Decimal("0.005") and abs(Decimal(cy) - y) <= Decimal("0.005")
    # landmarks: the prime meridian at the equator is the centre; Auckland is east, south
    assert world_map.project({"lat": "0", "lon": "0"}) == (500.0, 250.0)
    assert world_map.project({"lat": "90", "lon": "-180"}) == (0.0, 0.0)
    assert world_map.project({"lat": "-90", "lon": "180"}) == (1000.0, 500.0)
    assert "<h2" in html and "Auckland workshop" in html  # the list beside the map


def test_the_outline_is_served_from_the_vendored_atlas_or_said_to_be_missing(
    client: TestClient, tmp_path: Path
) -> None:
    if world_map.outline() is None:
        assert client.get("/map/world.svg").status_code == 404
        assert 'data-testid="outline-missing"' in client.get("/places").text
        return
    svg = client.get("/map/world.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.count("M") > 200  # the countries' rings
    assert '<use href="/map/world.svg#land"' in client.get("/places").text
    world_map.outline.cache_clear()
    assert world_map.outline(tmp_path / "missing.json") is None
    world_map.outline.cache_clear()


def test_the_place_page_follows_the_funding_and_the_network_map_renders(
    client: TestClient, community: Community
) -> None:
    hub = post(client, community, place_body()).json()["index"]
    page = client.get(f"/places/{hub}")
    assert page.status_code == 200 and "Riverside hub" in page.text and "850 m²" in page.text
    assert client.get("/places/4242").status_code == 404
    assert 'href="/network/map"' in client.get("/network").text
    network = client.get("/network/map")
    assert network.status_code == 200 and f'data-place="{hub}"' in network.text

"""The places map in a real browser: the demo's places drawn on the locally served world
outline, each marker where the projection puts it, named for screen readers, and leading
to its place, whose page follows the funding back to the campaign."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from commonweal.demo.seed import create_demo
from tests.server import ServerProcess
from tests.web.browser.steps import Shots, new_page, restore_key, signed_form, watch_errors

DEMO_PLACES = {  # name → (lat, lon), as demo/places.py registers them
    "Riverside hub": (51.0543, 3.7174),
    "The barn": (50.9947, 3.7456),
    "Community garden": (51.0397, 3.7610),
    "Riverside meadow": (50.9836, 3.5275),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, Path]]:
    data_dir = tmp_path_factory.mktemp("places") / "demo-data"
    server = ServerProcess(data_dir)
    create_demo(data_dir, server.url).close()
    server.start()
    yield server, data_dir
    server.stop()


@pytest.mark.slow
def test_the_places_map_in_the_browser(
    browser: Browser, demo: tuple[ServerProcess, Path], artifacts: Path
) -> None:
    server, data_dir = demo
    shot = Shots(artifacts)
    context, page = new_page(browser, viewport={"width": 1400, "height": 900})
    errors = watch_errors(page)
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(server.url) else None,
    )
    page.goto(server.url + "/places")
    expect(page.get_by_role("heading", level=1)).to_have_text("Places")
    world = page.get_by_test_id("world-map")
    expect(world).to_be_visible()
    box = world.bounding_box()
    view = [float(n) for n in (world.get_attribute("viewBox") or "").split()]
    assert box is not None and len(view) == 4
    for name, (lat, lon) in DEMO_PLACES.items():
        marker = page.get_by_role("link", name=name).and_(page.locator("svg a"))
        expect(marker).to_be_visible()
        dot = marker.locator("circle").bounding_box()
        assert dot is not None
        # an independent reading: where the browser drew the dot, back in map units
        x = view[0] + (dot["x"] + dot["width"] / 2 - box["x"]) / box["width"] * view[2]
        y = view[1] + (dot["y"] + dot["height"] / 2 - box["y"]) / box["height"] * view[3]
        assert abs(x - (lon + 180) * 1000 / 360) < 0.02, name
        assert abs(y - (90 - lat) * 500 / 180) < 0.02, name
    outline_loaded = page.evaluate(
        "async () => (await fetch('/map/world.svg')).headers.get('content-type')"
    )
    assert outline_loaded.startswith("image/svg+xml")
    expect(page.get_by_test_id("outline-missing")).to_have_count(0)
    shot(page, "places")

    page.get_by_role("link", name="The barn").and_(page.locator("svg a")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The barn")
    funding = page.get_by_test_id("funding")
    expect(
        funding.get_by_role("link", name="Fix the barn roof before the spring rains")
    ).to_be_visible()
    expect(funding).to_contain_text("succeeded")
    expect(funding).to_contain_text("3,200.00 EUR")  # the ledger entry that collected it
    shot(page, "the-barn")

    page.goto(server.url + "/network/map")
    expect(page.get_by_role("heading", level=1)).to_have_text("The network's places")
    expect(page.locator("svg a.marker")).to_have_count(len(DEMO_PLACES))
    shot(page, "network-map")

    # a steward registers a place in the page: a bad latitude is refused with its reason
    restore_key(page, server.url, data_dir / "members" / "amara.key", "river garden key")
    page.goto(server.url + "/places")
    page.get_by_text("Register a place").click()
    page.get_by_label("Name").fill("Lighthouse")
    page.get_by_label("Kind").select_option("building")
    page.get_by_label("Latitude").fill("95")
    page.get_by_label("Longitude").fill("-9.4")
    page.get_by_label("Area in square metres").fill("90")
    page.get_by_label("Held since").fill("2026-01-05")
    page.get_by_role("button", name="Register the place").click()
    expect(page.locator("#register [data-errors]")).to_contain_text("outside -90 to 90")
    shot(page, "refused")
    page.get_by_label("Latitude").fill("38.6916")
    signed_form(page, "Register the place")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lighthouse")
    expect(page.locator("svg a.marker")).to_have_count(1)
    shot(page, "registered")
    assert errors == [] and outside == []
    context.close()

"""The demo node, page by page, signed in as a demo member from her key file: every page
shows realistic content, and the log explorer proves her receipts in the browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from commonweal.demo.seed import create_demo
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from tests.server import ServerProcess
from tests.web.browser.steps import Shots, new_page, restore_key, watch_errors


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, Path]]:
    data_dir = tmp_path_factory.mktemp("demo") / "demo-data"
    server = ServerProcess(data_dir)
    create_demo(data_dir, server.url).close()  # reached where it is served, as `demo` does
    server.start()
    yield server, data_dir
    server.stop()


@pytest.mark.slow
def test_every_demo_page_shows_the_community(
    browser: Browser, demo: tuple[ServerProcess, Path], artifacts: Path
) -> None:
    server, data_dir = demo
    base = server.url
    shot = Shots(artifacts)
    context, page = new_page(browser)
    errors = watch_errors(page)

    page.goto(base + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Commons")
    expect(page.get_by_test_id("figure-members")).to_have_text("8")
    kinds = len(DEFAULT_CONSTITUTION["kinds"])
    expect(page.get_by_test_id("constitution-sentence")).to_contain_text(f"{kinds} kinds")
    shot(page, "home")
    page.get_by_role("link", name="Read the constitution in plain language").click()
    expect(page.get_by_role("heading", name="Election")).to_be_visible()
    expect(page.locator("section.card h3")).to_have_count(kinds)

    did = restore_key(page, base, data_dir / "members" / "amara.key", "river garden key")
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Amara Okafor")
    shot(page, "signed-in")

    page.goto(base + "/members")
    expect(page.get_by_role("link", name="Dalia Haddad")).to_be_visible()
    page.goto(base + "/members?status=applicant")
    page.get_by_role("link", name="Jonas Berg").click()
    expect(page.get_by_test_id("member-status")).to_have_text("applicant")
    expect(page.get_by_text("1 of 2")).to_be_visible()
    shot(page, "applicant")

    page.goto(base + "/proposals")
    for phase in ("Drafts", "Under discussion", "Voting now", "Decided", "Withdrawn"):
        expect(page.locator(".phase", has_text=phase).first).to_be_visible()
    shot(page, "proposals")
    page.goto(base + "/proposals?phase=closed&topic=commons")
    expect(page.locator(".proposals > li")).to_have_count(3)

    # Results of each method, with their charts and tables.
    for title, marker in (
        ("Workshop opening hours", "Head to head"),
        ("Elect three tool-library keepers", "Count, stage by stage"),
        ("Quiet hours in the shared kitchen", "Ballots"),
        ("Adopt the garden rota for spring", "Votes by delegation"),
    ):
        page.goto(base + "/proposals?phase=closed")
        page.get_by_role("link", name=title).click()
        expect(page.get_by_test_id("outcome")).to_contain_text("Passed")
        expect(page.get_by_text(marker).first).to_be_visible()
        assert page.locator("svg.chart").count() >= 1
        shot(page, "result-" + title.split()[0].lower())

    # The open vote: her quadratic ballot, and the credits it costs.
    page.goto(base + "/proposals?phase=voting")
    page.get_by_role("link", name="What should we spend the spring on?").click()
    expect(page.get_by_test_id("my-vote")).to_contain_text("You voted")
    expect(page.locator("[data-credits-left]")).to_contain_text("83 of your 100")
    shot(page, "quadratic-ballot")
    page.goto(base + "/proposals?phase=discussion")
    page.get_by_role("link", name="Solar panels on the barn roof").click()
    expect(page.get_by_text("Start smaller")).to_be_visible()
    expect(page.get_by_text("Lower bills for everyone.")).to_be_visible()
    shot(page, "discussion")

    page.goto(base + "/delegation")
    expect(page.get_by_test_id("incoming")).to_contain_text("Chen Wei")
    shot(page, "delegation")
    page.goto(base + "/me/credentials")
    # membership, the steward role, and her repair café attendance
    expect(page.locator("section.credential")).to_have_count(3)
    expect(page.locator("img.qr").first).to_have_attribute(
        "src", f"/members/{did}/credentials/1/qr.svg"
    )
    # one credential fits a QR code (the presentation form's boxes, not the claims to show)
    for extra in page.locator("#present").get_by_role("checkbox").all()[1:]:
        extra.uncheck()
    page.get_by_label("Challenge (from the verifier)").fill("venue-door-42")
    page.get_by_label("Verifier's domain").fill("repair-cafe.example")
    page.get_by_role("button", name="Sign the presentation").click()
    expect(page.locator("#presentation-qr svg")).to_be_visible()
    presentation = page.locator("#presentation-json").text_content() or ""
    shot(page, "credentials")

    page.goto(base + "/verify")
    page.get_by_label("Credential or presentation (JSON)").fill(presentation)
    page.get_by_label("Challenge").fill("venue-door-42")
    page.get_by_label("Your domain").fill("repair-cafe.example")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_test_id("verdict")).to_contain_text("Valid: this presentation")
    page.get_by_label("Your domain").fill("somewhere-else.example")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_test_id("verdict")).to_contain_text("made for another verifier")
    shot(page, "verify")

    page.goto(base + "/steward")
    expect(page.get_by_role("heading", name="Jonas Berg")).to_be_visible()
    shot(page, "steward")

    page.goto(base + "/log")
    page.get_by_role("button", name="Check the node's signature").click()
    expect(page.locator("[data-verify-checkpoint] [data-verdict]")).to_contain_text("Genuine")
    page.get_by_role("button", name="Check them all").click()
    verdicts = page.locator("tr[data-verify-entry] [data-verdict]")
    expect(verdicts.first).to_contain_text("Proven")
    expect(verdicts.last).to_contain_text("Proven")
    assert verdicts.count() >= 10
    shot(page, "log")
    assert errors == []
    context.close()

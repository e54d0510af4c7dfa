"""Every kind of ballot, filled in as a person would — ranking by keyboard and by drag —
and stored by the node exactly as the page showed it."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from tests.web.browser.live import LiveNode, start_live_node
from tests.web.browser.steps import Shots, new_page, restore_key, signed_form, watch_errors

DRAFTED = "governance.proposal.drafted"


def constitution() -> dict[str, Any]:
    """The default constitution, with approval and score kinds added for these ballots."""
    rules = copy.deepcopy(DEFAULT_CONSTITUTION)
    base = {**rules["kinds"]["choice"], "threshold": {"more_than": "0/1"}, "options": {}}
    rules["kinds"]["poll"] = {**base, "title": "Poll", "method": "approval"}
    rules["kinds"]["rating"] = {
        **base,
        "title": "Rating",
        "method": "score",
        "options": {"max_score": 5},
    }
    del rules["kinds"]["rating"]["threshold"]
    rules["kinds"]["election"]["ballot"] = "public"  # secret by default: test_secret_ballot_page
    return rules


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveNode]:
    node = start_live_node(tmp_path_factory.mktemp("ballots"), constitution())
    yield node
    node.stop()


def proposal(live: LiveNode, kind: str, title: str, others: list[str]) -> tuple[int, list[str]]:
    """A proposal of ``kind`` by alice, opened, with bob's competing alternatives."""
    body = {"kind": kind, "topic": "general", "title": title, "text": f"{title}, as written."}
    pid = live.act("alice", DRAFTED, body)
    live.act("alice", "governance.proposal.submitted", {"proposal": pid})
    options = [str(pid)]
    for other in others:
        alt = {"proposal": pid, "title": other, "text": f"{other} instead."}
        options.append(str(live.act("bob", "governance.alternative.added", alt)))
    return pid, options


def my_ballot(live: LiveNode, pid: int) -> dict[str, Any]:
    ballots = live.get(f"/v1/proposals/{pid}/ballots")["ballots"]
    return next(b["ballot"] for b in ballots if b["voter"] == live.dids["alice"])


def open_proposal(page: Page, live: LiveNode, pid: int) -> None:
    page.goto(f"{live.url}/proposals/{pid}")
    expect(page.get_by_test_id("phase")).to_have_text("Voting now")


@pytest.mark.slow
def test_each_ballot_as_a_person_fills_it(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    choice, choice_options = proposal(live, "choice", "Workshop hours", ["Weekends"])
    election, candidates = proposal(live, "election", "Elect keepers", ["Bob", "Carla"])
    poll, poll_options = proposal(live, "poll", "Picnic spot", ["Beach"])
    rating, rating_options = proposal(live, "rating", "Rate the new bins", ["Old bins"])
    priorities, quad_options = proposal(live, "priorities", "Spend on", ["Boat"])
    agreement, _ = proposal(live, "agreement", "Quiet hours", [])
    live.advance(7 * 86_400 + 60)
    for pid in (choice, election, poll, rating, priorities, agreement):
        live.wait_for_phase(pid, "voting")

    context, page = new_page(browser)
    errors = watch_errors(page)
    restore_key(page, live.url, live.keys["alice"], "alice key passphrase")

    # Ranking with ties (Schulze): keyboard first, then drag and drop.
    open_proposal(page, live, choice)
    items = page.locator("[data-ranking] li")
    expect(items).to_have_count(3)  # the proposal, Weekends, and the status quo
    page.get_by_role("button", name="Move Weekends: use the arrow keys").focus()
    page.keyboard.press("ArrowUp")
    expect(items.first).to_contain_text("Weekends")
    expect(page.locator("#status")).to_contain_text("Weekends is now number 1 of 3")
    status_quo = items.filter(has_text="status quo")
    status_quo.drag_to(items.nth(1))
    expect(items.nth(1)).to_contain_text("status quo")
    items.nth(2).get_by_label("same as above").check()
    shot(page, "ranking")
    signed_form(page, "Cast my ballot")
    ranking = my_ballot(live, choice)["ranking"]
    assert ranking[0] == choice_options[1]
    assert sorted(ranking[1]) == sorted([choice_options[0], "status_quo"])
    shot(page, "ranked")

    # A strict ranking (STV) that stops early: the buttons, and one option left out.
    open_proposal(page, live, election)
    page.get_by_role("button", name="Move Carla down").click()  # already last: nothing moves
    page.get_by_role("button", name="Move Carla up").click()
    page.locator("[data-ranking] li").filter(has_text="Elect keepers").get_by_label(
        "rank it"
    ).uncheck()
    signed_form(page, "Cast my ballot")
    assert my_ballot(live, election) == {"ranking": [candidates[2], candidates[1]]}

    open_proposal(page, live, poll)
    page.get_by_role("checkbox", name="Beach").check()
    signed_form(page, "Cast my ballot")
    assert my_ballot(live, poll) == {"approve": [poll_options[1]]}

    open_proposal(page, live, rating)
    page.get_by_role("combobox", name="Rate the new bins").select_option("4")
    page.get_by_role("combobox", name="Old bins").select_option("1")
    signed_form(page, "Cast my ballot")
    assert my_ballot(live, rating) == {"scores": {rating_options[0]: 4, rating_options[1]: 1}}

    open_proposal(page, live, priorities)
    page.get_by_role("spinbutton", name="Spend on").fill("9")
    page.get_by_role("spinbutton", name="Boat").fill("-5")
    expect(page.locator("[data-credits-left]")).to_contain_text("cost 106 of your 100")
    page.get_by_role("button", name="Cast my ballot").click()
    expect(page.locator("[data-errors]").first).to_contain_text("cost 106 credits")
    page.get_by_role("spinbutton", name="Boat").fill("-4")
    signed_form(page, "Cast my ballot")
    assert my_ballot(live, priorities) == {"votes": {quad_options[0]: 9, quad_options[1]: -4}}
    shot(page, "quadratic")

    open_proposal(page, live, agreement)
    page.get_by_role("radio", name="I object (give your reason)").check()
    page.get_by_role("button", name="Cast my ballot").click()
    expect(page.locator("[data-errors]").first).to_contain_text("An objection needs its reason")
    page.get_by_label("Reason (needed for an objection)").fill("It is too early for the bakers.")
    signed_form(page, "Cast my ballot")
    assert my_ballot(live, agreement) == {
        "position": "object",
        "reason": "It is too early for the bakers.",
    }
    shot(page, "consent")
    assert errors == []
    context.close()

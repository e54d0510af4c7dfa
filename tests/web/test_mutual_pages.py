"""The mutual-aid, campaign and funding pages, in-process over the demo node: what a visitor
sees (realistic content, no way to act), and what each member may do on them."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.verify import verify_log
from tests.web.pages import Demo, page, sign_in


def find(client: TestClient, path: str, key: str, **match: Any) -> dict[str, Any]:
    """The first item of a JSON list whose fields match."""
    items = client.get(path).json()[key]
    found: dict[str, Any] = next(i for i in items if all(i[k] == v for k, v in match.items()))
    return found


def signed_forms(html: str) -> set[str]:
    """The post's own signed acts (adding a translation, offered to every member on every
    post, is tested in tests/web/test_translations_web.py)."""
    return set(re.findall(r'data-event="([a-z.]+)"', html)) - {"translations.translation.added"}


def test_a_visitor_reads_everything_and_is_told_how_to_act(client: TestClient) -> None:
    lift = find(client, "/v1/aid/posts", "posts", title="Lift to the hospital on Thursday morning")
    meadow = find(client, "/v1/campaigns", "campaigns", title="Crowdfund the riverside meadow")
    rounds = client.get("/v1/rounds").json()["rounds"]
    expected = {
        "/aid": [
            "Mutual aid",
            "Childcare swap, Tuesdays or Thursdays",
            "Bike repairs on Saturdays",
        ],
        f"/aid/{lift['id']}": ["in time-bank hours: 1 h 30 min", "Bruno Lindqvist"],
        "/campaigns": ["Crowdfund the riverside meadow", "12,300.00 EUR pledged of 25,000.00 EUR"],
        f"/campaigns/{meadow['id']}": ["The goal is <strong>25,000.00 EUR</strong>", "Emil Novak"],
        "/rounds": ["Spring projects", "Workshop tools for the autumn", "Commons fund"],
        **{f"/rounds/{r['id']}": [r["title"]] for r in rounds},
    }
    for path, texts in expected.items():
        html = page(client, path)
        for text in texts:
            assert text in html, (path, text)
        assert not signed_forms(html), path  # nothing to sign without a session
    for path in ("/aid", f"/campaigns/{meadow['id']}", f"/rounds/{rounds[0]['id']}"):
        assert 'data-testid="sign-in-to-act"' in page(client, path)
    for path in ("/aid/new", "/aid/mine", "/campaigns/new"):
        answer = client.get(path)
        assert answer.status_code == 401 and "Please sign in" in answer.text


def test_the_board_filters_by_kind_category_urgency_and_status(client: TestClient) -> None:
    offers = page(client, "/aid?kind=offer")
    assert "Bike repairs on Saturdays" in offers and "Childcare on Tuesday" not in offers
    childcare = page(client, "/aid?category=childcare&status=any")
    assert "Childcare on Tuesday mornings" in childcare and "Bike repairs" not in childcare
    low = page(client, "/aid?urgency=low")
    assert "Help with a tax form in German" in low and "Someone to walk my dog" not in low
    settled = page(client, "/aid?status=settled")
    assert settled.count('class="card aid-post') == 3
    # Every card carries its coarse area for the browser's distance filter, never more.
    assert re.findall(r'data-area="([^"]*)"', page(client, "/aid"))
    assert all(len(a) <= 5 for a in re.findall(r'data-area="([^"]*)"', offers))
    refused = client.get("/aid?urgency=whenever")
    assert refused.status_code == 400 and "Urgency must be one of" in refused.text
    assert client.get("/aid/999999").status_code == 404


def test_each_party_of_a_post_sees_what_they_may_do(client: TestClient, demo: Demo) -> None:
    dids = demo[1]
    childcare = find(client, "/v1/aid/posts", "posts", title="Childcare on Tuesday mornings")
    path = f"/aid/{childcare['id']}"
    sign_in(client, dids["amara"])  # asked for it: receives the help, settles it
    html = page(client, path)
    assert {"aid.post.fulfilled", "aid.claim.released", "aid.post.settled"} <= signed_forms(html)
    assert "aid.post.withdrawn" in signed_forms(html)
    assert f'data-to="{dids["dalia"]}"' in html and "Messages with Dalia Haddad" in html
    sign_in(client, dids["dalia"])  # answered it: helps, does not settle
    html = page(client, path)
    assert "aid.post.settled" not in signed_forms(html) and "aid.post.fulfilled" in signed_forms(
        html
    )
    assert f'data-to="{dids["amara"]}"' in html
    sign_in(client, dids["emil"])  # not a party: neither acts nor reads messages
    html = page(client, path)
    assert not signed_forms(html) and "data-conversation" not in html
    assert "being worked out between the two of them" in html
    bikes = find(client, "/v1/aid/posts", "posts", title="Bike repairs on Saturdays")
    assert signed_forms(page(client, f"/aid/{bikes['id']}")) == {"aid.offer.claimed"}
    mine = page(client, "/aid/mine")
    assert "Lend: ladder, drill and sander" in mine and "data-inbox" in mine


def test_posting_a_request_or_offer_is_a_signed_form(client: TestClient, demo: Demo) -> None:
    sign_in(client, demo[1]["farah"])
    html = page(client, "/aid/new?kind=offer")
    assert 'data-event="aid.offer.posted"' in html and 'data-body="aid-post"' in html
    assert "Not a place name or an address" in html


def test_campaign_pages_show_progress_pledgers_and_outcomes(client: TestClient, demo: Demo) -> None:
    listed = {c["title"]: c for c in client.get("/v1/campaigns").json()["campaigns"]}
    roof = page(client, f"/campaigns/{listed['Fix the barn roof before the spring rains']['id']}")
    assert "Succeeded: 3,200.00 EUR collected for the treasury" in roof
    assert "Who was charged" in roof and roof.count('<svg class="progress"') == 1
    mural = page(client, f"/campaigns/{listed['A street mural on the workshop wall']['id']}")
    assert "paid 20.00 EUR in bonuses" in mural
    assert mural.count('data-testid="bonus">5.00 EUR') == 4
    sundays = page(client, f"/campaigns/{listed['Car-free Sundays']['id']}")
    assert "6 of 5 people pledged" in sundays and "are now committed to leave my car" in sundays

    meadow = listed["Crowdfund the riverside meadow"]
    path = f"/campaigns/{meadow['id']}"
    sign_in(client, demo[1]["chen"])  # a pledger: adds to or withdraws the pledge
    html = page(client, path)
    assert "Add to my pledge" in html and "campaigns.pledge.withdrawn" in signed_forms(html)
    assert "campaigns.campaign.cancelled" not in signed_forms(html)
    assert "2,500.00 EUR</strong>, held in escrow" in html
    sign_in(client, demo[1]["amara"])  # the author may cancel
    assert "campaigns.campaign.cancelled" in signed_forms(page(client, path))
    sign_in(client, demo[1]["ivo"])  # has not pledged, and holds no EUR: the rule would refuse
    html = page(client, path)
    assert "campaigns.pledge.made" not in signed_forms(html) and "Withdraw my pledge" not in html
    assert "holds too little EUR to pledge from" in html
    launch = page(client, "/campaigns/new")
    assert 'data-body="launch"' in launch and "dominant_assurance" in launch


def test_round_pages_preview_the_matching_the_node_will_log(client: TestClient, demo: Demo) -> None:
    autumn = find(client, "/v1/rounds", "rounds", title="Workshop tools for the autumn")
    api = client.get(f"/v1/rounds/{autumn['id']}").json()
    html = page(client, f"/rounds/{autumn['id']}")
    assert "The matches if the round closed now" in html
    for project in api["projects"]:
        shown = re.search(rf'data-testid="match-{project["id"]}">([^<]+)<', html)
        assert shown is not None
        assert shown.group(1) == f"{project['match'] // 100:,}.{project['match'] % 100:02d} EUR"
    comparison = html[html.index('data-testid="method-comparison"') :]
    assert "(this round)" in comparison and "Plain quadratic funding" in comparison
    assert "600.00 EUR" in comparison

    spring = find(client, "/v1/rounds", "rounds", title="Spring projects")
    closed = page(client, f"/rounds/{spring['id']}")
    assert "The matches</h2>" in closed and "Paid" in closed
    assert not signed_forms(closed.replace('data-event="funding.round.opened"', ""))

    sign_in(client, demo[1]["emil"])
    html = page(client, f"/rounds/{autumn['id']}")
    assert "You gave 12.00 EUR." in html and "funding.contribution.made" in signed_forms(html)
    assert "funding.project.entered" in signed_forms(html)
    sign_in(client, demo[1]["bruno"])  # his own project has no gift form
    own = page(client, f"/rounds/{autumn['id']}")
    assert own.count('data-event="funding.contribution.made"') == len(api["projects"]) - 1
    sign_in(client, demo[1]["amara"])  # a steward may open rounds and pools
    assert {"funding.round.opened", "funding.pool.opened"} <= signed_forms(page(client, "/rounds"))


def test_the_pool_page_charts_conviction_against_the_threshold(
    client: TestClient, demo: Demo
) -> None:
    pool = find(client, "/v1/rounds", "rounds", kind="conviction")
    api = client.get(f"/v1/rounds/{pool['id']}").json()
    html = page(client, f"/rounds/{pool['id']}")
    assert html.count('<svg class="chart conviction"') == len(api["proposals"])
    parts = next(p for p in api["proposals"] if p["title"].startswith("Spare parts"))
    assert f"Conviction {parts['conviction']:,}</strong> of {parts['threshold']:,} needed" in html
    assert "it passes in about 3 days" in html
    assert "cannot pass until the pool holds more" in html  # the battery asks too much
    assert "Paid: its conviction" in html

    sign_in(client, demo[1]["amara"])
    html = page(client, f"/rounds/{pool['id']}")
    stakes = client.get(f"/v1/rounds/{pool['id']}/stakes/{demo[1]['amara']}").json()
    assert f'data-testid="stake-placed">{stakes["placed"]:,}<' in html
    open_ones = [p for p in api["proposals"] if p["status"] == "open"]
    assert html.count('data-event="funding.stake.set"') == len(open_ones)
    assert {"funding.proposal.submitted", "funding.pool.funded"} <= signed_forms(html)


def test_the_demo_still_replays(demo: Demo) -> None:
    node = demo[0]
    assert verify_log(node.store, default_registry(), compare_with=node.store).ok

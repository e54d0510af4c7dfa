"""Aid, campaigns and rounds over HTTP, in-process."""

from __future__ import annotations

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.core.commitment import commitment, new_salt
from commonweal.core.multibase import encode_z
from commonweal.core.rfc3339 import format_utc
from commonweal.node.services import aid
from commonweal.web.app import create_app
from tests.community import Community
from tests.mutual import funded, later, launch, pledge, post, run_due


@pytest.fixture
def client(community: Community):  # type: ignore[no-untyped-def]
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def submit(client: TestClient, community: Community, name: str, kind: str, body: dict) -> dict:  # type: ignore[type-arg]
    event = community.events.event(name, type=kind, body=body)
    response = client.post("/v1/events", content=orjson.dumps(event))
    return {"status": response.status_code, **response.json()}


def test_aid_posts_matches_and_private_messages(client: TestClient, community: Community) -> None:
    need = post(community, "carol", "request", title="Soup", area="u33dc", urgency="urgent")
    offer = post(community, "alice", "offer", title="Soup for four", area="u336x")
    listed = client.get("/v1/aid/posts", params={"kind": "offer", "near": "u33dc", "within_km": 50})
    assert [p["id"] for p in listed.json()["posts"]] == [offer]
    assert client.get(f"/v1/aid/posts/{need}").json()["urgency"] == "urgent"
    matches = client.get(f"/v1/aid/posts/{need}/matches").json()["matches"]
    assert [m["id"] for m in matches] == [offer] and matches[0]["distance_km"] < 40
    assert (
        submit(client, community, "carol", "aid.offer.claimed", {"offer": offer})["status"] == 201
    )
    again = submit(client, community, "bob", "aid.offer.claimed", {"offer": offer})
    assert again["status"] == 409 and again["code"] == "already_claimed"
    message = {"text": "Ring twice at the green door, flat 3."}
    salt = new_salt()
    body = {"post": offer, "to": community.did("alice"), "commitment": commitment(message, salt)}
    event = community.events.event("carol", type="aid.message.relayed", body=body)
    sent = client.post(
        "/v1/aid/messages",
        content=orjson.dumps({"event": event, "message": message, "salt": salt}),
    )
    assert sent.status_code == 201, sent.text
    tampered = {
        "event": community.events.event("carol", type="aid.message.relayed", body=body),
        "message": {"text": "something else"},
        "salt": salt,
    }
    refused = client.post("/v1/aid/messages", content=orjson.dumps(tampered))
    assert refused.status_code == 422 and refused.json()["code"] == "commitment_mismatch"
    community.events.seqs["carol"] -= 1
    at = format_utc(community.clock())
    did = community.did("alice")
    sig = encode_z(
        community.events.key("alice").sign(
            aid.inbox_request_bytes(community.node.identity.did, did, at)
        )
    )
    inbox = client.post("/v1/aid/inbox", content=orjson.dumps({"did": did, "at": at, "sig": sig}))
    assert [m["text"] for m in inbox.json()["messages"]] == [message["text"]]
    forged = client.post(
        "/v1/aid/inbox",
        content=orjson.dumps({"did": community.did("bob"), "at": at, "sig": sig}),
    )
    assert forged.status_code == 401 and forged.json()["code"] == "unauthorized"
    assert "green door" not in client.get("/v1/events", params={"limit": 1000}).text


def test_campaign_reads_and_refusals(client: TestClient, community: Community) -> None:
    funded(community, "bob", "carol")
    campaign = launch(community, goal=500, deadline=later(community, days=3))
    pledge(community, "bob", campaign, 200)
    listed = client.get("/v1/campaigns", params={"status": "open"}).json()["campaigns"]
    assert [c["id"] for c in listed] == [campaign]
    view = client.get(f"/v1/campaigns/{campaign}").json()
    assert view["total"] == 200 and view["owed"]["held_in_escrow"] == 200
    preview = client.get(f"/v1/campaigns/{campaign}/postings").json()
    assert preview["final"] is False
    assert [p["amount"] for p in preview["on_failure"]] == [200]
    assert preview["on_success"][0]["destination"] == f"member:{community.did('alice')}"
    community.clock.advance(days=3)
    late = submit(
        client,
        community,
        "carol",
        "campaigns.pledge.made",
        {"campaign": campaign, "home": community.node.identity.did, "amount": 5},
    )
    assert late["status"] == 409 and late["code"] == "deadline_passed"
    community.events.seqs["carol"] -= 1
    run_due(community)
    final = client.get(f"/v1/campaigns/{campaign}/postings").json()
    assert final["final"] is True and final["postings"][0]["amount"] == 200
    # the close is an entry in the ledger, and the escrow is empty again
    ledger = client.get("/v1/treasury/ledger", params={"account": f"campaign:{campaign}"}).json()
    assert [e["type"] for e in ledger["entries"]] == [
        "campaigns.pledge.made",
        "campaigns.campaign.closed",
    ]
    escrow = client.get(f"/v1/treasury/balances/campaign:{campaign}").json()
    assert escrow["kind"] == "campaign" and escrow["balances"][0]["balance"] == 0
    totals = client.get("/v1/treasury").json()["totals"]
    eur = next(t for t in totals if t["unit"] == "EUR")
    assert (eur["escrow"]["balance"], eur["members"]["balance"], eur["books"]) == (0, 2 * 10**6, 0)
    assert client.get("/v1/campaigns/999999").status_code == 404
    assert client.get("/v1/campaigns", params={"status": "x"}).status_code == 400


def test_round_and_pool_reads(client: TestClient, community: Community) -> None:
    funded(community, "alice", "bob", "carol")
    opened = community.act(
        "alice",
        "funding.round.opened",
        {
            "title": "R",
            "unit": "EUR",
            "pool": 1000,
            "closes": later(community, days=7),
            "method": "plain",
        },
    ).index
    project = community.act(
        "alice", "funding.project.entered", {"round": opened, "title": "P"}
    ).index
    community.act("bob", "funding.contribution.made", {"project": project, "amount": 100})
    community.act("carol", "funding.contribution.made", {"project": project, "amount": 100})
    pool = community.act("alice", "funding.pool.opened", {"title": "Pool", "unit": "EUR"}).index
    kinds = {r["id"]: r["kind"] for r in client.get("/v1/rounds").json()["rounds"]}
    assert kinds == {opened: "quadratic", pool: "conviction"}
    view = client.get(f"/v1/rounds/{opened}").json()
    assert view["final"] is False and view["result"]["matches"] == {str(project): 200}
    assert view["projects"][0]["contributions"] == {
        community.did("bob"): 100,
        community.did("carol"): 100,
    }
    pool_view = client.get(f"/v1/rounds/{pool}").json()
    assert pool_view["kind"] == "conviction" and pool_view["members"] == 3
    stakes = client.get(f"/v1/rounds/{pool}/stakes/{community.did('bob')}").json()
    assert stakes == {
        "pool": pool,
        "member": community.did("bob"),
        "points": 1000,
        "placed": 0,
        "free": 1000,
        "on": {},
    }
    assert client.get("/v1/rounds/424242").status_code == 404

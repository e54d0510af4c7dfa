"""Governance over HTTP, and the governance CLI against a live server."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.web.app import create_app
from tests.community import Community
from tests.governance import admit, close, delegate, draft, submit, to_voting, vote


@pytest.fixture
def client(community: Community):  # type: ignore[no-untyped-def]
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def post(client: TestClient, community: Community, name: str, kind: str, body: object):  # type: ignore[no-untyped-def]
    """Sign and POST an event; a refused one gives its ``seq`` back to the author."""
    seq_before = community.events.seqs.get(name, 0)
    event = community.events.event(name, type=kind, body=body)  # type: ignore[arg-type]
    response = client.post("/v1/events", content=orjson.dumps(event))
    if response.status_code >= 400:
        community.events.seqs[name] = seq_before
    return response


def test_constitution_and_proposals_over_http(client: TestClient, community: Community) -> None:
    constitution = client.get("/v1/constitution").json()
    assert constitution["version"] == 1 and "amend" in constitution["constitution"]["kinds"]
    body = {"kind": "choice", "topic": "commons", "title": "Door colour", "text": "Red."}
    drafted = post(client, community, "alice", "governance.proposal.drafted", body)
    assert drafted.status_code == 201, drafted.text
    proposal = drafted.json()["index"]
    refused = post(
        client, community, "bob", "governance.proposal.submitted", {"proposal": proposal}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_author"
    assert (
        post(
            client, community, "alice", "governance.proposal.submitted", {"proposal": proposal}
        ).status_code
        == 201
    )
    listed = client.get("/v1/proposals", params={"phase": "discussion"}).json()["proposals"]
    assert [p["id"] for p in listed] == [proposal]
    assert client.get("/v1/proposals", params={"topic": "money"}).json()["proposals"] == []
    assert client.get("/v1/proposals", params={"phase": "someday"}).status_code == 400
    view = client.get(f"/v1/proposals/{proposal}").json()
    assert view["rules"]["method"] == "schulze" and view["options"] == [str(proposal), "status_quo"]
    assert client.get("/v1/proposals/999").status_code == 404


def test_results_ballots_and_vote_paths_over_http(client: TestClient, community: Community) -> None:
    admit(community, "dana")
    delegate(community, "dana", "alice")
    proposal = draft(community)
    submit(community, proposal)
    to_voting(community, proposal)
    vote(community, "alice", proposal, {"choice": "yes"})
    bad = post(
        client,
        community,
        "bob",
        "governance.ballot.cast",
        {"proposal": proposal, "ballot": {"choice": 1}},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_ballot"
    assert "choice" in bad.json()["detail"]
    preliminary = client.get(f"/v1/proposals/{proposal}/result").json()
    assert preliminary["final"] is False and preliminary["result"]["counts"]["yes"] == 2
    path = client.get(f"/v1/proposals/{proposal}/votes/{community.did('dana')}").json()
    assert path["chain"]["voter"] == community.did("alice") and path["delegate_ballot"] == {
        "choice": "yes"
    }
    ballots = client.get(f"/v1/proposals/{proposal}/ballots").json()["ballots"]
    assert ballots == [{"voter": community.did("alice"), "ballot": {"choice": "yes"}}]
    incoming = client.get(f"/v1/members/{community.did('alice')}/delegations").json()["incoming"]
    assert incoming == [{"truster": community.did("dana"), "scope": "node"}]
    close(community, proposal)
    final = client.get(f"/v1/proposals/{proposal}/result").json()
    assert final["final"] is True and final["result"]["delegated_weight"] == 1
    late = post(
        client,
        community,
        "bob",
        "governance.ballot.cast",
        {"proposal": proposal, "ballot": {"choice": "no"}},
    )
    assert late.status_code == 409 and late.json()["code"] == "wrong_phase"


@pytest.mark.slow
def test_governance_cli_against_a_live_node(tmp_path: Path) -> None:
    from commonweal.core.keys import SigningKey
    from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
    from commonweal.node.kernel.setup import init_node, write_key_file
    from tests.cli.test_cli import run
    from tests.server import ServerProcess

    keys = {name: SigningKey.generate() for name in ("ada", "ben")}
    files = {}
    for name, key in keys.items():
        files[name] = tmp_path / f"{name}.key"
        write_key_file(files[name], key, None)
    quick = json.loads(json.dumps(DEFAULT_CONSTITUTION))
    quick["kinds"]["decision"].update(discussion_seconds=0, voting_seconds=3600)
    from commonweal.core.did import did_key_from_public_key

    dids = {name: did_key_from_public_key(key.public_key) for name, key in keys.items()}
    node = init_node(
        tmp_path / "node", name="CLI Commons", founders=list(dids.values()), constitution=quick
    )
    node.close()
    server = ServerProcess(tmp_path / "node").start()
    try:
        as_ada = ("--key", str(files["ada"]), "--node", server.url)
        shown = run("constitution", "show", "--node", server.url)
        assert shown.returncode == 0 and "Constitutional amendment" in shown.stdout
        made = run(
            "proposal",
            "new",
            "--title",
            "Buy a kettle",
            "--text",
            "For the kitchen.",
            "--submit",
            *as_ada,
        )
        assert made.returncode == 0, made.stderr
        proposal = json.loads(made.stdout.split("\n}")[0] + "\n}")["index"]
        delegated = run("delegate", dids["ada"], "--key", str(files["ben"]), "--node", server.url)
        assert delegated.returncode == 0, delegated.stderr
        # discussion lasts 0 s: the node opens voting within a second or two
        import time

        for _ in range(50):
            listed = run("proposal", "list", "--phase", "voting", "--node", server.url)
            if "Buy a kettle" in listed.stdout:
                break
            time.sleep(0.2)
        assert "Buy a kettle" in listed.stdout
        voted = run("vote", str(proposal), "yes", *as_ada)
        assert voted.returncode == 0, voted.stderr
        wrong = run("vote", str(proposal), "--rank", "1,2", *as_ada)
        assert wrong.returncode == 1 and "invalid_ballot" in wrong.stderr
        tally = run("tally", str(proposal), "--json", "--node", server.url)
        assert json.loads(tally.stdout)["counts"] == {"yes": 2, "no": 0, "abstain": 0}
        recount = run("tally", str(proposal), "--json", "--data-dir", str(tmp_path / "node"))
        assert json.loads(recount.stdout) == json.loads(tally.stdout)
        shown = run("proposal", "show", str(proposal), "--node", server.url)
        assert "Buy a kettle" in shown.stdout and "1 by delegation" in shown.stdout
    finally:
        server.stop()

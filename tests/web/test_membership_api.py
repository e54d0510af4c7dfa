"""Membership over HTTP, and the member CLI against a live server."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.core.commitment import commitment, new_salt
from commonweal.web.app import create_app
from tests.community import Community


@pytest.fixture
def client(community: Community):  # type: ignore[no-untyped-def]
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def application(community: Community, name: str, profile: dict[str, object]) -> dict[str, object]:
    salt = new_salt()
    event = community.events.event(
        name,
        type="membership.application.submitted",
        body={"commitment": commitment(profile, salt)},
    )
    return {"event": event, "profile": profile, "salt": salt}


def test_apply_vouch_and_directory(client: TestClient, community: Community) -> None:
    profile = {"display_name": "Rosa Parks-Lane", "contact": "rosa@example.org", "show_name": True}
    response = client.post(
        "/v1/membership/applications", content=orjson.dumps(application(community, "rosa", profile))
    )
    assert response.status_code == 201, response.text
    for voucher in ("alice", "bob"):
        vouch = community.events.event(
            voucher, type="membership.vouch.given", body={"applicant": community.did("rosa")}
        )
        assert client.post("/v1/events", content=orjson.dumps(vouch)).status_code == 201
    entry = client.get(f"/v1/members/{community.did('rosa')}").json()
    assert entry["status"] == "member" and entry["name"] == "Rosa Parks-Lane"
    assert "contact" not in entry and "rosa@example.org" not in client.get("/v1/members").text
    policy = client.get("/v1/membership/policy").json()
    assert policy["policy"]["admission"] == "vouch" and "steward" in policy["roles"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"profile": {"display_name": "Someone else"}}, "commitment_mismatch"),
        ({"profile": {"display_name": 7}}, "invalid_profile"),
        ({"profile": {"display_name": "x", "password": "y"}}, "invalid_profile"),
        ({"salt": "short"}, "invalid_profile"),
    ],
)
def test_bad_applications_change_nothing(
    client: TestClient, community: Community, change: dict[str, object], code: str
) -> None:
    document = {**application(community, "sam", {"display_name": "Sam"}), **change}
    size = community.node.size
    response = client.post("/v1/membership/applications", content=orjson.dumps(document))
    assert response.status_code == 422 and response.json()["code"] == code
    assert community.node.size == size and community.node.store.profile_commitments() == set()


def test_unknown_member_is_a_404(client: TestClient) -> None:
    response = client.get("/v1/members/did:key:z6MkNobody")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.slow
def test_member_cli_against_a_live_node(tmp_path: Path) -> None:
    from commonweal.core.keys import SigningKey
    from commonweal.node.kernel.setup import init_node
    from tests.cli.test_cli import run
    from tests.server import ServerProcess

    steward = SigningKey.generate()
    steward_file = tmp_path / "steward.key"
    from commonweal.node.kernel.setup import write_key_file

    write_key_file(steward_file, steward, None)
    from commonweal.core.did import did_key_from_public_key

    node = init_node(
        tmp_path / "node",
        name="CLI Commons",
        founders=[did_key_from_public_key(steward.public_key)],
        admission={"admission": "approval"},
    )
    node.close()
    server = ServerProcess(tmp_path / "node").start()
    env = {"COMMONWEAL_WALLET": str(tmp_path / "wallet"), "COMMONWEAL_PASSPHRASE": "wallet pass"}
    try:
        made = run("wallet", "new", env=env)
        assert made.returncode == 0, made.stderr
        did = made.stdout.strip()
        applied = run(
            "member", "apply", "--name", "Theo", "--show-name", "--node", server.url, env=env
        )
        assert applied.returncode == 0, applied.stderr
        approved = run("member", "approve", did, "--key", str(steward_file), "--node", server.url)
        assert approved.returncode == 0, approved.stderr
        listed = run("member", "list", "--node", server.url)
        assert did in listed.stdout and "Theo" in listed.stdout
        again = run("member", "approve", did, "--key", str(steward_file), "--node", server.url)
        assert again.returncode == 1 and "no_application" in again.stderr
        # The wallet: back up, restore elsewhere, fetch credentials, present them.
        backup = run("wallet", "export", env=env)
        assert backup.returncode == 0 and "sealed" in backup.stdout and did not in backup.stdout
        (tmp_path / "backup.json").write_text(backup.stdout)
        restored_env = {**env, "COMMONWEAL_WALLET": str(tmp_path / "phone-wallet")}
        restored = run(
            "wallet",
            "import",
            str(tmp_path / "backup.json"),
            "--old-passphrase",
            "wallet pass",
            env=restored_env,
        )
        assert restored.returncode == 0 and restored.stdout.strip() == did
        fetched = run("wallet", "credentials", "--fetch", "--node", server.url, env=restored_env)
        assert fetched.returncode == 0 and "MembershipCredential" in fetched.stdout
        presented = run(
            "wallet", "present", "--challenge", "c-77", "--domain", "door.example", env=restored_env
        )
        assert presented.returncode == 0, presented.stderr
        request = {
            "verifiablePresentation": json.loads(presented.stdout),
            "options": {"challenge": "c-77", "domain": "door.example"},
        }
        verdict = httpx.post(server.url + "/presentations/verify", json=request)
        assert verdict.json() == {"verified": True, "results": [], "problemDetails": []}
        wrong = run("wallet", "credentials", env={**restored_env, "COMMONWEAL_PASSPHRASE": "nope"})
        assert wrong.returncode == 0  # listing needs no key
        locked = run(
            "wallet",
            "present",
            "--challenge",
            "c",
            "--domain",
            "d",
            env={**restored_env, "COMMONWEAL_PASSPHRASE": "nope"},
        )
        assert locked.returncode == 1 and "passphrase" in locked.stderr
    finally:
        server.stop()

"""A base credential (ecdsa-sd-2023) carries its holder's HMAC key: it goes to its holder
only, signed in or by a request they sign, never to anyone who asks."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.client.http import signed_read
from commonweal.node.services import selective
from commonweal.web.app import create_app
from commonweal.web.session import COOKIE, SignedIn
from tests.community import Community

PURPOSE = "commonweal/selective-credentials"


@pytest.fixture
def client(community: Community):  # type: ignore[no-untyped-def]
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def member(community: Community, name: str) -> str:
    community.act("alice", "membership.policy.set", {"admission": "open"})
    community.apply(name)
    return community.did(name)


def sign_in(client: TestClient, did: str) -> None:
    sessions = client.app.state.sessions  # type: ignore[attr-defined]
    client.cookies.set(COOKIE, sessions.cookie_value(SignedIn(did, int(time.time()) + 600)))


def signed(community: Community, name: str, **changes: Any) -> dict[str, str]:
    at = community.node.clock() + changes.pop("late", timedelta(0))
    request = signed_read(community.events.key(name), PURPOSE, community.node.identity.did, at)
    return {**request, **changes}


def test_nobody_but_the_holder_reads_a_base_credential(
    client: TestClient, community: Community
) -> None:
    did, other = member(community, "uma"), member(community, "vic")
    anonymous = client.get(f"/v1/members/{did}/credentials/selective")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthorized"
    sign_in(client, other)
    someone = client.get(f"/v1/members/{did}/credentials/selective")
    assert someone.status_code == 403 and someone.json()["code"] == "forbidden"
    sign_in(client, did)
    own = client.get(f"/v1/members/{did}/credentials/selective")
    assert own.status_code == 200
    assert own.json()["credentials"] == selective.selective_credentials_of(community.node, did)
    assert "MembershipCredential" in own.json()["credentials"][0]["type"]


def test_a_signed_request_reads_ones_own_and_nothing_else(
    client: TestClient, community: Community
) -> None:
    did, other = member(community, "wyn"), member(community, "xia")
    path = f"/v1/members/{did}/credentials/selective"
    own = client.post(path, content=orjson.dumps(signed(community, "wyn")))
    assert own.status_code == 200
    assert own.json()["credentials"] == selective.selective_credentials_of(community.node, did)
    someone = client.post(path, content=orjson.dumps(signed(community, "xia")))
    assert someone.status_code == 403, someone.text
    assert other != did
    stale = client.post(path, content=orjson.dumps(signed(community, "wyn", late=timedelta(1))))
    assert stale.status_code == 401 and "5 minutes" in stale.json()["detail"]
    forged = signed(community, "wyn", sig=signed(community, "xia")["sig"])
    refused = client.post(path, content=orjson.dumps(forged))
    assert refused.status_code == 401 and refused.json()["code"] == "unauthorized"
    wrong = client.post(path, content=orjson.dumps({"did": did}))
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_request"


@pytest.mark.slow
def test_the_cli_fetches_ones_own_with_a_signed_request(tmp_path: Path) -> None:
    """``commonweal credential selective`` against a live node, with the member's key file."""
    from commonweal.core.did import did_key_from_public_key
    from commonweal.core.keys import SigningKey
    from commonweal.node.kernel.setup import init_node, write_key_file
    from tests.cli.test_cli import run
    from tests.server import ServerProcess

    key = SigningKey.generate()
    did = did_key_from_public_key(key.public_key)
    key_file = tmp_path / "founder.key"
    write_key_file(key_file, key, None)
    init_node(tmp_path / "node", name="Held Commons", founders=[did]).close()
    server = ServerProcess(tmp_path / "node").start()
    try:
        out = tmp_path / "held.json"
        asked = ("--key", str(key_file), "--node", server.url, "--out", str(out))
        fetched = run("credential", "selective", *asked)
        assert fetched.returncode == 0, fetched.stderr
        credentials = orjson.loads(out.read_bytes())["credentials"]
        assert credentials and {c["credentialSubject"]["id"] for c in credentials} == {did}
        assert {c["proof"]["cryptosuite"] for c in credentials} == {"ecdsa-sd-2023"}
        anonymous = httpx.get(f"{server.url}/v1/members/{did}/credentials/selective")
        assert anonymous.status_code == 401
    finally:
        server.stop()

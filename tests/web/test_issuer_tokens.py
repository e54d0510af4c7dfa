"""A token made with ``commonweal issuer-token`` while the node serves works at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.node.kernel.issuer_tokens import IssuerTokens
from commonweal.node.kernel.setup import add_issuer_token, init_node
from tests.server import ServerProcess


def _issuer_token(data_dir: Path) -> str:
    made = subprocess.run(
        [str(Path(sys.executable).parent / "commonweal"), "issuer-token", "-d", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


@pytest.mark.slow
def test_a_token_made_while_the_node_serves_is_accepted_without_a_restart(
    tmp_path: Path,
) -> None:
    founder = did_key_from_public_key(SigningKey.generate().public_key)
    init_node(tmp_path / "node", name="Token Commons", founders=[founder]).close()
    server = ServerProcess(tmp_path / "node").start()
    try:
        held = httpx.get(f"{server.url}/v1/members/{founder}/credentials").json()["credentials"]
        (owed,) = [c for c in held if "MembershipCredential" in c["type"]]
        request = {
            "credential": {
                "@context": owed["@context"],
                "type": owed["type"],
                "credentialSubject": {"id": founder},
            }
        }
        refused = httpx.post(f"{server.url}/credentials/issue", json=request)
        assert refused.status_code == 401 and refused.json()["code"] == "unauthorized"
        first = _issuer_token(tmp_path / "node")
        issued = httpx.post(
            f"{server.url}/credentials/issue",
            json=request,
            headers={"Authorization": f"Bearer {first}"},
            timeout=30,
        )
        assert issued.status_code == 201, issued.text
        assert issued.json()["verifiableCredential"]["credentialSubject"]["id"] == founder
        second = _issuer_token(tmp_path / "node")
        for token in (first, second):
            again = httpx.post(
                f"{server.url}/credentials/issue",
                json=request,
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            assert again.status_code == 201, again.text
        wrong = httpx.post(
            f"{server.url}/credentials/issue",
            json=request,
            headers={"Authorization": "Bearer not-a-token"},
        )
        assert wrong.status_code == 401
    finally:
        server.stop()


def test_the_tokens_are_read_again_only_when_the_settings_change(tmp_path: Path) -> None:
    init_node(tmp_path / "node", name="Token Commons").close()
    tokens = IssuerTokens(tmp_path / "node")
    before = tokens()
    assert before == frozenset() and tokens() is before  # unchanged file: no new read
    add_issuer_token(tmp_path / "node")
    after = tokens()
    assert len(after) == 1 and tokens() is after
    (tmp_path / "node" / "node.json").write_text("{ half written")
    assert tokens() == after  # a file that cannot be read keeps the tokens last read

"""Real servers: every URL a node mints starts with its public URL, whatever port it is on."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from commonweal.cli.main import app
from commonweal.demo.seed import member_dids
from commonweal.node.kernel.setup import init_node
from tests.builders import GENESIS, Clock, EventFactory
from tests.server import ServerProcess, free_port

COMMAND = str(Path(sys.executable).parent / "commonweal")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    factory = EventFactory("", Clock(GENESIS))
    init_node(tmp_path / "node", name="Harbour", founders=[factory.did("a")]).close()
    return tmp_path / "node"


def founder_credential(base: str) -> dict[str, Any]:
    with httpx.Client(base_url=base, timeout=10) as client:
        (founder,) = [m["did"] for m in client.get("/v1/members").json()["members"]]
        return credential_of(client, founder, "MembershipCredential")


def credential_of(client: httpx.Client, did: str, kind: str) -> dict[str, Any]:
    found = client.get(f"/v1/members/{did}/credentials").json()["credentials"]
    vc: dict[str, Any] = next(c for c in found if kind in c["type"])
    return vc


def assert_minted_under(vc: dict[str, Any], public_url: str) -> None:
    assert vc["credentialStatus"]["statusListCredential"] == public_url + "/credentials/status/1"
    assert vc["@context"][1] == public_url + "/contexts/membership/v1"
    assert vc["relatedResource"][0]["id"] == vc["@context"][1]


@pytest.mark.slow
def test_a_node_served_on_another_port_mints_urls_with_that_port(data_dir: Path) -> None:
    server = ServerProcess(data_dir).start()
    try:
        vc = founder_credential(server.url)
        assert_minted_under(vc, server.url)
        # each URL it minted answers, at that address, with what the credential says
        context = httpx.get(vc["@context"][1], timeout=10)
        digest = base64.b64encode(hashlib.sha256(context.content).digest()).decode()
        assert context.headers["content-type"] == "application/ld+json"
        assert vc["relatedResource"][0]["digestSRI"] == f"sha256-{digest}"
        status_url = vc["credentialStatus"]["statusListCredential"]
        assert httpx.get(status_url, timeout=10).json()["id"] == status_url
        assert f"commonweal verify {server.url}<" in httpx.get(server.url + "/", timeout=10).text
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.parametrize("by", ["flag", "environment"])
def test_the_public_url_overrides_host_and_port(data_dir: Path, by: str) -> None:
    public = "https://commons.example/harbour"
    server = (
        ServerProcess(data_dir, args=["--public-url", public + "/"])
        if by == "flag"
        else ServerProcess(data_dir, env={"COMMONWEAL_PUBLIC_URL": public})
    )
    server.start()
    try:
        assert_minted_under(founder_credential(server.url), public)
        assert f"commonweal verify {public}<" in httpx.get(server.url + "/", timeout=10).text
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--public-url", "commons.example"], {}),
        (["--public-url", "https://commons.example/?x=1"], {}),
        ([], {"COMMONWEAL_PUBLIC_URL": "ftp://commons.example"}),
    ],
)
def test_an_invalid_public_url_is_refused_at_start(
    data_dir: Path, args: list[str], env: dict[str, str]
) -> None:
    port = str(free_port())
    started = CliRunner().invoke(
        app, ["serve", "--data-dir", str(data_dir), "--port", port, *args], env=env
    )
    assert started.exit_code == 1
    assert "error:" in started.output and "public URL" in started.output
    assert started.exception is None or isinstance(started.exception, SystemExit)


@pytest.mark.slow
def test_the_demo_mints_urls_with_the_port_it_serves(tmp_path: Path) -> None:
    """The defect: `make demo PORT=8200` issued credentials naming :8000."""
    port = free_port()
    demo = tmp_path / "demo"
    with (tmp_path / "demo.log").open("wb") as log:
        process = subprocess.Popen(
            [COMMAND, "demo", "--single", "--data-dir", str(demo), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (tmp_path / "demo.log").read_text()
            try:
                if httpx.get(base + "/.well-known/commonweal", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the demo did not start"
            time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=10) as client:
            vc = credential_of(client, member_dids(demo)["dalia"], "MembershipCredential")
        assert_minted_under(vc, base)
    finally:
        process.terminate()
        process.wait(timeout=30)

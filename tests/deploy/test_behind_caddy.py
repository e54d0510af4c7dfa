"""A real node behind Debian's Caddy: HTTPS with Caddy's own CA on 127.0.0.1, the client's
address and scheme carried by the forwarded headers, and believed from Caddy only."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn

from commonweal.deploy.render import deployment_for
from commonweal.deploy.settings import Deployment
from commonweal.node.kernel.setup import init_node
from commonweal.web.hsts import HSTS_MAX_AGE_SECONDS
from commonweal.web.proxy import ProxyTrust
from tests.builders import WITHOUT_WRITE_POLICY, Clock, EventFactory
from tests.deploy.caddy_process import CaddyProcess
from tests.deploy.tools import caddy
from tests.server import ServerProcess, free_port
from tests.web.proxy_probe import probe_behind

DOMAIN = "node.example.test"
VISITOR = "127.0.0.2"
"""The client's own address: on the loopback, but not the proxy's 127.0.0.1."""
HSTS = f"max-age={HSTS_MAX_AGE_SECONDS}"
SPOOF = {"X-Forwarded-For": "203.0.113.66", "X-Forwarded-Proto": "https"}

pytestmark = pytest.mark.slow


def deployment(data_dir: Path, port: int) -> Deployment:
    return deployment_for(data_dir, domain=DOMAIN, executable=_commonweal(), port=port)


def _commonweal() -> Path:
    return Path(sys.executable).absolute().parent / "commonweal"


@pytest.fixture
def node_behind_caddy(tmp_path: Path) -> Iterator[tuple[ServerProcess, CaddyProcess, str]]:
    caddy()  # skip (or fail under CI) before starting anything
    created = init_node(
        tmp_path / "node", name="Harbour Over TLS", constitution=WITHOUT_WRITE_POLICY
    )
    did = created.identity.did
    created.close()
    server = ServerProcess(tmp_path / "node", args=["--trusted-proxy", "127.0.0.1"])
    proxy = CaddyProcess(tmp_path / "caddy", deployment(tmp_path / "node", server.port))
    server.start()
    try:
        proxy.start()
        yield server, proxy, did
    finally:
        proxy.stop()
        server.stop()


def test_a_page_and_the_api_through_caddy_over_https(
    node_behind_caddy: tuple[ServerProcess, CaddyProcess, str],
) -> None:
    _server, proxy, did = node_behind_caddy
    with proxy.client(VISITOR) as visitor:
        page = visitor.get("/")
        assert page.status_code == 200, page.text
        assert "Harbour Over TLS" in page.text
        assert page.headers["server"] == "Caddy"
        certificate = page.extensions["network_stream"].get_extra_info("ssl_object").getpeercert()
        issuer = dict(pair[0] for pair in certificate["issuer"])
        assert issuer["commonName"].startswith("Caddy Local Authority"), issuer
        # The node saw HTTPS: the scheme came from Caddy, the one trusted proxy.
        assert page.headers["strict-transport-security"] == HSTS

        events = EventFactory(did, Clock(datetime.now(UTC)))
        submitted = visitor.post("/v1/events", content=events.raw("alice"))
        assert submitted.status_code == 201, submitted.text
        assert submitted.headers["strict-transport-security"] == HSTS
        receipt = submitted.json()
        entry = visitor.get(f"/v1/events/{receipt['index']}")
        assert entry.status_code == 200
        assert entry.json()["leaf_hash"] == receipt["leaf_hash"]

        # The session cookie is Secure: the node knows the browser spoke HTTPS.
        signed_out = visitor.post(
            "/session/end", content=b"{}", headers={"Content-Type": "application/json"}
        )
        assert signed_out.status_code == 200, signed_out.text
        assert "secure" in signed_out.headers["set-cookie"].lower()

        # A client's claim to be someone else over TLS changes nothing through Caddy.
        assert visitor.get("/", headers=SPOOF).headers["strict-transport-security"] == HSTS

    with httpx.Client(
        base_url=f"http://127.0.0.1:{proxy.local.http_port}", headers={"Host": DOMAIN}
    ) as plain:
        redirect = plain.get("/v1/events/0")
        assert redirect.status_code == 308
        assert redirect.headers["location"].startswith(f"https://{DOMAIN}")


def test_forwarded_headers_from_anyone_but_caddy_are_ignored(
    node_behind_caddy: tuple[ServerProcess, CaddyProcess, str],
) -> None:
    server, _proxy, _did = node_behind_caddy
    direct = httpx.HTTPTransport(local_address=VISITOR)
    with httpx.Client(base_url=server.url, transport=direct) as stranger:
        answer = stranger.get("/", headers=SPOOF)
        assert answer.status_code == 200
        assert "strict-transport-security" not in answer.headers
        signed_out = stranger.post(
            "/session/end", content=b"{}", headers={**SPOOF, "Content-Type": "application/json"}
        )
        assert signed_out.status_code == 200, signed_out.text
        assert "secure" not in signed_out.headers["set-cookie"].lower()
    # The same headers from the proxy's address are believed: the check above is not
    # passing because the node never reads them.
    with httpx.Client(base_url=server.url) as from_the_proxy_address:
        believed = from_the_proxy_address.get("/", headers=SPOOF)
        assert believed.headers["strict-transport-security"] == HSTS


@pytest.fixture
def probe_behind_caddy(tmp_path: Path) -> Iterator[tuple[str, CaddyProcess]]:
    """The probe (what the node's inner layers see) served by uvicorn, behind Caddy."""
    caddy()
    init_node(tmp_path / "node", name="Probe").close()
    port = free_port()
    config = uvicorn.Config(
        probe_behind(ProxyTrust.parse(["127.0.0.1"])),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        proxy_headers=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    proxy = CaddyProcess(tmp_path / "caddy", deployment(tmp_path / "node", port))
    try:
        while not server.started:
            thread.join(0.05)
        proxy.start()
        yield f"http://127.0.0.1:{port}", proxy
    finally:
        proxy.stop()
        server.should_exit = True
        thread.join(10)


def test_the_node_sees_the_client_address_caddy_reports(
    probe_behind_caddy: tuple[str, CaddyProcess],
) -> None:
    direct_url, proxy = probe_behind_caddy
    lying = {**SPOOF, "Forwarded": "for=203.0.113.66;proto=https"}
    with proxy.client(VISITOR) as visitor:
        seen = visitor.get("/", headers=lying).json()
    # Caddy replaced the client's X-Forwarded-For with the address it connected from,
    # and dropped the client's Forwarded header.
    assert seen == {"client": VISITOR, "scheme": "https", "peer": "127.0.0.1", "forwarded": None}
    with httpx.Client(transport=httpx.HTTPTransport(local_address=VISITOR)) as stranger:
        seen_directly = stranger.get(direct_url, headers=lying).json()
    assert seen_directly["client"] == VISITOR
    assert seen_directly["scheme"] == "http"
    assert seen_directly["peer"] is None

"""Forwarded headers believed from the trusted proxy only, and HSTS over TLS (in-process)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from commonweal.cli.main import app as cli
from commonweal.node.kernel.setup import init_node
from commonweal.web.app import create_app
from commonweal.web.hsts import HSTS_MAX_AGE_SECONDS
from commonweal.web.proxy import NO_PROXY, ProxyTrust, ProxyTrustError, forwarded_origin
from tests.builders import WITHOUT_WRITE_POLICY, Clock, EventFactory
from tests.web.proxy_probe import probe_behind

LOCAL = ProxyTrust.parse(["127.0.0.1"])
HSTS = f"max-age={HSTS_MAX_AGE_SECONDS}"


def origin(trust: ProxyTrust, **headers: str) -> tuple[str | None, str | None]:
    raw = [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]
    return forwarded_origin(raw, trust)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            {"x_forwarded_for": "198.51.100.7", "x_forwarded_proto": "https"},
            ("198.51.100.7", "https"),
        ),
        ({"x_forwarded_for": "198.51.100.7"}, ("198.51.100.7", None)),
        ({"x_forwarded_proto": "https"}, (None, "https")),
        ({"x_forwarded_proto": "gopher"}, (None, None)),
        # A client's own entry on the left is not believed: the proxy appended the real one.
        ({"x_forwarded_for": "203.0.113.66, 198.51.100.7"}, ("198.51.100.7", None)),
        # Hops through trusted proxies are skipped, from the nearest back.
        ({"x_forwarded_for": "198.51.100.7, 127.0.0.1"}, ("198.51.100.7", None)),
        ({"x_forwarded_for": "127.0.0.1"}, ("127.0.0.1", None)),
        ({"x_forwarded_for": "[2001:db8::1]:4711"}, ("2001:db8::1", None)),
        ({"x_forwarded_for": "198.51.100.7:4711"}, ("198.51.100.7", None)),
        ({"x_forwarded_for": "unknown"}, (None, None)),
        ({"x_forwarded_for": "not an address", "x_forwarded_proto": "HTTPS"}, (None, "https")),
        # Only the family the trust names is read.
        ({"forwarded": "for=198.51.100.7;proto=https"}, (None, None)),
    ],
)
def test_x_forwarded_headers(
    headers: dict[str, str], expected: tuple[str | None, str | None]
) -> None:
    assert origin(LOCAL, **headers) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("for=198.51.100.7;proto=https", ("198.51.100.7", "https")),
        ('for="[2001:db8:cafe::17]:4711";proto=http', ("2001:db8:cafe::17", "http")),
        ('For="198.51.100.7:80";Proto=HTTPS;by=127.0.0.1', ("198.51.100.7", "https")),
        ("for=203.0.113.66;proto=http, for=198.51.100.7;proto=https", ("198.51.100.7", "https")),
        ("for=198.51.100.7;proto=https, for=127.0.0.1;proto=http", ("198.51.100.7", "https")),
        ('for="_hidden";proto=https', (None, "https")),
        ("for=unknown", (None, None)),
        ('for="198.51.100.7, 10.0.0.1";proto=https', (None, "https")),
    ],
)
def test_rfc_7239_forwarded(value: str, expected: tuple[str | None, str | None]) -> None:
    trust = ProxyTrust.parse(["127.0.0.1"], "forwarded")
    assert origin(trust, forwarded=value) == expected
    assert origin(trust, x_forwarded_for="203.0.113.66", forwarded=value) == expected


def test_trust_settings() -> None:
    trust = ProxyTrust.parse(["127.0.0.1, ::1", "10.0.0.0/8 192.0.2.1"])
    assert [trust.trusts(a) for a in ("127.0.0.1", "::1", "10.9.8.7", "192.0.2.1")] == [True] * 4
    assert not any(trust.trusts(a) for a in ("127.0.0.2", "192.0.2.2", "testclient", None))
    assert not NO_PROXY.trusts("127.0.0.1")
    with pytest.raises(ProxyTrustError, match=r"IP address or network.*'proxy\.lan'"):
        ProxyTrust.parse(["127.0.0.1", "proxy.lan"])
    with pytest.raises(ProxyTrustError, match="x-forwarded, forwarded"):
        ProxyTrust.parse(["127.0.0.1"], "x-real-ip")


def probe(trust: ProxyTrust, peer: str, **headers: str) -> dict[str, str | None]:
    with TestClient(probe_behind(trust), client=(peer, 40000)) as client:
        answer: dict[str, str | None] = client.get("/", headers=_headers(headers)).json()
        return answer


def _headers(headers: dict[str, str]) -> dict[str, str]:
    return {name.replace("_", "-"): value for name, value in headers.items()}


def test_the_layers_below_see_the_client_the_trusted_proxy_names() -> None:
    spoof = {"x_forwarded_for": "198.51.100.7", "x_forwarded_proto": "https"}
    assert probe(LOCAL, "127.0.0.1", **spoof) == {
        "client": "198.51.100.7",
        "scheme": "https",
        "peer": "127.0.0.1",
        "forwarded": None,
    }
    untrusted = probe(LOCAL, "203.0.113.66", **spoof)
    assert (untrusted["client"], untrusted["scheme"], untrusted["peer"]) == (
        "203.0.113.66",
        "http",
        None,
    )
    by_default = probe(NO_PROXY, "127.0.0.1", **spoof)
    assert (by_default["client"], by_default["scheme"]) == ("127.0.0.1", "http")


@pytest.fixture
def node(tmp_path, clock: Clock):  # type: ignore[no-untyped-def]
    """A SQLite node: nothing here depends on the database."""
    created = init_node(
        tmp_path / "node", name="Proxy Commons", clock=clock, constitution=WITHOUT_WRITE_POLICY
    )
    yield created
    created.close()


@pytest.fixture
def web(node):  # type: ignore[no-untyped-def]
    return create_app(node, background_checkpoints=False, trusted_proxies=LOCAL)


def test_hsts_when_the_trusted_proxy_spoke_tls(web, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    over_tls = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}
    stranger = TestClient(web, client=("203.0.113.66", 40000))  # shares proxy's lifespan
    with TestClient(web, client=("127.0.0.1", 40000)) as proxy:
        assert proxy.get("/", headers=over_tls).headers["strict-transport-security"] == HSTS
        submitted = proxy.post("/v1/events", content=events.raw("alice"), headers=over_tls)
        assert submitted.status_code == 201, submitted.text  # served by the submission edge
        assert submitted.headers["strict-transport-security"] == HSTS
        missing = proxy.get("/v1/events/999", headers=over_tls)
        assert missing.status_code == 404
        assert missing.headers["strict-transport-security"] == HSTS
        plain = proxy.get("/", headers={"X-Forwarded-Proto": "http"})
        assert "strict-transport-security" not in plain.headers
        spoofed = stranger.post("/v1/events", content=events.raw("bob"), headers=over_tls)
        assert spoofed.status_code == 201, spoofed.text
        assert "strict-transport-security" not in spoofed.headers
        assert "strict-transport-security" not in stranger.get("/", headers=over_tls).headers


def test_the_session_cookie_is_secure_when_the_trusted_proxy_spoke_tls(web) -> None:  # type: ignore[no-untyped-def]
    over_tls = {"X-Forwarded-Proto": "https", "Content-Type": "application/json"}
    trusted = TestClient(web, client=("127.0.0.1", 40000))
    signed_out = trusted.post("/session/end", content=b"{}", headers=over_tls)
    assert signed_out.status_code == 200, signed_out.text
    assert "secure" in signed_out.headers["set-cookie"].lower()
    stranger = TestClient(web, client=("203.0.113.66", 40000))
    spoofed = stranger.post("/session/end", content=b"{}", headers=over_tls)
    assert spoofed.status_code == 200, spoofed.text
    assert "secure" not in spoofed.headers["set-cookie"].lower()


def test_hsts_when_the_node_itself_speaks_tls(node) -> None:  # type: ignore[no-untyped-def]
    web = create_app(node, background_checkpoints=False)
    over_tls = TestClient(web, base_url="https://node.example.org")
    assert over_tls.get("/").headers["strict-transport-security"] == HSTS
    assert "strict-transport-security" not in TestClient(web).get("/").headers


runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--trusted-proxy", "proxy.lan"], "a trusted proxy is an IP address or network"),
        (["--trusted-proxy", "127.0.0.1", "--proxy-header", "x-real-ip"], "x-forwarded"),
    ],
)
def test_serve_refuses_a_bad_proxy_setting(tmp_path, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["serve", "--data-dir", str(tmp_path / "none"), *args])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_serve_reads_the_trusted_proxy_from_the_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        cli,
        ["serve", "--data-dir", str(tmp_path / "none")],
        env={"COMMONWEAL_TRUSTED_PROXY": "127.0.0.1 not-an-address"},
    )
    assert result.exit_code == 1 and "'not-an-address'" in result.output

"""The network census across real nodes on 127.0.0.1: entries proven in each node's cosigned
log are summed; a node whose census does not match its log is refused and flagged, and
``commonweal census audit`` checks it all from outside."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from commonweal.client.census_audit import audit
from tests.cli.test_cli import run
from tests.federation import DIRECT_RECOGNITION
from tests.network import (
    LiveNode,
    latest_checkpoint_size,
    recognize,
    start_node,
    stop_all,
    wait_for,
)

CENSUS_HOURLY: dict[str, Any] = copy.deepcopy(DIRECT_RECOGNITION) | {
    "census": {"every_seconds": 3600}
}


class CensusLyingProxy:
    """Serves ``target`` faithfully, except that its census claims 1,000 more members."""

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                upstream = httpx.get(proxy.target + self.path, timeout=30)
                body = upstream.content
                if self.path == "/v1/census" and upstream.status_code == 200:
                    document = orjson.loads(body)
                    for census in document["censuses"]:
                        census["figures"]["members"] += 1000
                    body = orjson.dumps(document)
                self._answer(upstream, body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                headers = dict(self.headers.items())
                upstream = httpx.post(
                    proxy.target + self.path,
                    content=self.rfile.read(length),
                    headers=headers,
                    timeout=30,
                )
                self._answer(upstream, upstream.content)

            def _answer(self, upstream: httpx.Response, body: bytes) -> None:
                self.send_response(upstream.status_code)
                self.send_header("Content-Type", upstream.headers.get("content-type", ""))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def network(tmp_path: Path) -> Iterator[dict[str, Any]]:
    nodes = {
        name: start_node(tmp_path, name, constitution=CENSUS_HOURLY)
        for name in ("hub", "ash", "birch")
    }
    proxy = CensusLyingProxy(nodes["birch"].url)
    try:
        recognize(nodes["hub"], nodes["ash"])
        answer = nodes["hub"].operator("/v1/federation/recognitions", {"url": proxy.url})
        assert answer.status == 201, answer.text
        for name in ("ash", "birch"):
            recognize(nodes[name], nodes["hub"])
        yield {**nodes, "proxy": proxy}
    finally:
        proxy.close()
        stop_all([nodes[n] for n in ("hub", "ash", "birch")])


def _counted(hub: LiveNode) -> dict[str, Any] | None:
    counted: dict[str, Any] = hub.get("/v1/census/network")
    nodes = {e["node"] for e in counted["entries"]}
    refused = {r["node"] for r in counted["refused"]}
    return counted if len(nodes) == 2 and len(refused) == 1 else None


def _audited(url: str) -> Any:
    """The audit of the node at ``url`` when every check passes, else None."""
    result = audit(url)
    return result if result.ok else None


def checkpointed(node: LiveNode, index: int) -> None:
    """Wait until ``node``'s signed checkpoint covers entry ``index`` (the count itself)."""
    wait_for(lambda: latest_checkpoint_size(node) > index, what="the count checkpointed")


@pytest.mark.slow
def test_the_network_census_counts_proven_entries_and_refuses_a_lying_one(
    network: dict[str, Any],
) -> None:
    hub, ash, birch = network["hub"], network["ash"], network["birch"]
    counted = wait_for(lambda: _counted(hub), timeout=60, what="a network census of hub and ash")
    assert {e["node"] for e in counted["entries"]} == {hub.did, ash.did}
    [refusal] = counted["refused"]
    assert refusal["node"] == birch.did
    assert "differs from the node's log" in refusal["reason"]
    # nothing of birch is added: the totals are hub's and ash's own figures
    own = {n.did: n.get("/v1/census")["censuses"] for n in (hub, ash)}
    entries = {e["node"]: e for e in counted["entries"]}
    for did, censuses in own.items():
        logged = next(c for c in censuses if c["epoch"] == entries[did]["epoch"])
        assert entries[did]["figures"] == logged["figures"]
    assert counted["totals"]["members"] == sum(e["figures"]["members"] for e in entries.values())
    assert counted["totals"]["members"] == 6  # three founders each; birch's 1,003 not added

    checkpointed(hub, counted["index"])
    # The hub may count again meanwhile (its sync rounds go on); the audit reads the
    # latest count, which proves once it is checkpointed: ask again until it does.
    result = wait_for(lambda: _audited(hub.url), timeout=60, what="an audit that passes")
    assert result.ok, [c for c in result.checks if not c[1]]
    assert [what for what, _ok, _d in result.flagged] == [birch.did]

    # the same from the command line: the operator's count now, and the audit
    taken = run("census", "take", "--network", "--node", hub.url, "--data-dir", str(hub.data_dir))
    assert taken.returncode == 0, taken.stderr
    audited = run("census", "audit", hub.url)
    assert audited.returncode == 0, audited.stderr
    assert "every entry proven" in audited.stdout and "flagged" in audited.stdout


@pytest.mark.slow
def test_the_audit_flags_an_entry_its_node_does_not_log(network: dict[str, Any]) -> None:
    hub = network["hub"]
    counted = wait_for(lambda: _counted(hub), timeout=60, what="a network census")
    checkpointed(hub, counted["index"])
    faked = copy.deepcopy(counted)
    faked["entries"][0]["figures"]["members"] += 5
    faked["totals"]["members"] += 5

    class Faking(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path == "/v1/census/network":
                return httpx.Response(200, json=faked)
            with httpx.Client() as real:
                answer = real.send(request)
                answer.read()
                return httpx.Response(
                    answer.status_code, headers=answer.headers, content=answer.content
                )

    with httpx.Client(transport=Faking()) as client:
        result = audit(hub.url, http=client)
    assert not result.ok
    failed = {what for what, ok, _d in result.checks if not ok}
    assert faked["entries"][0]["node"] in failed and "logged" in failed

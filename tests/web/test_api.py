"""The v1 wire API and the C2SP log layout, through the app in-process."""

from __future__ import annotations

import base64

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.core.checkpoint import open_checkpoint
from commonweal.core.merkle import leaf_hash, root_of, verify_consistency, verify_inclusion
from commonweal.core.note import NoteVerifier
from commonweal.core.tiles import decode_entry_bundle
from commonweal.core.tlog_proof import verify_tlog_proof
from commonweal.web.app import create_app
from tests.builders import GENESIS, EventFactory


@pytest.fixture
def client(node):  # type: ignore[no-untyped-def]
    with TestClient(create_app(node, background_checkpoints=False)) as test_client:
        yield test_client


def b64(text: str) -> bytes:
    return base64.b64decode(text)


def test_well_known(client: TestClient, node) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/.well-known/commonweal").json()
    assert doc["did"] == node.identity.did and doc["name"] == "Test Commons"
    assert doc["vkey"] == node.identity.vkey and doc["origin"] == node.identity.origin
    NoteVerifier(doc["vkey"])


def test_submit_then_read_and_prove(client: TestClient, node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/v1/events", content=events.raw("alice"))
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["index"] == GENESIS and receipt["duplicate"] is False
    again = client.post("/v1/events", content=events.raw("alice", seq=1))
    assert again.status_code == 409 and again.json()["code"] == "seq_replayed"
    got = client.get(f"/v1/events/{GENESIS}").json()
    assert got["event"]["author"] == events.did("alice")
    node.checkpoint()
    proof = client.get("/v1/proof/inclusion", params={"index": GENESIS}).json()
    verify_inclusion(
        GENESIS,
        proof["size"],
        b64(receipt["leaf_hash"]),
        [b64(h) for h in proof["proof"]],
        b64(proof["root"]),
    )
    note = client.get("/log/checkpoint").text
    checkpoint = open_checkpoint(note, NoteVerifier(node.identity.vkey))
    assert checkpoint.size == GENESIS + 1 and checkpoint.root == b64(proof["root"])


def test_duplicate_submission_returns_200_with_same_receipt(
    client: TestClient, events: EventFactory
) -> None:
    raw = events.raw("alice")
    first = client.post("/v1/events", content=raw)
    second = client.post("/v1/events", content=raw)
    assert first.status_code == 201 and second.status_code == 200
    assert {**first.json(), "duplicate": True} == second.json()


def test_batch(client: TestClient, events: EventFactory) -> None:
    batch = {"events": [events.event("alice"), events.event("bob"), events.event("alice")]}
    response = client.post("/v1/events/batch", content=orjson.dumps(batch))
    assert response.status_code == 201
    assert [r["index"] for r in response.json()["receipts"]] == [GENESIS + n for n in range(3)]
    bad = {"events": [events.event("carol"), events.event("dave", seq=3)]}
    refused = client.post("/v1/events/batch", content=orjson.dumps(bad))
    assert refused.status_code == 409
    assert refused.json()["position"] == 1
    assert client.get("/.well-known/commonweal").json()["size"] == GENESIS + 3


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{nope", 400, "malformed_json"),
        (b'{"events": 3}', 400, "invalid_batch"),
        (b'{"events": []}', 400, "invalid_batch"),
        (b'{"other": []}', 400, "invalid_batch"),
    ],
)
def test_bad_batches(client: TestClient, body: bytes, status: int, code: str) -> None:
    response = client.post("/v1/events/batch", content=body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code and problem["status"] == status and problem["detail"]


def test_problem_details_for_refusals(client: TestClient, events: EventFactory) -> None:
    response = client.post(
        "/v1/events", content=events.raw(body={"digest": "sha256:" + "c" * 64, "x": 1.5})
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "float_not_allowed"
    assert problem["type"].endswith("/float_not_allowed") and problem["title"]
    big = client.post("/v1/events", content=b"{" + b" " * 70_000 + b"}")
    assert big.status_code == 413 and big.json()["code"] == "event_too_large"
    assert client.get("/v1/events/999").json()["code"] == "not_found"
    assert client.get("/v1/proof/inclusion", params={"index": "x"}).status_code == 400


def test_a_duplicated_member_is_refused_and_nothing_is_logged(
    client: TestClient, node, events: EventFactory
) -> None:  # type: ignore[no-untyped-def]
    size = node.size
    raw = events.raw(body={"digest": "sha256:" + "c" * 64})
    doubled = raw.replace(b'"body":{', b'"body":{"digest":"sha256:' + b"d" * 64 + b'",', 1)
    for path, content in (
        ("/v1/events", doubled),
        ("/v1/events/batch", b'{"events": [' + doubled + b"]}"),
        ("/v1/events/batch", b'{"events": [], "events": [' + raw + b"]}"),
        ("/credentials/verify", b'{"verifiableCredential": {}, "verifiableCredential": {}}'),
    ):
        response = client.post(path, content=content)
        assert response.status_code == 400, path
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == "duplicate_member" and "twice" in problem["detail"]
    assert node.size == size
    big = client.post(
        "/v1/events",
        content=events.raw(body={"n": 1}).replace(b'"n":1', b'"n":' + str(2**64).encode()),
    )
    assert big.status_code == 422 and big.json()["code"] == "invalid_event"
    assert node.size == size


def test_tiles_and_entry_bundles_match_the_log(
    client: TestClient, node, events: EventFactory
) -> None:  # type: ignore[no-untyped-def]
    for n in range(300):
        node.submit(events.raw(f"a{n % 7}"))
    node.checkpoint()
    size = node.size  # 302
    full = client.get("/log/tile/entries/000")
    assert full.status_code == 200 and "immutable" in full.headers["cache-control"]
    partial = client.get(f"/log/tile/entries/001.p/{size - 256}")
    leaves = decode_entry_bundle(full.content) + decode_entry_bundle(partial.content)
    assert len(leaves) == size
    assert leaves == node.store.leaves(0, size)
    level0 = (
        client.get("/log/tile/0/000").content
        + client.get(f"/log/tile/0/001.p/{size - 256}").content
    )
    hashes = [level0[i : i + 32] for i in range(0, len(level0), 32)]
    assert hashes == [leaf_hash(leaf) for leaf in leaves]
    level1 = client.get("/log/tile/1/000.p/1").content
    assert level1 == root_of(hashes[:256])
    assert client.get("/log/tile/0/000.p/200").content == level0[: 200 * 32]
    assert client.get("/log/tile/0/002").status_code == 404
    assert client.get(f"/log/tile/0/001.p/{size - 255}").status_code == 404
    assert client.get("/log/tile/0/1").status_code == 404


def test_consistency_and_receipt(client: TestClient, node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    for _ in range(10):
        node.submit(events.raw("alice"))
    node.checkpoint()
    c = client.get("/v1/proof/consistency", params={"old": 4}).json()
    verify_consistency(
        4, c["new"], b64(c["old_root"]), b64(c["new_root"]), [b64(h) for h in c["proof"]]
    )
    receipt = client.get("/v1/receipts/3").text
    checkpoint = verify_tlog_proof(
        receipt, node.store.entry(3).leaf, NoteVerifier(node.identity.vkey)
    )
    assert checkpoint.size == node.size


def test_home_page_shows_the_node(client: TestClient, node, events: EventFactory) -> None:  # type: ignore[no-untyped-def]
    node.submit(
        events.raw("alice", body={"digest": "sha256:" + "d" * 64, "title": "Assembly minutes"})
    )
    page = client.get("/")
    assert page.status_code == 200
    assert "Test Commons" in page.text and "Assembly minutes" in page.text
    assert f'data-testid="log-size">{GENESIS + 1}<' in page.text
    entry = client.get(f"/events/{GENESIS}")
    assert entry.status_code == 200 and "notary.document.attested" in entry.text


def test_signing_a_checkpoint_needs_the_operators_signature(
    client: TestClient, node, clock, events: EventFactory
) -> None:  # type: ignore[no-untyped-def]
    from commonweal.core.did import did_key_from_public_key
    from commonweal.core.http_signatures import sign_peer_request
    from commonweal.core.keys import SigningKey

    assert client.post("/v1/events", content=events.raw("alice")).status_code == 201
    before = max((c.size for c in node.store.all_checkpoints()), default=0)
    assert before < node.size
    unsigned = client.post("/v1/checkpoints")
    assert unsigned.status_code == 401 and unsigned.json()["code"] == "signature_required"
    url = "http://testserver/v1/checkpoints"
    now = int(clock().timestamp())
    stranger = SigningKey.generate()
    stranger_did = did_key_from_public_key(stranger.public_key)
    by_stranger = client.post(
        "/v1/checkpoints",
        headers=sign_peer_request("POST", url, b"", stranger, stranger_did, now=now),
    )
    assert by_stranger.status_code == 403 and by_stranger.json()["code"] == "unknown_peer"
    assert max(c.size for c in node.store.all_checkpoints()) == before  # nothing signed
    operator = sign_peer_request(
        "POST", url, b"", node.identity.key, node.identity.key_did, now=now
    )
    signed = client.post("/v1/checkpoints", headers=operator)
    assert signed.status_code == 201, signed.text
    assert signed.json()["size"] == node.size
    assert max(c.size for c in node.store.all_checkpoints()) == node.size

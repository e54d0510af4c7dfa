"""The federation services in-process: the witness, signed requests, mirrors, evidence and
visitors, with a peer answered from another in-process node instead of HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from commonweal.core.checkpoint import Checkpoint, sign_checkpoint
from commonweal.core.cosignature import format_add_checkpoint_request, verify_cosignature
from commonweal.core.http_signatures import sign_peer_request
from commonweal.core.keys import SigningKey
from commonweal.core.note import NoteSigner
from commonweal.core.vc.verify import create_presentation
from commonweal.core.witness import ForkEvidence, verify_fork_evidence
from commonweal.domain.catalog import default_registry
from commonweal.domain.federation.recognition import GRANTED
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import credentials
from commonweal.node.services.federation import evidence, mirror, peers, visitors, witness
from commonweal.node.services.federation.auth import authenticate
from commonweal.node.services.federation.peer_client import PeerError
from commonweal.node.services.federation.service import Federation
from tests.builders import Clock
from tests.federation import Place, make_place, recognition_body

URL = "http://127.0.0.1:1/witness/add-checkpoint"


class FakePeer:
    """Answers what ``PeerClient`` asks, from an in-process node (optionally lying)."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self.note: str | None = None
        self.corrupt = False
        self.bundles: list[tuple[int, int]] = []
        self.http = None

    def checkpoint(self, prefix: str = "/log") -> str:
        if self.note is not None:
            return self.note
        row = self.node.store.latest_checkpoint()
        assert row is not None
        return row.note

    def entry_bundle(self, index: int, width: int, prefix: str = "/log") -> bytes:
        self.bundles.append((index, width))
        data = self.node.proofs.entry_bundle(index, width)
        if self.corrupt:  # one bit of the last entry's bytes (not a length prefix)
            data = data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]
        return data

    def get_json(self, path: str, **_params: Any) -> Any:
        if path == credentials.STATUS_LIST_PATH:
            return credentials.status_list(self.node)
        if path == "/v1/federation/evidence":
            return {"evidence": []}
        raise PeerError(f"the fake peer does not serve {path}")


@pytest.fixture
def pair(
    tmp_path: Path, clock: Clock, database_url: str | None
) -> Iterator[tuple[Place, Place, Federation, FakePeer]]:
    """Ash's log, and Birch (on SQLite, and on PostgreSQL when asked) that recognises it."""
    log = make_place(tmp_path, "Ash", clock)
    host = make_place(tmp_path, "Birch", clock, database_url=database_url)
    host.act("alice", GRANTED, recognition_body(log.node))
    federation = Federation(host.node)
    fake = FakePeer(log.node)
    federation.client = lambda url, signed=True: fake  # type: ignore[method-assign,assignment,misc]
    yield log, host, federation, fake
    federation.close()
    log.node.close()
    host.node.close()


def signed_headers(key: SigningKey, body: bytes, clock: Clock) -> list[tuple[str, str]]:
    from commonweal.core.did import did_key_from_public_key

    keyid = did_key_from_public_key(key.public_key)
    return list(
        sign_peer_request("POST", URL, body, key, keyid, now=int(clock().timestamp())).items()
    )


def cosign(federation: Federation, key: SigningKey, body: str, clock: Clock) -> witness.Reply:
    raw = body.encode()
    return witness.handle(federation, url=URL, headers=signed_headers(key, raw, clock), body=raw)


def test_the_witness_cosigns_consistent_checkpoints_and_catches_a_fork(
    pair: tuple[Place, Place, Federation, FakePeer], clock: Clock
) -> None:
    log, host, federation, _fake = pair
    key = log.node.identity.key
    first = log.node.checkpoint()
    reply = cosign(federation, key, format_add_checkpoint_request(0, [], first.note), clock)
    assert reply.status == 200
    checkpoint = Checkpoint(log.node.identity.origin, first.size, first.root)
    assert verify_cosignature(reply.body, checkpoint, host.node.identity.witness.vkey)
    log.attest("alice", 5)
    second = log.node.checkpoint()
    proof = log.node.proofs.consistency(first.size, second.size)
    stale = cosign(federation, key, format_add_checkpoint_request(0, [], second.note), clock)
    assert (stale.status, stale.body) == (409, f"{first.size}\n")
    good = format_add_checkpoint_request(first.size, proof, second.note)
    assert cosign(federation, key, good, clock).status == 200
    assert federation.store.witnessed(log.node.identity.origin).size == second.size  # type: ignore[union-attr]
    # The same size with another root: a fork, and the evidence proves it offline.
    forged = sign_checkpoint(
        Checkpoint(log.node.identity.origin, second.size, bytes(32)),
        NoteSigner(log.node.identity.origin, key),
    )
    reply = cosign(federation, key, format_add_checkpoint_request(second.size, [], forged), clock)
    assert (reply.status, reply.code) == (409, "forked")
    assert log.node.identity.origin in federation.forked()
    (document,) = evidence.documents(federation)
    proven = verify_fork_evidence(ForkEvidence.from_json(document), log.node.identity.vkey)
    assert "forked" in proven
    # Nothing more is cosigned for a forked log.
    honest = format_add_checkpoint_request(second.size, [], second.note)
    assert cosign(federation, key, honest, clock).code == "forked"


def test_signed_requests_are_checked_and_replays_refused(
    pair: tuple[Place, Place, Federation, FakePeer], clock: Clock
) -> None:
    log, host, federation, _fake = pair
    body = format_add_checkpoint_request(0, [], log.node.checkpoint().note).encode()
    headers = signed_headers(log.node.identity.key, body, clock)

    def check(headers: list[tuple[str, str]], *, operator: bool = False, raw: bytes = body) -> Any:
        return authenticate(
            federation,
            method="POST",
            url=URL,
            headers=headers,
            body=raw,
            action="test",
            operator=operator,
        )

    assert check(headers).keyid == log.node.identity.key_did
    with pytest.raises(Rejected) as replay:
        check(headers)
    assert replay.value.code == "replayed"
    # A new process would refuse it too: the nonce is in the database.
    fresh = Federation(host.node)
    with pytest.raises(Rejected) as replay:
        authenticate(fresh, method="POST", url=URL, headers=headers, body=body, action="t")
    assert replay.value.code == "replayed"
    fresh.close()
    codes = []
    for attempt in (
        lambda: check([]),
        lambda: check(signed_headers(SigningKey.generate(), body, clock)),
        lambda: check(signed_headers(log.node.identity.key, body, clock), operator=True),
        lambda: check(signed_headers(log.node.identity.key, body, clock), raw=b"other"),
    ):
        with pytest.raises(Rejected) as refused:
            attempt()
        codes.append(refused.value.code)
    assert codes == ["signature_required", "unknown_peer", "unknown_peer", "signature_invalid"]
    own = signed_headers(host.node.identity.key, body, clock)
    assert check(own, operator=True).keyid == host.node.identity.key_did
    logged = [r.code for r in federation.store.refusals()]
    assert {"replayed", "unsigned", "unknown_peer", "bad_digest"} <= set(logged)


def test_the_mirror_catches_up_from_its_last_verified_size(
    pair: tuple[Place, Place, Federation, FakePeer],
) -> None:
    log, _host, federation, fake = pair
    (peer,) = federation.recognitions()
    log.attest("bob", 300)
    log.node.checkpoint()
    synced = mirror.sync(federation, peer)
    assert synced.after == log.node.size and synced.before == 0
    first = fake.bundles[:]
    assert first == [(0, 256), (1, synced.after - 256)]
    log.attest("carol", 20)
    log.node.checkpoint()
    fake.bundles.clear()
    again = mirror.sync(federation, peer)
    assert (again.before, again.after) == (synced.after, log.node.size)
    assert fake.bundles == [(1, log.node.size - 256)]  # only the bundle with new entries
    row = federation.store.mirror(peer["origin"])
    assert row is not None and row.root == log.node.range.root()
    assert mirror.leaves(federation.store, peer["origin"], 0, row.size) == log.node.store.leaves(
        0, row.size
    )
    # Nothing new: nothing fetched.
    fake.bundles.clear()
    assert mirror.sync(federation, peer).fetched == 0 and fake.bundles == []


def test_corrupt_tiles_change_nothing_and_forks_become_evidence(
    pair: tuple[Place, Place, Federation, FakePeer],
) -> None:
    log, _host, federation, fake = pair
    (peer,) = federation.recognitions()
    log.attest("bob", 10)
    small = log.node.checkpoint()
    mirror.sync(federation, peer)
    log.attest("bob", 260)
    log.node.checkpoint()
    fake.corrupt = True
    with pytest.raises(mirror.MirrorRefused) as refused:
        mirror.sync(federation, peer)
    assert refused.value.code == "tiles_do_not_match"
    row = federation.store.mirror(peer["origin"])
    assert row is not None and row.size == small.size
    staged = federation.store.bundles(peer["origin"], 0, 10)
    assert [(i, w) for i, w, _d in staged] == [(0, small.size)]  # the staged copy was dropped
    assert "tiles_do_not_match" in [r.code for r in federation.store.refusals()]
    fake.corrupt = False
    assert mirror.sync(federation, peer).after == log.node.size
    # A checkpoint of a size the mirror verified, with another root: a prefix fork.
    signer = NoteSigner(log.node.identity.origin, log.node.identity.key)
    fake.note = sign_checkpoint(Checkpoint(log.node.identity.origin, 5, bytes(32)), signer)
    mirror.sync(federation, peer)
    (document,) = evidence.documents(federation)
    assert document["kind"] == "prefix"
    verify_fork_evidence(ForkEvidence.from_json(document), log.node.identity.vkey)
    assert peer["origin"] in federation.forked()
    fake.note = None
    assert mirror.sync(federation, peer).fetched == 0  # a forked log is mirrored no further


def test_a_treaty_is_seen_in_the_mirror_of_the_other_log(
    pair: tuple[Place, Place, Federation, FakePeer],
) -> None:
    log, host, federation, _fake = pair
    (peer,) = federation.recognitions()
    assert not peers.overview(federation)[0]["treaty"]
    log.act("alice", GRANTED, recognition_body(host.node))
    log.node.checkpoint()
    mirror.sync(federation, peer)
    (row,) = peers.overview(federation)
    assert row["recognized"] and row["recognizes_us"] and row["treaty"]
    assert row["mirror"]["size"] == log.node.size


def test_a_visitor_is_admitted_and_leaves_when_their_home_revokes(
    pair: tuple[Place, Place, Federation, FakePeer], clock: Clock
) -> None:
    home, host, federation, fake = pair
    holder = home.events.key("carol")
    did = home.member("carol")
    vc = credentials.credential(
        home.node, credentials.owed(home.node, did, {"MembershipCredential"})
    )

    def present(challenge: str, domain: str) -> dict[str, Any]:
        return create_presentation(
            holder, [vc], challenge=challenge, domain=domain, created="2026-11-23T12:00:00Z"
        )

    with pytest.raises(Rejected) as refused:
        visitors.admit(federation, present("made-up", host.did))
    assert refused.value.code == "invalid_challenge"
    with pytest.raises(Rejected) as refused:
        visitors.admit(federation, present(federation.new_challenge(), "did:key:elsewhere"))
    assert refused.value.code == "invalid_credential"
    receipt = visitors.admit(federation, present(federation.new_challenge(), host.did))
    visit = host.node.state.get("federation.visitors", did)
    assert visit["status"] == "visiting" and visit["admitted"] == receipt.index
    assert home.did in credentials.trusted_issuers(host.node)
    assert credentials.verify(host.node, vc, clock()).verified
    # Carol leaves her home node: its status list says so, and the visit ends here.
    home.act("carol", "membership.member.left", {})
    assert visitors.revoke_departed(federation) == []  # the cached list is still fresh
    clock.advance(seconds=61)
    (departure,) = visitors.revoke_departed(federation)
    assert host.node.state.get("federation.visitors", did)["status"] == "ended"
    assert not credentials.verify(host.node, vc, clock()).verified
    assert departure.index == host.node.size - 1
    store = host.node.store
    assert verify_log(store, default_registry(), compare_with=store).ok
    assert fake is not None and orjson.dumps(visit)


def mirror_transport(federation: Federation, witnessed: dict[str, Any]) -> Any:
    """An HTTP transport that answers what a restore asks, from ``federation``'s mirror."""
    import httpx

    from commonweal.core.tiles import parse_tile_path

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/federation/recognitions":
            return httpx.Response(200, json={"recognitions": []})
        if path == "/v1/federation/witnessed":
            return httpx.Response(200, json=witnessed)
        did = path.split("/")[2]
        row = federation.store.mirror_of(did)
        assert row is not None
        if path.endswith("/checkpoints"):
            notes = federation.store.mirror_checkpoints(row.origin)
            return httpx.Response(
                200, json={"checkpoints": [{"size": s, "note": n} for s, n in notes]}
            )
        if path.endswith("/checkpoint"):
            return httpx.Response(200, text=row.note)
        _level, index, width = parse_tile_path(path.split("/", 3)[3])
        data = mirror.served_bundle(federation.store, row, index, width or 256)
        return httpx.Response(200 if data else 404, content=data or b"")

    return httpx.Client(transport=httpx.MockTransport(handle))


def test_a_lost_database_is_restored_from_the_mirror(
    pair: tuple[Place, Place, Federation, FakePeer],
) -> None:
    from commonweal.node.kernel.setup import SetupError, open_store
    from commonweal.node.services.federation.restore import restore

    log, _host, federation, _fake = pair
    (peer,) = federation.recognitions()
    receipts = log.attest("alice", 280)
    log.node.checkpoint()
    mirror.sync(federation, peer)
    size = log.node.size
    data_dir = Path(log.node.store.engine.url.database).parent  # type: ignore[arg-type]
    log.node.close()
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"node.db{suffix}").unlink(missing_ok=True)
    origin = log.node.identity.origin
    ahead = {"logs": [{"origin": origin, "size": size + 10}]}
    with pytest.raises(SetupError, match="fork"):
        restore(data_dir, "http://mirror.test", http=mirror_transport(federation, ahead))
    done = restore(data_dir, "http://mirror.test", http=mirror_transport(federation, {"logs": []}))
    assert done.size == size and done.checkpoints >= 1
    store = open_store(str(data_dir))
    try:
        assert store.head()[0] == size
        assert [store.entry(r.index).leaf_hash for r in receipts] == [r.leaf_hash for r in receipts]  # type: ignore[union-attr]
        assert verify_log(store, default_registry(), compare_with=store).ok
    finally:
        store.engine.dispose()
    with pytest.raises(SetupError, match="still holds a log"):
        restore(data_dir, "http://mirror.test", http=mirror_transport(federation, {"logs": []}))


def test_a_visitors_credential_problems_are_said_in_their_language(
    pair: tuple[Place, Place, Federation, FakePeer],
) -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from commonweal.web.problems import rejected_handler

    home, host, federation, _fake = pair
    holder = home.events.key("carol")
    vc = credentials.credential(
        home.node, credentials.owed(home.node, home.member("carol"), {"MembershipCredential"})
    )

    async def visit(request: Request) -> JSONResponse:
        visitors.admit(federation, await request.json())
        return JSONResponse({})

    app = Starlette(
        routes=[Route("/visit", visit, methods=["POST"])],
        exception_handlers={Rejected: rejected_handler},
    )

    def refused(language: str) -> dict[str, Any]:
        presentation = create_presentation(
            holder,
            [vc],
            challenge=federation.new_challenge(),
            domain=host.did,
            created="2026-11-23T12:00:00Z",
        )
        presentation["proof"]["proofPurpose"] = "assertionMethod"  # a former f-string's problem
        answer = TestClient(app).post(
            "/visit", json=presentation, headers={"Accept-Language": language}
        )
        assert answer.status_code >= 400
        body: dict[str, Any] = answer.json()
        return body

    english = refused("en")
    assert english["detail"] == "wrong_purpose: the proof's purpose must be authentication"
    assert "detail_en" not in english
    french = refused("fr")
    assert french["detail_en"] == english["detail"]
    assert french["detail"].startswith("wrong_purpose") and "authentication" in french["detail"]
    assert "doit" in french["detail"]
    arabic = refused("ar")
    assert arabic["detail_en"] == english["detail"] and arabic["lang"] == "ar"
    assert "authentication" in arabic["detail"] and "الإثبات" in arabic["detail"]

"""Secret ballots at scale: cast sealed ranked ballots over HTTP, close, audit from the log.

The setup (members, a ranked secret vote with 5 options, every voter's token) runs
in-process on a node with the real clock; voters seal their ballots in worker
processes (the client's work, reported for reference). Then ``commonweal serve``
(with the loopback-only test clock) takes the sealed ballots over HTTP from 8
concurrent clients; the test clock moves past the vote's end, and the serving node's
scheduler posts its decryption shares and closes. The audit re-checks, from the log
alone, every token, range proof and decryption share with the production verifiers.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson

OPTIONS = 5
CLIENTS = 8
KIND = {
    "title": "Ranked secret vote",
    "proposers": "members",
    "electorate": "members",
    "discussion_seconds": 0,
    "voting_seconds": 3600,
    "quorum": "0",
    "method": "instant_runoff",
    "options": {},
    "delegation": False,
    "actions": [],
    "ballot": "secret",
}


def _key(n: int) -> Any:
    from commonweal.core.keys import SigningKey

    return SigningKey(hashlib.sha256(f"voter {n}".encode()).digest())


def _did(n: int) -> str:
    from commonweal.core.did import did_key_from_public_key

    return did_key_from_public_key(_key(n).public_key)


def _signed(node: Any, n: int, seq: int, event_type: str, body: dict[str, Any]) -> bytes:
    from commonweal.core.events import sign_event
    from commonweal.core.rfc3339 import format_utc

    event = sign_event(
        _key(n),
        type=event_type,
        node=node.identity.did,
        seq=seq,
        at=format_utc(node.clock()),
        body=body,
    )
    return orjson.dumps(event)


def prepare(data_dir: Path, voters: int) -> tuple[int, dict[str, Any], list[dict[str, str]]]:
    """A node with ``voters`` members, a secret IRV vote on 5 options now open, and every
    voter's unblinded token. Returns (proposal, the vote's client view, tokens)."""
    from commonweal.client import secret_ballot
    from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
    from commonweal.node.kernel.setup import init_node
    from commonweal.node.services import governance, secret_ballots

    constitution = {
        **DEFAULT_CONSTITUTION,
        "kinds": {**DEFAULT_CONSTITUTION["kinds"], "ranked": KIND},
    }
    constitution = {k: v for k, v in constitution.items() if k != "writes"}
    node = init_node(
        data_dir,
        name="Ballots bench",
        founders=[_did(n) for n in range(voters)],
        constitution=constitution,
    )
    try:
        body = {"kind": "ranked", "topic": "general", "title": "Pick", "text": "Rank them."}
        proposal = node.submit(_signed(node, 0, 1, "governance.proposal.drafted", body)).index
        node.submit(_signed(node, 0, 2, "governance.proposal.submitted", {"proposal": proposal}))
        for n in range(1, OPTIONS):
            alt = {"proposal": proposal, "title": f"Option {n}", "text": "Another.", "actions": []}
            node.submit(_signed(node, n, 1, "governance.alternative.added", alt))
        governance.run_due(node)
        secret_ballots.run_due(node)
        view = secret_ballots.vote_view(node, proposal)
        tokens = []
        for n in range(voters):
            pending, request = secret_ballot.start_token(view)
            seq = 3 if n == 0 else 2 if n < OPTIONS else 1
            node.submit(_signed(node, n, seq, "governance.ballot.token.requested", request))
            blind = secret_ballots.issue(node, proposal, _did(n))
            tokens.append(secret_ballot.finish_token(view, pending, blind))
    finally:
        node.close()
    return proposal, view, tokens


def _seal(args: tuple[dict[str, Any], dict[str, str], int]) -> bytes:
    from commonweal.client import secret_ballot
    from commonweal.core.rfc3339 import format_utc

    view, token, n = args
    options = view["options"]
    shift = n % OPTIONS
    ranking = [options[(shift + k) % OPTIONS] for k in range(1 + n % OPTIONS)]
    body = secret_ballot.seal(view, {"ranking": ranking}, token)
    from datetime import UTC, datetime

    return orjson.dumps(secret_ballot.sealed_event(view, body, format_utc(datetime.now(UTC))))


def seal_all(view: dict[str, Any], tokens: list[dict[str, str]]) -> tuple[list[bytes], float]:
    """Every voter's sealed ballot event, made in worker processes; and seconds per ballot
    of one core's work."""
    start = time.perf_counter()
    workers = max(1, min(2, os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        events = list(pool.map(_seal, [(view, t, n) for n, t in enumerate(tokens)], chunksize=50))
    return events, (time.perf_counter() - start) * workers / max(1, len(events))


@contextmanager
def serving(data_dir: Path, clock_file: Path) -> Iterator[str]:
    from bench.http_load import served

    os.environ["COMMONWEAL_ALLOW_TEST_CLOCK"] = "yes-this-is-a-test"
    with served(data_dir, ("--no-rate-limit", "--test-clock-file", str(clock_file))) as port:
        yield f"http://127.0.0.1:{port}"


def cast_all(url: str, events: list[bytes]) -> float:
    """Ballots per second accepted over HTTP from 8 concurrent clients."""
    shares = [events[k::CLIENTS] for k in range(CLIENTS)]

    def client(mine: list[bytes]) -> None:
        with httpx.Client(base_url=url, timeout=120) as http:
            for raw in mine:
                response = http.post("/v1/events", content=raw)
                assert response.status_code == 201, response.text

    start = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(client, shares))
    return len(events) / (time.perf_counter() - start)


def close(url: str, proposal: int, clock_file: Path) -> float:
    """Seconds from the end of voting to the closing event (decryption, proofs, count)."""
    clock_file.write_text(str(KIND["voting_seconds"] + 5))
    start = time.perf_counter()
    with httpx.Client(base_url=url, timeout=60) as http:
        while http.get(f"/v1/proposals/{proposal}").json()["phase"] != "closed":
            time.sleep(0.2)
            if time.perf_counter() - start > 1800:
                raise TimeoutError("the vote did not close")
    return time.perf_counter() - start


def audit(data_dir: Path, proposal: int) -> tuple[int, float]:
    """From the log alone: every sealed ballot's token and range proofs, every decryption
    share's proof, nullifiers unique. Returns (ballots audited, ballots per second)."""
    from commonweal.core.ballots import blind_rsa, elgamal, wire
    from commonweal.domain.governance.secret_records import context
    from commonweal.store.database import make_engine, sqlite_url
    from commonweal.store.log_store import LogStore

    store = LogStore(make_engine(sqlite_url(data_dir)))
    node_did = store.read_meta()["did"]
    start = time.perf_counter()
    opened = tellers = None
    fields_of: dict[int, list[elgamal.Ciphertext]] = {}
    nullifiers: set[bytes] = set()
    shares = 0
    types = ("governance.secret.opened", "governance.ballot.sealed", "governance.teller.decrypted")
    for row in store.entries_of_types(types):
        body = orjson.loads(row.leaf)["event"]["body"]
        if body.get("proposal") != proposal:
            continue
        if row.type == "governance.secret.opened":
            opened = blind_rsa.PublicKey(
                wire.integer(body["token_key"]["n"]), wire.integer(body["token_key"]["e"])
            )
            tellers = {node_did: wire.point(body["key"])}
        elif row.type == "governance.ballot.sealed":
            assert opened is not None and tellers is not None
            message = wire.from_b64u(body["token"]["message"])
            assert message not in nullifiers
            nullifiers.add(message)
            prefix = wire.from_b64u(body["token"]["prefix"])
            assert blind_rsa.verify(
                opened, prefix + message, wire.from_b64u(body["token"]["signature"])
            )
            key = elgamal.combine(list(tellers.values()))
            used = hashlib.sha256(message).hexdigest()
            cts = []
            for n, item in enumerate(body["fields"]):
                ct = elgamal.Ciphertext(wire.point(item["a"]), wire.point(item["b"]))
                proofs = [(wire.scalar(c), wire.scalar(z)) for c, z in item["proof"]]
                assert elgamal.check_range(
                    key, ct, proofs, len(proofs) - 1, context(node_did, proposal, used, n)
                )
                cts.append(ct)
            fields_of[row.idx] = cts
        elif row.type == "governance.teller.decrypted":
            assert tellers is not None
            share_key = tellers[node_did]
            for item in body["ballots"]:
                for n, share in enumerate(item["shares"]):
                    d = wire.point(share["d"])
                    c, z = (wire.scalar(v) for v in share["proof"])
                    where = context(node_did, proposal, item["ballot"], n)
                    assert elgamal.check_decryption_share(
                        share_key, fields_of[item["ballot"]][n], d, (c, z), where
                    )
                shares += 1
    seconds = time.perf_counter() - start
    assert shares == len(fields_of), (shares, len(fields_of))
    store.engine.dispose()
    return len(fields_of), len(fields_of) / seconds


def bare_rates() -> tuple[float, float]:
    """Bare RSA-2048 PSS verifications and ristretto255 scalar multiplications per second."""
    from commonweal.core.ballots import blind_rsa, ristretto

    key = blind_rsa.generate(2048)
    numbers = key.private_numbers()
    pk = blind_rsa.PublicKey(numbers.public_numbers.n, numbers.public_numbers.e)
    prepared = blind_rsa.prepare(b"m")
    blinded = blind_rsa.blind(pk, prepared)
    sig = blind_rsa.finalize(
        pk, prepared, blind_rsa.blind_sign(pk.n, pk.e, numbers.d, blinded.blinded_msg), blinded.inv
    )
    start = time.perf_counter()
    for _ in range(2000):
        blind_rsa.verify(pk, prepared, sig)
    rsa_rate = 2000 / (time.perf_counter() - start)
    point = ristretto.base_mul(ristretto.random_scalar())
    scalar = ristretto.random_scalar()
    start = time.perf_counter()
    for _ in range(2000):
        ristretto.mul(scalar, point)
    return rsa_rate, 2000 / (time.perf_counter() - start)

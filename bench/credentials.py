"""The ``credentials`` group (issue 18): verifying credentials through ``POST
/credentials/verify`` beside the bare work of their cryptosuite, in the same run.

- ``eddsa-jcs-2022``: 1,000 membership credentials of one node, each verified over HTTP
  (a real ``commonweal serve``, 8 client threads in another process), against the bare
  rate of what the suite itself needs, on one core: RFC 8785 of the document and of the
  proof configuration (with the reference ``rfc8785``), SHA-256 of both, one Ed25519
  check. Target: at least 60 %. The same bare work with the orjson fast path the node
  uses is reported beside it.
- ``eddsa-rdfc-2022``: the same credentials signed with the RDF suite, verified over
  HTTP, beside pyld's bare URDNA2015 canonicalisation rate of the same documents (a
  reference: the node's verify does the canonicalisation and the check of every term).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import time
from pathlib import Path
from typing import Any

import orjson

from bench.http_load import CLIENTS, _client_process, served

PUBLIC_URL = "https://bench.commons.example"
"""The URL the bench node's credentials name (its status list's), as served."""


def node_with_members(data_dir: Path, members: int) -> tuple[str, list[str]]:
    """A node founded by ``members`` members (each owed a membership credential)."""
    from commonweal.core.did import did_key_from_public_key
    from commonweal.core.keys import SigningKey
    from commonweal.node.kernel.setup import init_node

    founders = [did_key_from_public_key(SigningKey.generate().public_key) for _ in range(members)]
    node = init_node(data_dir, name="Credentials bench", founders=founders)
    node.close()
    return str(data_dir), founders


def signed_credentials(
    data_dir: Path, founders: list[str], cryptosuite: str
) -> list[dict[str, Any]]:
    """Each founder's membership credential, signed with ``cryptosuite``."""
    from commonweal.domain.membership.records import CREDENTIALS
    from commonweal.node.kernel.setup import open_node
    from commonweal.node.services import credentials

    node = open_node(data_dir, public_url=PUBLIC_URL)
    try:
        rows = {row["subject"]: row for _key, row in node.state.items(CREDENTIALS)}
        return [credentials.credential(node, rows[did], cryptosuite) for did in founders]
    finally:
        node.close()


def bare_jcs_rate(vcs: list[dict[str, Any]], public_key: bytes, *, fast: bool = False) -> float:
    """Credentials/s of RFC 8785 + SHA-256 + Ed25519 alone, one core: with the reference
    RFC 8785 implementation (``rfc8785``), or with ``fast``, through orjson where it is
    byte-identical (what the node's verify uses)."""
    from commonweal.core.jcs import canonicalize as reference
    from commonweal.core.jcs import canonicalize_fast

    canonicalize = canonicalize_fast if fast else reference
    from commonweal.core.keys import verify_signature
    from commonweal.core.multibase import decode_z

    prepared = []
    for vc in vcs:
        proof = vc["proof"]
        config = {k: v for k, v in proof.items() if k != "proofValue"}
        config["@context"] = vc["@context"]
        document = {k: v for k, v in vc.items() if k != "proof"}
        prepared.append((config, document, decode_z(proof["proofValue"])))
    start = time.perf_counter()
    for config, document, signature in prepared:
        digest = hashlib.sha256(canonicalize(config)).digest()
        digest += hashlib.sha256(canonicalize(document)).digest()
        if not verify_signature(public_key, digest, signature):
            raise SystemExit("a bench credential does not verify bare")
    return len(prepared) / (time.perf_counter() - start)


def bare_rdfc_rate(vcs: list[dict[str, Any]]) -> float:
    """Documents/s of pyld's URDNA2015 canonicalisation alone (no term check), one core."""
    import copy

    from pyld import jsonld

    from commonweal.core.vc.contexts import document_loader

    documents = [{k: v for k, v in vc.items() if k != "proof"} for vc in vcs]
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader,
    }
    start = time.perf_counter()
    for document in documents:
        jsonld.normalize(copy.deepcopy(document), options)
    return len(documents) / (time.perf_counter() - start)


def http_verify_rate(data_dir: Path, vcs: list[dict[str, Any]]) -> float:
    """Credentials/s verified through ``POST /credentials/verify`` by 8 clients."""
    bodies: list[list[bytes]] = [[] for _ in range(CLIENTS)]
    for n, vc in enumerate(vcs):
        bodies[n % CLIENTS].append(orjson.dumps({"verifiableCredential": vc, "options": {}}))
    with served(data_dir, ("--no-rate-limit", "--public-url", PUBLIC_URL)) as port:
        context = multiprocessing.get_context("fork")
        queue: multiprocessing.Queue = context.Queue()  # type: ignore[type-arg]
        client = context.Process(
            target=_client_process, args=(port, bodies, "/credentials/verify", queue)
        )
        client.start()
        elapsed, errors = queue.get(timeout=600)
        client.join()
    if errors:
        raise SystemExit(f"the node did not verify bench credentials: {errors[:2]}")
    return len(vcs) / elapsed


def public_key_of(data_dir: Path) -> bytes:
    from commonweal.node.kernel.setup import open_node

    node = open_node(data_dir)
    try:
        return node.identity.key.public_key
    finally:
        node.close()

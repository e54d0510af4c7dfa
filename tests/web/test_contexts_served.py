"""Commonweal's contexts at stable URLs: named by credentials, served by the node, pinned."""

from __future__ import annotations

import base64
import copy
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.core.vc.contexts import LEGACY_ORIGIN, MEMBERSHIP_PATH
from commonweal.core.vc.data_integrity import JCS, RDFC, add_proof
from commonweal.core.vc.errors import CredentialError
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import init_node
from commonweal.node.services import credentials
from commonweal.web.app import create_app
from tests.builders import Clock, EventFactory

PUBLIC_URL = "https://commons.example"


@pytest.fixture
def node(tmp_path: Path, clock: Clock) -> Iterator[Node]:
    factory = EventFactory("", clock)
    created = init_node(
        tmp_path / "node", name="Commons", url=PUBLIC_URL, clock=clock, founders=[factory.did("a")]
    )
    yield created
    created.close()


@pytest.fixture
def client(node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(node, background_checkpoints=False)) as test_client:
        yield test_client


def founder_credential(client: TestClient, node: Node) -> dict[str, Any]:
    did = next(row["subject"] for _key, row in node.state.items("membership.credentials"))
    (vc,) = [
        vc
        for vc in client.get(f"/v1/members/{did}/credentials").json()["credentials"]
        if "MembershipCredential" in vc["type"]
    ]
    return dict(vc)


def verify(client: TestClient, vc: object) -> tuple[int, set[str]]:
    answer = client.post(
        "/credentials/verify", content=orjson.dumps({"verifiableCredential": vc, "options": {}})
    )
    problems = answer.json()["problemDetails"]
    return answer.status_code, {p["type"].rsplit("/", 1)[1] for p in problems}


def resigned(node: Node, vc: dict[str, Any], suite: str) -> dict[str, Any]:
    """``vc`` signed again by the node's key, as a node would have issued it."""
    unsigned = {k: v for k, v in vc.items() if k != "proof"}
    return add_proof(
        unsigned,
        node.identity.key,
        verification_method=node.identity.verification_method,
        created=vc["validFrom"],
        cryptosuite=suite,
    )


def test_a_credential_names_the_served_context_and_its_digest(
    client: TestClient, node: Node
) -> None:
    vc = founder_credential(client, node)
    context = PUBLIC_URL + MEMBERSHIP_PATH
    assert vc["@context"] == ["https://www.w3.org/ns/credentials/v2", context]
    (related,) = vc["relatedResource"]
    assert related["id"] == context
    served = client.get(MEMBERSHIP_PATH)
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/ld+json"
    assert "immutable" in served.headers["cache-control"]
    digest = base64.b64encode(hashlib.sha256(served.content).digest()).decode()
    assert related["digestSRI"] == f"sha256-{digest}"
    assert orjson.loads(served.content)["@context"]["MembershipCredential"].endswith(
        "#MembershipCredential"
    )
    assert verify(client, vc) == (200, set())


def test_a_served_context_answers_a_conditional_request_with_304(client: TestClient) -> None:
    etag = client.get(MEMBERSHIP_PATH).headers["etag"]
    again = client.get(MEMBERSHIP_PATH, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/contexts/unknown/v1").status_code == 404


@pytest.mark.parametrize("suite", [JCS, RDFC])
def test_a_credential_issued_with_the_old_invalid_urls_still_verifies(
    client: TestClient, node: Node, suite: str
) -> None:
    """Before nodes served their contexts, credentials named them under .invalid, with
    no relatedResource: the loader maps those names to the same built-in documents."""
    old = copy.deepcopy(founder_credential(client, node))
    old["@context"][1] = LEGACY_ORIGIN + MEMBERSHIP_PATH
    del old["relatedResource"]
    assert verify(client, resigned(node, old, suite)) == (200, set())


def test_a_credential_with_an_unknown_context_is_refused(client: TestClient, node: Node) -> None:
    forged = copy.deepcopy(founder_credential(client, node))
    forged["@context"][1] = "https://commons.example/contexts/other/v1"
    status, problems = verify(client, resigned(node, forged, JCS))
    assert status == 422 and problems == {"invalid_credential"}
    with pytest.raises(CredentialError) as refused:  # nor can it be canonicalized to sign
        resigned(node, forged, RDFC)
    assert "contexts/other/v1" in refused.value.message


def test_rebuilt_credentials_are_byte_identical_for_the_same_log_and_public_url(
    client: TestClient, node: Node
) -> None:
    first = founder_credential(client, node)
    assert founder_credential(client, node) == first
    assert credentials.status_list_url(node) == PUBLIC_URL + credentials.STATUS_LIST_PATH

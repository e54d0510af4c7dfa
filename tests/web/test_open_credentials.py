"""The automation issuer: an open kind lets a token scoped to it have any conforming VC 2.0
credential signed — the W3C suites' example credentials — by a did:key derived from the
node key, never by the node's DID; logged as ``credentials.issued`` (a commitment, no
subject), revocable on a status list of its own, and refused, with nothing logged, for
every other caller or for the node's own credential types."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from commonweal.domain.credentials.events import ISSUED_TYPE, REVOKED_TYPE
from commonweal.domain.credentials.kinds import PASSPORT_KIND
from commonweal.node.kernel.setup import init_node
from commonweal.node.services import community_credentials
from commonweal.web.app import create_app
from tests.builders import Clock, EventFactory
from tests.community import FOUNDERS, Community
from tests.credential_kinds import ANY_TOKEN, COURSE_TOKEN, constitution_with_kinds, token_digest
from tests.web.test_community_credentials import Unchanged, post, reasons, verified

V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
SUITE_TOKEN = "operator-token-scoped-to-the-open-kind"


class Tokens:
    """The course token, an unscoped token, and one scoped to the open kind."""

    def __call__(self) -> frozenset[str]:
        return frozenset(token_digest(t) for t in (COURSE_TOKEN, ANY_TOKEN, SUITE_TOKEN))

    def scopes(self) -> dict[str, frozenset[str]]:
        return {
            token_digest(COURSE_TOKEN): frozenset({"course"}),
            token_digest(SUITE_TOKEN): frozenset({"w3c-suite"}),
        }


@pytest.fixture
def open_community(tmp_path: Path, database_url: str | None, clock: Clock) -> Iterator[Community]:
    factory = EventFactory("", clock)
    constitution = constitution_with_kinds()
    constitution["credentials"]["w3c-suite"] = {"open": True}
    node = init_node(
        tmp_path / "node",
        name="Suite Commons",
        database_url=database_url,
        clock=clock,
        founders=[factory.did(name) for name in FOUNDERS],
        admission={"admission": "open"},
        constitution=constitution,
    )
    factory.node_did = node.identity.did
    yield Community(node, factory, clock)
    node.close()


@pytest.fixture
def client(open_community: Community) -> Iterator[TestClient]:
    app = create_app(open_community.node, background_checkpoints=False, issuer_tokens=Tokens())
    with TestClient(app) as test_client:
        yield test_client


def example(issuer: str, **changes: Any) -> dict[str, Any]:
    """An example credential as the W3C suites send one: their context, their types."""
    credential = {
        "@context": [V2, EXAMPLES],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": issuer,
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    }
    return {**credential, **changes}


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_scoped_token_has_any_credential_signed_by_the_automation_issuer(
    client: TestClient, open_community: Community, suite: str
) -> None:
    node = open_community.node
    automation = node.identity.automation_did
    assert automation.startswith("did:key:z6Mk") and automation != node.identity.did
    kinds = {k["name"]: k for k in client.get("/credentials/kinds").json()["kinds"]}
    assert kinds["w3c-suite"]["issuer"] == automation and kinds["w3c-suite"]["open"] is True
    credential = example(automation)
    issued = post(
        client,
        "/credentials/issue",
        {"credential": credential, "options": {"cryptosuite": suite}},
        SUITE_TOKEN,
    )
    assert issued.status_code == 201, issued.text
    vc = issued.json()["verifiableCredential"]
    # the credential as sent, with a status entry on the automation issuer's list and a proof
    assert {k: v for k, v in vc.items() if k not in ("proof", "credentialStatus")} == credential
    assert vc["credentialStatus"]["statusListCredential"].endswith("/credentials/status/automation")
    assert vc["proof"]["cryptosuite"] == suite
    assert vc["proof"]["verificationMethod"].startswith(automation + "#")
    assert verified(client, vc).status_code == 200
    # logged: the kind and a commitment, no subject and no claim in the public log
    (entry,) = [e for e in node.store.entries(0, node.size) if e.type == ISSUED_TYPE]
    leaf = entry.leaf.decode()
    assert '"kind":"w3c-suite"' in leaf and '"claims":"sha256:' in leaf
    assert "School of Examples" not in leaf and "did:example:abcdefgh" not in leaf
    # rebuilt from its row, byte for byte
    (row,) = [r for r in community_credentials.issued_rows(node) if r["kind"] == "w3c-suite"]
    assert community_credentials.credential(node, row, suite) == vc


def test_revoking_an_open_credential_sets_its_bit_on_the_automation_list_only(
    client: TestClient, open_community: Community
) -> None:
    node = open_community.node
    automation = node.identity.automation_did
    document = {"credential": example(automation)}
    vc = post(client, "/credentials/issue", document, SUITE_TOKEN).json()["verifiableCredential"]
    index = int(vc["credentialStatus"]["statusListIndex"])
    node.submit_as_node(REVOKED_TYPE, {"index": index, "reason": "suite run over"})
    assert reasons(verified(client, vc)) == ["revoked"]
    listed = client.get("/credentials/status/automation").json()
    assert listed["issuer"] == automation and "BitstringStatusListCredential" in listed["type"]
    assert verified(client, listed).status_code == 200
    own = client.get("/credentials/status/1").json()
    assert own["issuer"] == node.identity.did
    assert own["credentialSubject"]["encodedList"] != listed["credentialSubject"]["encodedList"]


def refusals(automation: str) -> dict[str, tuple[dict[str, Any], str | None, int, str]]:
    """Requests refused, with the token they carry, the status and the problem code."""
    membership = example(automation, type=["VerifiableCredential", "MembershipCredential"])
    passport = example(automation, type=["VerifiableCredential", PASSPORT_KIND["type"]])
    course = example(automation, type=["VerifiableCredential", "CourseCredential"])
    no_issuer = {k: v for k, v in example(automation).items() if k != "issuer"}
    return {
        "unscoped token": (example(automation), ANY_TOKEN, 422, "unknown_kind"),
        "course token": (example(automation), COURSE_TOKEN, 422, "unknown_kind"),
        "no token": (example(automation), None, 422, "unknown_kind"),
        "membership type": (membership, SUITE_TOKEN, 422, "reserved_type"),
        "passport type": (passport, SUITE_TOKEN, 403, "forbidden"),
        "a closed kind's type": (course, SUITE_TOKEN, 403, "forbidden"),
        "another issuer": (example("did:example:someone"), SUITE_TOKEN, 422, "invalid_credential"),
        "no issuer": (no_issuer, SUITE_TOKEN, 422, "invalid_credential"),
        "VC 1.1": (
            example(automation, **{"@context": ["https://www.w3.org/2018/credentials/v1"]}),
            SUITE_TOKEN,
            422,
            "invalid_credential",
        ),
        "type items not strings": (example(automation, type=[[]]), SUITE_TOKEN, 422, None),
        "a proof already": (example(automation, proof={"type": "X"}), SUITE_TOKEN, 422, None),
    }


@pytest.mark.parametrize("case", list(refusals("did:key:x")))
def test_refused_open_issuance_logs_and_keeps_nothing(
    client: TestClient, open_community: Community, case: str
) -> None:
    credential, token, status, code = refusals(open_community.node.identity.automation_did)[case]
    unchanged = Unchanged(open_community)
    refused = post(client, "/credentials/issue", {"credential": copy.deepcopy(credential)}, token)
    assert refused.status_code == status, refused.text
    if code is not None:
        assert refused.json()["code"] == code
    unchanged.check()


def test_a_member_cannot_issue_an_open_kind(open_community: Community) -> None:
    steward = FOUNDERS[0]
    body = {"kind": "w3c-suite", "claims": "sha256:" + "0" * 64}
    assert open_community.refused(steward, ISSUED_TYPE, body) == "forbidden"
    request = {"kind": "w3c-suite", "claims": "sha256:" + "0" * 64}
    assert open_community.refused(steward, "credentials.requested", request) == "not_requestable"

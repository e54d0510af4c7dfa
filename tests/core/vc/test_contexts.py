"""The W3C contexts ship in the package, pinned by their published digests, never read elsewhere."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import commonweal
from commonweal.core.vc.contexts import (
    OWN_CONTEXTS,
    W3C_CONTEXTS,
    PinnedContext,
    context_bytes,
    digest_sri,
    document_loader,
)
from commonweal.core.vc.errors import CredentialError
from tests.vectors import find_vectors

SHIPPED = Path(commonweal.__file__).parent / "core" / "vc" / "context_documents"


@pytest.mark.parametrize("pinned", W3C_CONTEXTS.values(), ids=lambda p: p.file)
def test_each_shipped_context_has_its_published_digest(pinned: PinnedContext) -> None:
    data = (SHIPPED / pinned.file).read_bytes()
    assert hashlib.sha256(data).hexdigest() == pinned.sha256
    assert context_bytes(pinned) == data


@pytest.mark.parametrize("pinned", W3C_CONTEXTS.values(), ids=lambda p: p.file)
def test_each_shipped_context_equals_the_vectors_copy(pinned: PinnedContext) -> None:
    vectors = find_vectors() / "identity" / "contexts" / pinned.file
    assert (SHIPPED / pinned.file).read_bytes() == vectors.read_bytes()


def test_the_credentials_digest_is_the_one_vc_2_0_publishes() -> None:
    """VC Data Model 2.0 §B.1 fixes this digest for https://www.w3.org/ns/credentials/v2."""
    pinned = W3C_CONTEXTS["https://www.w3.org/ns/credentials/v2"]
    assert pinned.sha256 == "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"


def test_every_shipped_file_is_pinned() -> None:
    shipped = {path.name for path in SHIPPED.glob("*.jsonld")}
    assert {pinned.file for pinned in W3C_CONTEXTS.values()} <= shipped


def test_a_copy_that_does_not_match_its_digest_is_refused() -> None:
    pinned = W3C_CONTEXTS["https://www.w3.org/ns/credentials/v2"]
    altered = PinnedContext(pinned.address, pinned.file, "00" * 32, pinned.source)
    with pytest.raises(CredentialError) as refused:
        context_bytes(altered)
    assert refused.value.code == "context_altered"


def test_an_unknown_context_is_refused_without_fetching() -> None:
    with pytest.raises(CredentialError) as refused:
        document_loader("https://example.org/contexts/anything/v1")
    assert refused.value.code == "unknown_context"


SIGN_AND_VERIFY = """
from commonweal.core.keys import SigningKey
from commonweal.core.did import did_key_from_public_key
from commonweal.core.vc.data_integrity import RDFC, add_proof, resolve_did_key, verify_proof
key = SigningKey(bytes(32))
did = did_key_from_public_key(key.public_key)
credential = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "issuer": did,
    "credentialSubject": {"id": did},
}
method = did + "#" + did.removeprefix("did:key:")
signed = add_proof(credential, key, verification_method=method,
                   created="2026-01-01T00:00:00Z", cryptosuite=RDFC)
verify_proof(signed, resolve_key=resolve_did_key)
print("verified")
"""


def test_a_package_copied_far_from_the_vectors_still_canonicalizes(tmp_path: Path) -> None:
    """The defect: contexts were read from shared/vectors beside the checkout, so a package
    without that folder beside it could not sign anyone in ("JSON-LD processing failed")."""
    copy = tmp_path / "site"
    shutil.copytree(Path(commonweal.__file__).parent, copy / "commonweal")
    run = subprocess.run(
        [sys.executable, "-c", SIGN_AND_VERIFY],
        cwd=tmp_path,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "verified"


@pytest.mark.parametrize("pinned", OWN_CONTEXTS.values(), ids=lambda p: p.file)
def test_each_own_context_has_its_published_digest(pinned: PinnedContext) -> None:
    assert hashlib.sha256((SHIPPED / pinned.file).read_bytes()).hexdigest() == pinned.sha256


def test_the_own_digests_are_the_ones_the_protocol_publishes() -> None:
    protocol = (Path(__file__).parents[3] / "docs" / "protocol.md").read_text()
    for pinned in OWN_CONTEXTS.values():
        assert pinned.sha256 in protocol and digest_sri(pinned) in protocol


@pytest.mark.parametrize(
    "url",
    [
        "https://commons.example/contexts/membership/v1",
        "http://127.0.0.1:8200/contexts/membership/v1",
        "https://example.org/our-commons/contexts/membership/v1",
        "https://commonweal.invalid/contexts/membership/v1",
    ],
)
def test_own_contexts_are_known_by_their_path_on_any_origin(url: str) -> None:
    loaded = document_loader(url)
    assert loaded["documentUrl"] == url
    shipped = SHIPPED / "commonweal-membership-v1.jsonld"
    assert loaded["document"] == json.loads(shipped.read_text())


@pytest.mark.parametrize(
    "url",
    [
        "ftp://commons.example/contexts/membership/v1",
        "https://commons.example/contexts/membership/v1?x=1",
        "https://commons.example/contexts/membership/v1#x",
        "https://commons.example/contexts/membership/v2",
        "/contexts/membership/v1",
    ],
)
def test_anything_else_near_an_own_context_is_refused(url: str) -> None:
    with pytest.raises(CredentialError) as refused:
        document_loader(url)
    assert refused.value.code == "unknown_context"

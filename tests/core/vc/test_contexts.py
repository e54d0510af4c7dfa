"""The W3C contexts ship in the package, pinned by their published digests, never read elsewhere."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import commonweal
from commonweal.core.vc.contexts import (
    W3C_CONTEXTS,
    PinnedContext,
    context_bytes,
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
    altered = PinnedContext(pinned.url, pinned.file, "00" * 32, pinned.source)
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

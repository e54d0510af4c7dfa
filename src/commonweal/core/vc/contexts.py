"""A frozen, offline JSON-LD document loader: known contexts only, never the network.

Every context the node uses ships inside the package (``context_documents/``) and
is checked against its published SHA-256 digest before it is used.

- The W3C contexts, byte for byte as the W3C publishes them, pinned by the digests
  their specifications publish (VC Data Model 2.0 §B.1, VC Data Integrity 1.0 §2.4
  say to treat these URLs as already retrieved and to check that hash).
- The W3C-CCG context of the ``Ed25519Signature2020`` suite, which the node only
  verifies (``ed25519_2020.py``): pinned by the digest of the bytes w3id.org serves
  (no specification publishes one).
- Commonweal's own contexts. Every node serves them at the same path under its
  public URL (``https://commons.example/contexts/membership/v1``), with the same
  bytes, and its credentials name that URL and its digest (``relatedResource``). So
  the loader recognises them by their path, on any http(s) origin, and answers with
  the built-in document: a verifier needs no fetch and no trust in the origin. The
  names credentials carried before nodes served them
  (``https://commonweal.invalid/contexts/...``) map to the same documents.

Any other URL is refused: nothing is fetched, and no folder outside the package is read.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from commonweal.core.vc.errors import CredentialError


@dataclass(frozen=True)
class PinnedContext:
    """A JSON-LD context shipped in the package, with the digest that pins it."""

    address: str
    """The W3C context's URL; for Commonweal's own, the path under a node's public URL."""
    file: str
    sha256: str
    """Hex SHA-256 of the file's exact bytes, as published (the W3C's specifications, or
    Commonweal's docs/protocol.md)."""
    source: str
    """Where the bytes come from and where the digest is published."""


CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
W3C_CONTEXTS = {
    pinned.address: pinned
    for pinned in (
        PinnedContext(
            CREDENTIALS_V2,
            "credentials-v2.jsonld",
            "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
            "w3c/vc-data-model contexts/credentials/v2; digest: VC Data Model 2.0 §B.1",
        ),
        PinnedContext(
            DATA_INTEGRITY_V2,
            "data-integrity-v2.jsonld",
            "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
            "w3c/vc-data-integrity contexts/data-integrity/v2; digest: VC Data Integrity 1.0 §2.4",
        ),
        PinnedContext(
            MULTIKEY_V1,
            "multikey-v1.jsonld",
            "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597",
            "w3c/vc-data-integrity contexts/multikey/v1; digest: VC Data Integrity 1.0 §2.4",
        ),
        PinnedContext(
            EXAMPLES_V2,
            "credentials-examples-v2.jsonld",
            "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
            "w3c/vc-data-model contexts/credentials/examples/v2 (its @vocab defines any term "
            "of a credential that names it: the W3C test suites' credentials do)",
        ),
    )
}
"""The W3C contexts this node uses, pinned by their published digests."""

ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
SUITE_CONTEXTS = {
    ED25519_2020: PinnedContext(
        ED25519_2020,
        "ed25519-signature-2020-v1.jsonld",
        "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588",
        "digitalbazaar/ed25519-signature-2020-context contexts/ed25519-signature-2020-v1.jsonld "
        "(release v1.1.0; unchanged since commit ed4eeb7), where "
        "w3id.org/security/suites/ed25519-2020/v1 redirects (perma-id/w3id.org "
        "security/.htaccess); digest: the SHA-256 of those bytes",
    )
}
"""Contexts of proof suites the node verifies but does not sign with."""

MEMBERSHIP_PATH = "/contexts/membership/v1"
ATTENDANCE_PATH = "/contexts/attendance/v1"
OWN_CONTEXTS = {
    pinned.address: pinned
    for pinned in (
        PinnedContext(
            MEMBERSHIP_PATH,
            "commonweal-membership-v1.jsonld",
            "4d3aeb143a798ed9609fa572cead5e5ba84da05e87aa3335bcf3edd3e92df4bd",
            "Commonweal; digest: docs/protocol.md (Credentials)",
        ),
        PinnedContext(
            ATTENDANCE_PATH,
            "commonweal-attendance-v1.jsonld",
            "5317ce65ced9f09888f7a63fb0e83890d4d209d2a75ce0842de8d1c03601f912",
            "Commonweal; digest: docs/protocol.md (Credentials)",
        ),
    )
}
"""Commonweal's own contexts (membership and role; attendance), by their path."""

LEGACY_ORIGIN = "https://commonweal.invalid"
"""Where credentials named Commonweal's contexts before nodes served them."""


def own_context_url(public_url: str, path: str) -> str:
    """Where a node at ``public_url`` serves its own context ``path``."""
    return public_url.rstrip("/") + path


def own_context(url: str) -> PinnedContext | None:
    """The own context an http(s) URL names by its path (any origin, any base path), if any."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return None
    for path, pinned in OWN_CONTEXTS.items():
        if parts.path.endswith(path):
            return pinned
    return None


@cache
def context_bytes(pinned: PinnedContext) -> bytes:
    """The shipped bytes of ``pinned``, refused if they do not match its digest (read and
    checked once per process: the package's files do not change while it runs)."""
    data = (resources.files(__package__) / "context_documents" / pinned.file).read_bytes()
    if hashlib.sha256(data).hexdigest() != pinned.sha256:
        raise CredentialError(
            "context_altered",
            "the shipped copy of %(address)s does not match its digest",
            address=pinned.address,
        )
    return data


def digest_sri(pinned: PinnedContext) -> str:
    """The context's digest as Subresource Integrity (``sha256-<base64>``), for
    ``relatedResource.digestSRI`` (VC Data Model 2.0 §5.3)."""
    return "sha256-" + base64.b64encode(bytes.fromhex(pinned.sha256)).decode()


def _pinned(url: str) -> PinnedContext:
    pinned = W3C_CONTEXTS.get(url) or SUITE_CONTEXTS.get(url) or own_context(url)
    if pinned is None:
        raise CredentialError(
            "unknown_context", "the context %(url)s is not one this node knows", url=url
        )
    return pinned


@cache
def _document(pinned: PinnedContext) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(context_bytes(pinned))
    return document


DocumentLoader = Callable[[str, Any], dict[str, Any]]


def document_loader(url: str, _options: Any = None) -> dict[str, Any]:
    """pyld's document loader interface, over the frozen set."""
    return {"contextUrl": None, "documentUrl": url, "document": _document(_pinned(url))}


def loader_with(extra: Mapping[str, dict[str, Any]]) -> DocumentLoader:
    """The frozen loader, also knowing ``extra`` (tests add the W3C examples context this way)."""

    def load(url: str, _options: Any = None) -> dict[str, Any]:
        if url in extra:
            return {"contextUrl": None, "documentUrl": url, "document": extra[url]}
        return document_loader(url)

    return load

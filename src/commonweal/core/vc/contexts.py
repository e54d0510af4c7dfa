"""A frozen, offline JSON-LD document loader: known contexts only, never the network.

The W3C contexts the node uses ship inside the package (``context_documents/``),
byte for byte as the W3C publishes them; each is checked against the SHA-256
digest its specification publishes before it is used (VC Data Model 2.0 §B.1 and
VC Data Integrity 1.0 §2.4 say to treat these URLs as already retrieved and to
check that hash). Commonweal's own contexts are defined here. Any other URL is
refused: nothing is fetched, and no folder outside the package is read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from commonweal.core.vc.errors import CredentialError


@dataclass(frozen=True)
class PinnedContext:
    """A published JSON-LD context shipped in the package, with the digest that pins it."""

    url: str
    file: str
    sha256: str
    """Hex SHA-256 of the file's exact bytes, as the specification publishes it."""
    source: str
    """Where the bytes come from and where the digest is published."""


CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
W3C_CONTEXTS = {
    pinned.url: pinned
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
    )
}
"""The W3C contexts this node uses, pinned by their published digests."""

MEMBERSHIP_V1 = "https://commonweal.invalid/contexts/membership/v1"
ATTENDANCE_V1 = "https://commonweal.invalid/contexts/attendance/v1"
VOCAB = "https://commonweal.invalid/vocab#"
MEMBERSHIP_CONTEXT: dict[str, Any] = {
    "@context": {
        "@protected": True,
        "MembershipCredential": VOCAB + "MembershipCredential",
        "RoleCredential": VOCAB + "RoleCredential",
        "memberOf": {"@id": VOCAB + "memberOf", "@type": "@id"},
        "role": VOCAB + "role",
        "since": {"@id": VOCAB + "since", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
    }
}
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
ATTENDANCE_CONTEXT: dict[str, Any] = {
    "@context": {
        "@protected": True,
        "AttendanceCredential": VOCAB + "AttendanceCredential",
        "Gathering": VOCAB + "Gathering",
        "Assembly": VOCAB + "Assembly",
        "attended": {"@id": VOCAB + "attended", "@type": "@id"},
        "startDate": {"@id": "https://schema.org/startDate", "@type": XSD_DATETIME},
        "endDate": {"@id": "https://schema.org/endDate", "@type": XSD_DATETIME},
        "place": VOCAB + "place",
        "hostedBy": {"@id": VOCAB + "hostedBy", "@type": "@id"},
        "checkedIn": {"@id": VOCAB + "checkedIn", "@type": XSD_DATETIME},
    }
}
OWN_CONTEXTS = {MEMBERSHIP_V1: MEMBERSHIP_CONTEXT, ATTENDANCE_V1: ATTENDANCE_CONTEXT}
"""Commonweal's own contexts, defined here rather than fetched."""


def context_bytes(pinned: PinnedContext) -> bytes:
    """The shipped bytes of ``pinned``, refused if they do not match its published digest."""
    data = (resources.files(__package__) / "context_documents" / pinned.file).read_bytes()
    if hashlib.sha256(data).hexdigest() != pinned.sha256:
        raise CredentialError(
            "context_altered", f"the shipped copy of {pinned.url} does not match its digest"
        )
    return data


@cache
def _load(url: str) -> dict[str, Any]:
    if url in OWN_CONTEXTS:
        return OWN_CONTEXTS[url]
    pinned = W3C_CONTEXTS.get(url)
    if pinned is None:
        raise CredentialError("unknown_context", f"the context {url} is not one this node knows")
    document: dict[str, Any] = json.loads(context_bytes(pinned))
    return document


DocumentLoader = Callable[[str, Any], dict[str, Any]]


def document_loader(url: str, _options: Any = None) -> dict[str, Any]:
    """pyld's document loader interface, over the frozen set."""
    return {"contextUrl": None, "documentUrl": url, "document": _load(url)}


def loader_with(extra: Mapping[str, dict[str, Any]]) -> DocumentLoader:
    """The frozen loader, also knowing ``extra`` (tests add the W3C examples context this way)."""

    def load(url: str, _options: Any = None) -> dict[str, Any]:
        if url in extra:
            return {"contextUrl": None, "documentUrl": url, "document": extra[url]}
        return document_loader(url)

    return load

"""A frozen, offline JSON-LD document loader: known contexts only, never the network.

The W3C contexts are read from ``COMMONWEAL_CONTEXTS`` or from the
``shared/vectors/identity/contexts`` folder beside the repository; Commonweal's
own context is defined here. Any other URL is refused.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from commonweal.core.vc.errors import CredentialError

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
MEMBERSHIP_V1 = "https://commonweal.invalid/contexts/membership/v1"
ATTENDANCE_V1 = "https://commonweal.invalid/contexts/attendance/v1"
W3C_FILES = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
}
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


def contexts_folder() -> Path:
    """Where the W3C context files are."""
    configured = os.environ.get("COMMONWEAL_CONTEXTS")
    if configured:
        return Path(configured)
    for start in (Path(__file__).resolve(), Path.cwd().resolve()):
        for folder in start.parents:
            candidate = folder / "shared" / "vectors" / "identity" / "contexts"
            if candidate.is_dir():
                return candidate
    raise CredentialError(
        "contexts_unavailable", "the W3C JSON-LD contexts were not found; set COMMONWEAL_CONTEXTS"
    )


@cache
def _load(url: str) -> dict[str, Any]:
    if url in OWN_CONTEXTS:
        return OWN_CONTEXTS[url]
    name = W3C_FILES.get(url)
    if name is None:
        raise CredentialError("unknown_context", f"the context {url} is not one this node knows")
    document: dict[str, Any] = json.loads((contexts_folder() / name).read_text())
    return document


def document_loader(url: str, _options: Any = None) -> dict[str, Any]:
    """pyld's document loader interface, over the frozen set."""
    return {"contextUrl": None, "documentUrl": url, "document": _load(url)}

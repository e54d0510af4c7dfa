"""Integrity of related resources (VC Data Model 2.0 §5.3).

``relatedResource`` is one or more objects, each with an ``id`` (a URL, unique in the
list) and at least one digest: ``digestSRI`` (Subresource Integrity hash expressions,
``sha384-<base64>``) or ``digestMultibase`` (a multibase multihash, VC Data Integrity
1.0 §2.6: ``u`` + base64url-nopad of ``0x12 0x20`` ‖ SHA-256, for instance). Every
digest must be well formed. When the resource is one this verifier holds offline — a
pinned W3C context or one of Commonweal's own — every digest must match its bytes;
other resources are the verifier's to fetch and check, so only their form is checked.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

from commonweal.core.multibase import decode_z
from commonweal.core.vc.contexts import (
    SUITE_CONTEXTS,
    W3C_CONTEXTS,
    PinnedContext,
    context_bytes,
    own_context,
)
from commonweal.core.vc.errors import CredentialError

SRI_ALGORITHMS = {"sha256": 32, "sha384": 48, "sha512": 64}
"""The hash algorithms Subresource Integrity defines, with their digest sizes."""
MULTIHASH_ALGORITHMS = {
    0x12: "sha256",
    0x20: "sha384",
    0x13: "sha512",
    0x16: "sha3_256",
    0x15: "sha3_384",
    0x14: "sha3_512",
}
"""Multihash codes of the SHA-2 and SHA-3 digests (hashlib names)."""
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$")
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")


def check_related_resources(document: dict[str, Any]) -> None:
    """Refuse a malformed ``relatedResource``, or a digest that does not match a resource
    known offline (``invalid_related_resource``)."""
    if "relatedResource" not in document:
        return
    value = document["relatedResource"]
    entries = value if isinstance(value, list) else [value]
    _require(bool(entries), "relatedResource lists one or more resources")
    seen: set[str] = set()
    for entry in entries:
        _require(isinstance(entry, dict), "each relatedResource entry is an object")
        url = entry.get("id")
        _require(isinstance(url, str) and _URL.match(url), "each relatedResource needs a URL id")
        _require(url not in seen, "relatedResource names %(url)s twice", url=url)
        seen.add(url)
        sri, multibase = entry.get("digestSRI"), entry.get("digestMultibase")
        _require(
            sri is not None or multibase is not None,
            "relatedResource %(url)s needs digestSRI or digestMultibase",
            url=url,
        )
        digests = _sri_digests(url, sri) if sri is not None else []
        digests += _multibase_digests(url, multibase) if multibase is not None else []
        pinned = W3C_CONTEXTS.get(url) or SUITE_CONTEXTS.get(url) or own_context(url)
        if pinned is not None:
            _check_matches(url, pinned, digests)


def _sri_digests(url: str, value: Any) -> list[tuple[str, bytes]]:
    _require(isinstance(value, str) and value.strip(), "%(url)s: digestSRI must be text", url=url)
    digests = []
    for expression in str(value).split():
        algorithm, _, encoded = expression.partition("-")
        encoded = encoded.split("?", 1)[0]
        size = SRI_ALGORITHMS.get(algorithm)
        _require(
            size is not None,
            "%(url)s: digestSRI algorithm must be sha256, sha384 or sha512",
            url=url,
        )
        try:
            digest = base64.b64decode(encoded, validate=True) if _BASE64.match(encoded) else b""
        except binascii.Error:
            digest = b""
        _require(
            len(digest) == size,
            "%(url)s: digestSRI %(expression)s is not a %(algorithm)s digest",
            url=url,
            expression=expression,
            algorithm=algorithm,
        )
        digests.append((algorithm, digest))
    return digests


def _multibase_digests(url: str, value: Any) -> list[tuple[str, bytes]]:
    items = value if isinstance(value, list) else [value]
    _require(
        bool(items) and all(isinstance(item, str) for item in items),
        "%(url)s: digestMultibase must be text",
        url=url,
    )
    return [_multihash(url, item) for item in items]


def _multihash(url: str, value: str) -> tuple[str, bytes]:
    try:
        if value.startswith("u") and _BASE64URL.match(value[1:]):
            raw = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
        elif value.startswith("z"):
            raw = decode_z(value)
        else:
            raw = b""
    except (ValueError, binascii.Error):
        raw = b""
    _require(len(raw) > 2, "%(url)s: digestMultibase must be a u- or z-encoded multihash", url=url)
    algorithm = MULTIHASH_ALGORITHMS.get(raw[0])
    _require(
        algorithm is not None,
        "%(url)s: digestMultibase must use a SHA-2 or SHA-3 multihash",
        url=url,
    )
    digest = raw[2:]
    _require(
        raw[1] == len(digest) == hashlib.new(str(algorithm)).digest_size,
        "%(url)s: digestMultibase's length does not match its algorithm",
        url=url,
    )
    return str(algorithm), digest


def _check_matches(url: str, pinned: PinnedContext, digests: list[tuple[str, bytes]]) -> None:
    data = context_bytes(pinned)
    for algorithm, digest in digests:
        if hashlib.new(algorithm, data).digest() != digest:
            raise CredentialError(
                "related_resource_mismatch",
                "the %(algorithm)s digest given for %(url)s does not match the resource",
                algorithm=algorithm,
                url=url,
            )


def _require(condition: object, message: str, **params: object) -> None:
    if not condition:
        raise CredentialError("invalid_related_resource", message, **params)

"""RFC 9421 HTTP Message Signatures with Ed25519, and RFC 9530 ``Content-Digest``.

A signature covers an ordered list of *components* — derived ones such as
``@method``, ``@authority``, ``@path``, ``@query``, and header fields by their
lower-case names — plus the signature parameters (``created``, ``keyid``,
``nonce``, ``alg``, ``tag`` …). The *signature base* (§2.5) is one line per
component, ``"name": value``, and a last line ``"@signature-params": <the
parameters as an sf-inner-list>``; the Ed25519 signature is over its bytes.
``Signature-Input`` carries the inner list and ``Signature`` the signature, both
structured-field dictionaries keyed by a label. Structured fields (RFC 8941) are read and
written by ``http_sf``, the RFC author's implementation, tested against the httpwg suite.

:func:`sign_request` and :func:`verify_request` implement the RFC;
:data:`PEER_PROFILE` is how Commonweal nodes sign requests to each other
(docs/federation.md): the method, authority, path, query and body digest are
covered, and ``created``, ``nonce``, ``keyid`` (the signer's did:key) and
``tag="commonweal-peer"`` are required. Checking the nonce against a cache is
left to the caller, which holds the state.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import http_sf
from http_sf import InnerListType, StructuredFieldError, Token
from http_sf.innerlist import ser_innerlist

from commonweal.core.keys import SigningKey, verify_signature

BareItem = int | str | bytes | bool | Token
"""A signature parameter's value (RFC 8941 §3.3: no decimals are used here)."""

ED25519 = "ed25519"
DERIVED = frozenset(
    {
        "@method",
        "@target-uri",
        "@authority",
        "@scheme",
        "@request-target",
        "@path",
        "@query",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}
DIGESTS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


class SignatureError(ValueError):
    """A request whose signature is missing, malformed, stale, replayed or does not verify."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Request:
    """An HTTP request as signed: method, full target URI, header fields, body.

    Header names are matched case-insensitively; a header given twice is
    joined with ``", "`` as RFC 9421 §2.1 says.
    """

    method: str
    url: str
    headers: Sequence[tuple[str, str]] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The field's combined value (trimmed), or None if absent."""
        values = [v.strip() for k, v in self.headers if k.lower() == name]
        return ", ".join(values) if values else None


@dataclass(frozen=True)
class SignatureInput:
    """One signature: its covered components, parameters and value."""

    label: str
    components: tuple[str, ...]
    params: dict[str, BareItem] = field(default_factory=dict)
    signature: bytes = b""

    @property
    def created(self) -> int | None:
        value = self.params.get("created")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def text_param(self, name: str) -> str | None:
        """A string parameter (keyid, nonce, tag, alg), or None."""
        value = self.params.get(name)
        return value if isinstance(value, str) else None


def component_value(request: Request, name: str) -> str:
    """The value of one covered component of ``request`` (RFC 9421 §2.1–2.2)."""
    if name in DERIVED:
        parts = urlsplit(request.url)
        scheme = parts.scheme.lower()
        if name == "@method":
            return request.method.upper()
        if name == "@target-uri":
            return request.url
        if name == "@scheme":
            return scheme
        if name == "@authority":
            host = (parts.hostname or "").lower()
            if ":" in host:  # an IPv6 literal keeps its brackets
                host = f"[{host}]"
            port = parts.port
            return host if port is None or port == DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
        path = parts.path or "/"
        if name == "@path":
            return path
        if name == "@query":
            return "?" + parts.query
        return path + ("?" + parts.query if parts.query else "")  # @request-target
    if name.startswith("@"):
        raise SignatureError("unsupported_component", f"{name} is not a supported component")
    value = request.header(name)
    if value is None:
        raise SignatureError("missing_component", f"the request has no {name} header to cover")
    return value


def signature_params(components: Sequence[str], params: Mapping[str, BareItem]) -> str:
    """The ``@signature-params`` value: the covered components and parameters."""
    return ser_innerlist(_inner_list(components, params))


def _inner_list(components: Sequence[str], params: Mapping[str, BareItem]) -> InnerListType:
    items: list[Any] = list(components)
    return items, dict(params)


def signature_base(
    request: Request, components: Sequence[str], params: Mapping[str, BareItem]
) -> str:
    """The RFC 9421 §2.5 signature base: what Ed25519 signs (no trailing newline)."""
    if len(set(components)) != len(components):
        raise SignatureError("invalid_signature_input", "a component is covered twice")
    lines = []
    for name in components:
        if name != name.lower() or name == "@signature-params":
            raise SignatureError("invalid_signature_input", f"invalid component name {name!r}")
        value = component_value(request, name)
        if "\n" in value or "\r" in value:
            raise SignatureError("invalid_signature_input", f"{name} spans several lines")
        lines.append(f'"{name}": {value}')
    lines.append(f'"@signature-params": {signature_params(components, params)}')
    return "\n".join(lines)


def sign_request(
    request: Request,
    key: SigningKey,
    *,
    components: Sequence[str],
    params: Mapping[str, BareItem],
    label: str = "sig",
) -> dict[str, str]:
    """The ``Signature-Input`` and ``Signature`` headers for ``request``, signed by ``key``."""
    base = signature_base(request, components, params)
    signature = key.sign(base.encode())
    return {
        "Signature-Input": http_sf.ser({label: _inner_list(components, params)}),
        "Signature": http_sf.ser({label: signature}),
    }


def parse_dictionary(text: str) -> dict[str, Any]:
    """An sf-dictionary (RFC 8941 §4.2.2): each member an item ``(value, params)`` or an
    inner list ``([(value, params), ...], params)``; a repeated key keeps its last value."""
    parsed = http_sf.parse(text.encode(), tltype="dictionary")
    assert isinstance(parsed, dict)
    return parsed


def parse_signatures(request: Request) -> list[SignatureInput]:
    """Every signature the request carries (``Signature-Input`` matched with ``Signature``)."""
    inputs_header = request.header("signature-input")
    values_header = request.header("signature")
    if inputs_header is None or values_header is None:
        raise SignatureError("unsigned", "the request carries no HTTP message signature")
    try:
        inputs = parse_dictionary(inputs_header)
        values = parse_dictionary(values_header)
    except StructuredFieldError as error:
        raise SignatureError("invalid_signature_input", str(error)) from None
    found = []
    for label, (items, params) in inputs.items():
        value, _value_params = values.get(label, (None, {}))
        if not isinstance(items, list) or isinstance(value, list):
            raise SignatureError(
                "invalid_signature_input", f"signature {label!r} is not an inner list and a value"
            )
        if not isinstance(value, bytes):
            raise SignatureError("invalid_signature_input", f"signature {label!r} is not bytes")
        components = []
        for name, item_params in items:
            if not isinstance(name, str) or item_params:
                raise SignatureError(
                    "invalid_signature_input", "components are plain quoted names here"
                )
            components.append(name)
        found.append(SignatureInput(label, tuple(components), params, value))
    return found


def verify_signature_input(request: Request, signature: SignatureInput, public_key: bytes) -> None:
    """Check one signature over ``request`` with an Ed25519 ``public_key``."""
    alg = signature.text_param("alg")
    if alg is not None and alg != ED25519:
        raise SignatureError("bad_signature", f"alg {alg!r} is not ed25519")
    base = signature_base(request, signature.components, signature.params)
    if not verify_signature(public_key, base.encode(), signature.signature):
        raise SignatureError("bad_signature", "the HTTP message signature does not verify")


def verify_request(
    request: Request,
    resolve_key: Callable[[str], bytes],
    *,
    label: str | None = None,
) -> SignatureInput:
    """Verify the signature labelled ``label`` (or the only one) with its ``keyid``'s key."""
    signatures = parse_signatures(request)
    if label is not None:
        signatures = [s for s in signatures if s.label == label]
    if len(signatures) != 1:
        raise SignatureError("unsigned", "expected exactly one signature to check")
    (signature,) = signatures
    keyid = signature.text_param("keyid")
    if keyid is None:
        raise SignatureError("invalid_signature_input", "the signature names no keyid")
    verify_signature_input(request, signature, resolve_key(keyid))
    return signature


# -- RFC 9530 Content-Digest -------------------------------------------------------------


def content_digest(body: bytes, algorithm: str = "sha-256") -> str:
    """The ``Content-Digest`` value of ``body``: ``sha-256=:<base64>:``."""
    digest = DIGESTS[algorithm](body).digest()
    return f"{algorithm}=:{base64.b64encode(digest).decode()}:"


def check_content_digest(value: str | None, body: bytes) -> None:
    """Every known digest in a ``Content-Digest`` value matches ``body`` (at least one)."""
    if value is None:
        raise SignatureError("missing_component", "the request has no Content-Digest")
    try:
        members = parse_dictionary(value)
    except StructuredFieldError as error:
        raise SignatureError("bad_digest", str(error)) from None
    known = [(name, m) for name, m in members.items() if name in DIGESTS]
    if not known:
        raise SignatureError("bad_digest", "no sha-256 or sha-512 digest is given")
    for name, (digest, _params) in known:
        if digest != DIGESTS[name](body).digest():
            raise SignatureError("bad_digest", f"the {name} digest does not match the body")


# -- the profile nodes use between themselves -----------------------------------------

PEER_TAG = "commonweal-peer"
PEER_LABEL = "peer"
PEER_COMPONENTS = ("@method", "@authority", "@path", "@query", "content-digest")
MAX_AGE_SECONDS = 300
"""A peer request must have been signed at most this long ago (or ahead, for clock skew)."""


@dataclass(frozen=True)
class PeerSignature:
    """A verified peer request: who signed it, when, and its single-use nonce."""

    keyid: str
    created: int
    nonce: str


def sign_peer_request(
    method: str,
    url: str,
    body: bytes,
    key: SigningKey,
    keyid: str,
    *,
    now: int,
    nonce: str | None = None,
    headers: Iterable[tuple[str, str]] = (),
) -> dict[str, str]:
    """Headers to add to a peer request: ``Content-Digest`` and the RFC 9421 signature."""
    digest = content_digest(body)
    request = Request(method, url, [*headers, ("content-digest", digest)], body)
    params: dict[str, BareItem] = {
        "created": now,
        "nonce": nonce or secrets.token_urlsafe(18),
        "keyid": keyid,
        "alg": ED25519,
        "tag": PEER_TAG,
    }
    signed = sign_request(request, key, components=PEER_COMPONENTS, params=params, label=PEER_LABEL)
    return {"Content-Digest": digest, **signed}


def verify_peer_request(
    request: Request, resolve_key: Callable[[str], bytes], *, now: int
) -> PeerSignature:
    """Check a peer request: the profile's components and parameters, freshness, the body's
    digest and the signature. Raises :class:`SignatureError` with a stable ``code``.

    The caller must still refuse a nonce it has seen (``replayed``) within
    ``MAX_AGE_SECONDS``.
    """
    signatures = [s for s in parse_signatures(request) if s.text_param("tag") == PEER_TAG]
    if len(signatures) != 1:
        raise SignatureError("unsigned", f"expected one signature tagged {PEER_TAG!r}")
    (signature,) = signatures
    missing = [c for c in PEER_COMPONENTS if c not in signature.components]
    if missing:
        raise SignatureError("invalid_signature_input", f"the signature must cover {missing}")
    created, nonce, keyid = (
        signature.created,
        signature.text_param("nonce"),
        signature.text_param("keyid"),
    )
    if created is None or not nonce or not keyid:
        raise SignatureError(
            "invalid_signature_input", "created, nonce and keyid are required parameters"
        )
    if abs(now - created) > MAX_AGE_SECONDS:
        raise SignatureError(
            "stale_signature", f"the request was signed {now - created} s away from now"
        )
    expires = signature.params.get("expires")
    if isinstance(expires, int) and not isinstance(expires, bool) and now > expires:
        raise SignatureError("stale_signature", "the signature has expired")
    check_content_digest(request.header("content-digest"), request.body)
    verify_signature_input(request, signature, resolve_key(keyid))
    return PeerSignature(keyid, created, nonce)

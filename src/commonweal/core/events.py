"""The signed event envelope of wire contract v1 (docs/protocol.md).

An event is a JSON object with exactly the members ``type``, ``node``, ``author``,
``seq``, ``at``, ``body`` and ``sig``. ``sig`` is ``"z"`` + base58btc of the
Ed25519 signature over the RFC 8785 bytes of the object without ``sig``.

Parsing checks the shape only; it never trusts a field it has not checked. The
signature is checked on the canonical bytes of exactly what was parsed, so a
second serialisation can never change what was signed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from commonweal.core import jcs, strict_json
from commonweal.core.did import did_key_from_public_key, public_key_from_did_key
from commonweal.core.keys import SigningKey, verify_signature
from commonweal.core.multibase import decode_z, encode_z
from commonweal.core.rfc3339 import parse_utc

MAX_EVENT_BYTES = 65_536
"""The largest event accepted, in bytes of the JSON received."""

MAX_LEAF_BYTES = 65_535
"""A leaf must fit a C2SP tlog-tiles entry bundle (uint16 length prefix)."""

MAX_SAFE_INTEGER = 2**53 - 1
"""I-JSON's interoperable integer range; larger integers must be decimal strings."""

MAX_DEPTH = 32
EVENT_MEMBERS = frozenset({"type", "node", "author", "seq", "at", "body", "sig"})
TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){1,5}$")
SIGNATURE_LENGTH = 64
SIGNATURE_PATTERN = re.compile(r"^z[1-9A-HJ-NP-Za-km-z]{86,88}$")
"""The form of a multibase base58btc 64-byte signature; decoding waits for the check."""


class EventError(ValueError):
    """An event that is not a well-formed, correctly signed v1 event.

    ``code`` is the stable machine-readable reason; the message says what is wrong. With
    ``params`` the message is a template whose ``%(name)s`` fields they fill, so a reader's
    language can say it too (like a domain error's: ``Rejected.from_error`` keeps both).
    """

    def __init__(self, code: str, message: str, **params: object) -> None:
        said = message % params if params else message
        super().__init__(said)
        self.code = code
        self.message = said
        self.template = message
        self.params = params


@dataclass(frozen=True, slots=True)
class Event:
    """A parsed event whose shape has been checked (its signature not yet).

    ``canonical`` is the RFC 8785 form of the whole event, as it goes into the leaf;
    ``signing_bytes`` the RFC 8785 form without ``sig``, which the signature covers.
    """

    type: str
    node: str
    author: str
    seq: int
    at: str
    body: Mapping[str, Any]
    sig: str
    author_key: bytes
    signing_bytes: bytes
    canonical: bytes

    def has_valid_signature(self) -> bool:
        """Whether ``sig`` is the author's Ed25519 signature over ``signing_bytes``."""
        return verify_encoded_signature(self.author_key, self.signing_bytes, self.sig)

    @property
    def signature_check(self) -> tuple[bytes, bytes, str]:
        """What a worker needs to check the signature: key, message, encoded signature."""
        return self.author_key, self.signing_bytes, self.sig

    def as_dict(self) -> dict[str, Any]:
        """The event as a plain JSON object."""
        return {
            "type": self.type,
            "node": self.node,
            "author": self.author,
            "seq": self.seq,
            "at": self.at,
            "body": dict(self.body),
            "sig": self.sig,
        }


def parse_event_json(raw: bytes) -> Event:
    """Parse the bytes of one event as received, checking size, JSON and shape."""
    if len(raw) > MAX_EVENT_BYTES:
        raise EventError(
            "event_too_large",
            "an event may be at most %(max_event_bytes)s bytes; got %(size)s",
            max_event_bytes=MAX_EVENT_BYTES,
            size=len(raw),
        )
    return parse_event(load_json(raw))


def load_json(raw: bytes) -> Any:
    """Decode I-JSON strictly: UTF-8, no NaN or Infinity, no duplicated member name
    (``duplicate_member``); integers stay integers, however large, for the checks."""
    try:
        return strict_json.loads(raw)
    except strict_json.StrictJsonError as exc:
        if exc.code == strict_json.DUPLICATE_MEMBER:
            raise EventError("duplicate_member", exc.message) from None
        raise EventError("malformed_json", exc.message) from None


def parse_event(value: object) -> Event:
    """Check that ``value`` (decoded JSON) has the exact shape of a v1 event."""
    if not isinstance(value, dict):
        raise EventError("invalid_event", "an event must be a JSON object")
    members = value.keys()
    if members != EVENT_MEMBERS:
        missing = sorted(EVENT_MEMBERS - members)
        extra = sorted(members - EVENT_MEMBERS)
        parts = [
            f"missing {', '.join(missing)}" if missing else "",
            f"unexpected {', '.join(extra)}" if extra else "",
        ]
        raise EventError(
            "invalid_event", "event members: %(wrong)s", wrong="; ".join(p for p in parts if p)
        )
    event_type = _string(value, "type")
    if not TYPE_PATTERN.match(event_type):
        raise EventError(
            "invalid_event",
            "type %(event_type)s is not a dotted lower-case name like 'area.subject.action'",
            event_type=repr(event_type),
        )
    node = _string(value, "node")
    if not node.startswith("did:"):
        raise EventError("invalid_event", "node must be the DID of the node whose log this is")
    author = _string(value, "author")
    try:
        author_key = public_key_from_did_key(author)
    except ValueError as exc:
        raise EventError("invalid_event", "author: %(why)s", why=exc) from None
    seq = value["seq"]
    if type(seq) is not int or not 1 <= seq <= MAX_SAFE_INTEGER:
        raise EventError("invalid_event", "seq must be an integer from 1 to 2^53-1")
    at = _string(value, "at")
    try:
        parse_utc(at)
    except ValueError as exc:
        raise EventError("invalid_event", "at: %(why)s", why=exc) from None
    body = value["body"]
    if not isinstance(body, dict):
        raise EventError("invalid_event", "body must be a JSON object")
    sig = _string(value, "sig")
    if not SIGNATURE_PATTERN.match(sig):
        raise EventError(
            "invalid_event", "sig must be 'z' and the base58btc of a 64-byte Ed25519 signature"
        )
    ascii_keys = _check_values(body, "body", 1)
    unsigned = {k: v for k, v in value.items() if k != "sig"}
    if ascii_keys:
        signing_bytes = orjson.dumps(unsigned, option=orjson.OPT_SORT_KEYS)
        canonical = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    else:
        signing_bytes = jcs.canonicalize(unsigned)
        canonical = jcs.canonicalize(value)
    return Event(
        type=event_type,
        node=node,
        author=author,
        seq=seq,
        at=at,
        body=body,
        sig=sig,
        author_key=author_key,
        signing_bytes=signing_bytes,
        canonical=canonical,
    )


def sign_event(
    key: SigningKey,
    *,
    type: str,
    node: str,
    seq: int,
    at: str,
    body: Mapping[str, Any],
) -> dict[str, Any]:
    """Build and sign an event as its author; returns the JSON object to submit."""
    unsigned: dict[str, Any] = {
        "type": type,
        "node": node,
        "author": did_key_from_public_key(key.public_key),
        "seq": seq,
        "at": at,
        "body": dict(body),
    }
    signature = key.sign(jcs.canonicalize(unsigned))
    return {**unsigned, "sig": encode_z(signature)}


def verify_encoded_signature(public_key: bytes, message: bytes, sig: str) -> bool:
    """Decode a ``z…`` signature and verify it; False for any malformed signature."""
    try:
        signature = decode_z(sig)
    except ValueError:
        return False
    return len(signature) == SIGNATURE_LENGTH and verify_signature(public_key, message, signature)


def verify_encoded_signatures(checks: list[tuple[bytes, bytes, str]]) -> bytes:
    """One byte per check, 1 where it verifies: a batch for a worker process."""
    return bytes(verify_encoded_signature(*check) for check in checks)


def leaf_bytes(event_canonical: bytes, received: str) -> bytes:
    """The RFC 8785 bytes of ``{"event": <event>, "received": <time>}``.

    ``event_canonical`` is already canonical and ``received`` is a plain ASCII
    timestamp, so concatenation gives exactly the canonical form of the pair.
    """
    return b'{"event":' + event_canonical + b',"received":"' + received.encode("ascii") + b'"}'


@dataclass(frozen=True, slots=True)
class Leaf:
    """A log entry: the event and the node's receipt time."""

    event: Event
    received: str


def parse_leaf(data: bytes) -> Leaf:
    """Parse a leaf, checking that its bytes are exactly canonical.

    Plain orjson suffices here, and spares ``verify`` the strict reader's scans: bytes
    that repeat a member name are not the canonical form of what orjson kept, so the
    last check refuses them, and an integer beyond 64 bits comes back a float, which
    the event's own checks refuse.
    """
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise EventError("invalid_leaf", "a leaf is not valid JSON: %(why)s", why=exc) from None
    if not isinstance(value, dict) or value.keys() != {"event", "received"}:
        raise EventError("invalid_leaf", "a leaf is an object with exactly 'event' and 'received'")
    received = value["received"]
    if not isinstance(received, str):
        raise EventError("invalid_leaf", "received must be a timestamp string")
    try:
        parse_utc(received)
    except ValueError as exc:
        raise EventError("invalid_leaf", "received: %(why)s", why=exc) from None
    event = parse_event(value["event"])
    if leaf_bytes(event.canonical, received) != data:
        raise EventError("invalid_leaf", "the leaf bytes are not in RFC 8785 canonical form")
    return Leaf(event=event, received=received)


def _string(value: Mapping[str, Any], name: str) -> str:
    member = value[name]
    if not isinstance(member, str) or not member:
        raise EventError("invalid_event", "%(name)s must be a non-empty string", name=name)
    return member


def _check_values(value: object, path: str, depth: int) -> bool:
    """Refuse floats, unsafe integers and deep nesting; report whether all keys are ASCII."""
    if depth > MAX_DEPTH:
        raise EventError(
            "invalid_event",
            "%(path)s: nested more than %(max_depth)s levels",
            path=path,
            max_depth=MAX_DEPTH,
        )
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:  # type: ignore[operator]
            raise EventError(
                "invalid_event",
                "%(path)s: integers beyond ±2^53-1 must be sent as decimal strings",
                path=path,
            )
        return True
    if kind is float:
        raise EventError(
            "float_not_allowed",
            "%(path)s: floats are not allowed; use integers or decimal strings",
            path=path,
        )
    ascii_keys = True
    if kind is dict:
        for key, member in value.items():  # type: ignore[attr-defined]
            if not key.isascii():
                ascii_keys = False
            if not _check_values(member, f"{path}.{key}", depth + 1):
                ascii_keys = False
        return ascii_keys
    if kind is list:
        for position, member in enumerate(value):  # type: ignore[arg-type]
            if not _check_values(member, f"{path}[{position}]", depth + 1):
                ascii_keys = False
        return ascii_keys
    raise EventError("invalid_event", "%(path)s: unsupported JSON value", path=path)

"""The v1 event envelope: signing, parsing, canonical bytes, leaves."""

from __future__ import annotations

import hashlib

import orjson
import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import (
    MAX_EVENT_BYTES,
    EventError,
    leaf_bytes,
    parse_event,
    parse_event_json,
    parse_leaf,
    sign_event,
)
from commonweal.core.keys import SigningKey

KEY = SigningKey(hashlib.sha256(b"test author").digest())
NODE = did_key_from_public_key(SigningKey(hashlib.sha256(b"test node").digest()).public_key)


def event(**body: object) -> dict[str, object]:
    return sign_event(
        KEY, type="notary.document.attested", node=NODE, seq=1, at="2026-11-23T12:00:00Z", body=body
    )


def test_signature_covers_the_rfc8785_bytes_without_sig() -> None:
    signed = event(title="Minutes")
    parsed = parse_event(signed)
    unsigned = {k: v for k, v in signed.items() if k != "sig"}
    assert parsed.signing_bytes == rfc8785.dumps(unsigned)
    assert parsed.canonical == rfc8785.dumps(signed)
    assert parsed.has_valid_signature()
    assert parsed.author == did_key_from_public_key(KEY.public_key)


def test_non_ascii_keys_take_the_reference_canonicalisation() -> None:
    signed = event(**{"é": "x", "z": 1, "a": "ü"})
    parsed = parse_event(signed)
    assert parsed.canonical == rfc8785.dumps(signed)
    assert parsed.has_valid_signature()


def test_member_order_and_whitespace_do_not_matter() -> None:
    signed = event(title="x")
    scrambled = (
        b"{\n"
        + b",\n".join(
            orjson.dumps(k) + b" : " + orjson.dumps(v) for k, v in reversed(signed.items())
        )
        + b"\n}"
    )
    assert parse_event_json(scrambled).has_valid_signature()


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("type", "notary.document.signed"),
        ("seq", 2),
        ("at", "2026-11-23T12:00:01Z"),
        ("body", {"title": "y"}),
    ],
)
def test_changing_any_member_breaks_the_signature(member: str, value: object) -> None:
    signed = event(title="x")
    signed[member] = value
    assert not parse_event(signed).has_valid_signature()


def test_leaf_is_the_canonical_pair() -> None:
    signed = event(title="x")
    parsed = parse_event(signed)
    leaf = leaf_bytes(parsed.canonical, "2026-11-23T12:00:00.5Z")
    assert leaf == rfc8785.dumps({"event": signed, "received": "2026-11-23T12:00:00.5Z"})
    back = parse_leaf(leaf)
    assert back.received == "2026-11-23T12:00:00.5Z" and back.event.canonical == parsed.canonical


def test_a_non_canonical_leaf_is_refused() -> None:
    signed = event(title="x")
    loose = orjson.dumps({"received": "2026-11-23T12:00:00Z", "event": signed})
    with pytest.raises(EventError, match="canonical"):
        parse_leaf(loose)


def test_size_limit() -> None:
    with pytest.raises(EventError) as error:
        parse_event_json(b" " * (MAX_EVENT_BYTES + 1))
    assert error.value.code == "event_too_large"


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats()
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)


@given(json_values)
def test_parser_only_ever_raises_event_error(value: object) -> None:
    try:
        parse_event(value)
    except EventError as error:
        assert error.code and error.message
    else:  # pragma: no cover - a random value is never a valid event
        pytest.fail("a random value parsed as an event")


@given(st.binary(max_size=200))
def test_bytes_parser_only_ever_raises_event_error(raw: bytes) -> None:
    with pytest.raises(EventError):
        parse_event_json(raw)


@given(
    st.dictionaries(
        st.text(max_size=10),
        st.text(max_size=20) | st.integers(-(2**53) + 1, 2**53 - 1),
        max_size=6,
    )
)
def test_any_signed_body_round_trips(body: dict[str, object]) -> None:
    signed = sign_event(KEY, type="a.b", node=NODE, seq=1, at="2026-11-23T12:00:00Z", body=body)
    parsed = parse_event_json(orjson.dumps(signed))
    assert parsed.has_valid_signature()
    assert parsed.canonical == rfc8785.dumps(signed)

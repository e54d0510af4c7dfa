"""The v1 event envelope: signing, parsing, canonical bytes, leaves."""

from __future__ import annotations

import hashlib
import json

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
    load_json,
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


# -- I-JSON: duplicate member names and integers beyond 64 bits ------------------------------


def _with_a_second_ballot(signed: dict[str, object]) -> bytes:
    """The signed event's JSON with ``"ballot": "yes"`` inserted before the signed one."""
    raw = orjson.dumps(signed)
    return raw.replace(b'"body":{', b'"body":{"ballot":"yes",', 1)


def test_a_body_with_a_duplicated_member_is_refused_at_parse_time() -> None:
    signed = event(ballot="no", digest="sha256:" + "a" * 64)
    raw = _with_a_second_ballot(signed)
    assert raw.count(b'"ballot"') == 2
    with pytest.raises(EventError) as refused:
        parse_event_json(raw)
    assert refused.value.code == "duplicate_member"
    assert "'ballot'" in refused.value.message


def test_a_duplicated_envelope_member_and_a_nested_one_are_refused_too() -> None:
    signed = event(title="x", terms={"a": 1})
    for raw in (
        orjson.dumps(signed).replace(b'"seq":1', b'"seq":1,"seq":1', 1),
        orjson.dumps(signed).replace(b'{"a":1}', b'{"a":1,\n "a" : 2}', 1),
    ):
        with pytest.raises(EventError) as refused:
            parse_event_json(raw)
        assert refused.value.code == "duplicate_member"


@pytest.mark.parametrize(
    "text",
    [
        b'{"a":"\\":","b":1}',  # a colon after an escaped quote inside a string
        b'{"a":{"b":1},"c":{"b":1}}',  # the same name in two objects
        b'[{"a":1},{"a":1}]',
        b'{"":1,"x":""}',
    ],
)
def test_names_that_only_look_repeated_are_accepted(text: bytes) -> None:
    assert load_json(text) == orjson.loads(text)


@pytest.mark.parametrize("number", [2**64, 2**63, -(2**63) - 1, 2**53, -(2**53), 10**400])
def test_an_integer_beyond_the_safe_range_is_invalid_event_not_a_float(number: int) -> None:
    raw = orjson.dumps(event(title="x")).replace(b'"title":"x"', f'"n":{number}'.encode(), 1)
    with pytest.raises(EventError) as refused:
        parse_event_json(raw)
    assert refused.value.code == "invalid_event"
    assert "2^53-1" in refused.value.message


def test_a_float_is_still_float_not_allowed_and_the_largest_safe_integer_is_fine() -> None:
    raw = orjson.dumps(event(title="x"))
    with pytest.raises(EventError) as refused:
        parse_event_json(raw.replace(b'"title":"x"', b'"n":1e2', 1))
    assert refused.value.code == "float_not_allowed"
    safe = orjson.dumps(event(n=2**53 - 1, m=-(2**53 - 1)))
    assert parse_event_json(safe).has_valid_signature()


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_the_strict_reader_agrees_with_the_standard_library_on_valid_json(value: object) -> None:
    text = json.dumps(value, ensure_ascii=False).encode()
    assert load_json(text) == json.loads(text)


def test_a_leaf_that_repeats_a_member_name_is_not_canonical() -> None:
    signed = event(title="x")
    leaf = leaf_bytes(parse_event(signed).canonical, "2026-11-23T12:00:01Z")
    assert parse_leaf(leaf).event.body == {"title": "x"}
    doubled = leaf.replace(b'"body":{', b'"body":{"title":"y",', 1)
    with pytest.raises(EventError) as refused:
        parse_leaf(doubled)
    assert refused.value.code == "invalid_leaf"

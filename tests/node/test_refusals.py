"""Every kind of bad input is refused with its stable code, and nothing is written."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonweal.core.rfc3339 import format_utc
from commonweal.node.kernel.errors import Rejected
from tests.builders import GENESIS, EventFactory
from tests.node.test_submit import snapshot


def tamper(raw: bytes, **changes: object) -> bytes:
    event = orjson.loads(raw)
    event.update(changes)
    return orjson.dumps(event)


CASES = {
    "malformed_json": lambda f: b'{"type": "notary.document.attested",',
    "not an object": lambda f: b"[1, 2, 3]",
    "missing member": lambda f: orjson.dumps({k: v for k, v in f.event().items() if k != "at"}),
    "extra member": lambda f: tamper(f.raw(), extra=1),
    "seq as string": lambda f: tamper(f.raw(), seq="1"),
    "seq zero": lambda f: f.raw(seq=0),
    "float in body": lambda f: f.raw(body={"digest": "sha256:" + "b" * 64, "title": "x", "n": 1.5}),
    "huge integer": lambda f: tamper(f.raw(), body={"digest": "sha256:" + "b" * 64, "n": 2**60}),
    "oversized": lambda f: f.raw(body={"digest": "sha256:" + "b" * 64, "note": "x" * 70_000}),
    "bad signature": lambda f: tamper(f.raw(), sig=f.event("bob")["sig"]),
    "signature not base58": lambda f: tamper(f.raw(), sig="z0OIl"),
    "wrong node": lambda f: f.raw(node="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
    "unknown type": lambda f: f.raw(type="nobody.registers.this", body={}),
    "bad type name": lambda f: tamper(f.raw(), type="Not A Type"),
    "author not a did:key": lambda f: tamper(f.raw(), author="did:web:example.com"),
    "body not matching schema": lambda f: f.raw(body={"digest": "md5:abc"}),
    "at not RFC 3339": lambda f: tamper(f.raw(), at="yesterday"),
    "at far in the future": lambda f: f.raw(at=format_utc(f.clock() + timedelta(minutes=11))),
}

EXPECTED = {
    "malformed_json": "malformed_json",
    "not an object": "invalid_event",
    "missing member": "invalid_event",
    "extra member": "invalid_event",
    "seq as string": "invalid_event",
    "seq zero": "invalid_event",
    "float in body": "float_not_allowed",
    "huge integer": "invalid_event",
    "oversized": "event_too_large",
    "bad signature": "bad_signature",
    "signature not base58": "invalid_event",
    "wrong node": "wrong_node",
    "unknown type": "unknown_type",
    "bad type name": "invalid_event",
    "author not a did:key": "invalid_event",
    "body not matching schema": "invalid_body",
    "at not RFC 3339": "invalid_event",
    "at far in the future": "at_in_future",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_with_code_and_nothing_written(node, events: EventFactory, case: str) -> None:  # type: ignore[no-untyped-def]
    raw = CASES[case](events)
    before = snapshot(node)
    with pytest.raises(Rejected) as refused:
        node.submit(raw)
    assert refused.value.code == EXPECTED[case], refused.value.message
    assert refused.value.message
    assert snapshot(node) == before


def test_nine_minutes_ahead_is_accepted(node, events: EventFactory, clock) -> None:  # type: ignore[no-untyped-def]
    node.submit(events.raw(at=format_utc(clock() + timedelta(minutes=9))))
    assert node.size == GENESIS + 1


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300) | json_values.map(orjson.dumps))
def test_arbitrary_bytes_never_crash_or_write(node, data: bytes) -> None:  # type: ignore[no-untyped-def]
    size = node.size
    with pytest.raises(Rejected):
        node.submit(data)
    assert node.size == size


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    member=st.sampled_from(["type", "node", "author", "seq", "at", "body", "sig"]),
    value=json_values,
)
def test_any_changed_member_breaks_the_event(
    node, events: EventFactory, member: str, value: object
) -> None:  # type: ignore[no-untyped-def]
    original = events.event("carol", seq=1)
    if original[member] == value:
        return
    size = node.size
    with pytest.raises(Rejected):
        node.submit(tamper(orjson.dumps(original), **{member: value}))
    assert node.size == size

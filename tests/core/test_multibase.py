"""Multibase base58btc: round trips and clear refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonweal.core.multibase import b58decode, b58encode, decode_z, encode_z


def test_known_values() -> None:
    assert b58encode(b"hello world") == "StV1DL6CwTryKyV"
    assert encode_z(b"\x00\x00\x01") == "z112"
    assert decode_z("z112") == b"\x00\x00\x01"


@given(st.binary(min_size=1, max_size=80))
def test_round_trip(data: bytes) -> None:
    assert decode_z(encode_z(data)) == data
    assert b58decode(b58encode(data)) == data


@pytest.mark.parametrize("text", ["", "z", "f00", "Z6Mk", "z0OIl", "z6Mk\u00e9"])
def test_refusals(text: str) -> None:
    with pytest.raises(ValueError):
        decode_z(text)


@given(st.binary(max_size=100))
def test_agrees_with_an_independent_base58(data: bytes) -> None:
    import base58

    assert b58encode(data) == base58.b58encode(data).decode()
    assert b58decode(base58.b58encode(data).decode()) == data

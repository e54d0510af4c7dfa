"""RFC 8785: the cyberphone vectors, and the fast path agreeing with the reference."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonweal.core.jcs import MAX_SAFE_INTEGER, canonicalize, canonicalize_fast, is_orjson_safe
from tests.vectors import find_vectors

JCS = find_vectors() / "identity" / "jcs-rfc8785"
NAMES = sorted(p.stem for p in (JCS / "input").glob("*.json"))


def test_all_six_vectors_present() -> None:
    assert len(NAMES) == 6


@pytest.mark.parametrize("name", NAMES)
def test_vector(name: str) -> None:
    value = json.loads((JCS / "input" / f"{name}.json").read_text(encoding="utf-8"))
    expected = (JCS / "output" / f"{name}.json").read_bytes().rstrip(b"\n")
    hex_form = bytes.fromhex("".join((JCS / "outhex" / f"{name}.txt").read_text().split()))
    assert canonicalize(value) == expected == hex_form
    assert canonicalize_fast(value) == expected


safe_json = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(
            st.text(alphabet=st.characters(max_codepoint=127), max_size=10), inner, max_size=5
        )
    ),
    max_leaves=30,
)


@given(safe_json)
def test_fast_path_is_byte_identical(value: object) -> None:
    assert is_orjson_safe(value)
    assert canonicalize_fast(value) == canonicalize(value)


@pytest.mark.parametrize("value", [1.5, {"é": 1}, 2**53, [{"a": -(2**53)}], {"k": (1, 2)}])
def test_unsafe_values_take_the_reference_path(value: object) -> None:
    assert not is_orjson_safe(value)

"""The strict JSON reader: a duplicated member name is always found, whatever the
escapes and whitespace, and valid I-JSON reads as the standard library reads it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonweal.core.strict_json import StrictJsonError, loads

TRICKY = st.text(alphabet='ab":\\ \t\n/é\u0001', max_size=4)
"""Names and strings with quotes, colons, backslashes, whitespace and control bytes."""


class Members(list[tuple[str, Any]]):
    """An object written as its members in order, a name possibly twice."""


leaves = st.none() | st.booleans() | st.integers(-(2**80), 2**80) | TRICKY
trees = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.lists(st.tuples(TRICKY, inner), max_size=4).map(Members)
    ),
    max_leaves=12,
)


def write(tree: Any, ascii_only: bool, space: str) -> str:
    if isinstance(tree, Members):
        members = (
            f"{json.dumps(k, ensure_ascii=ascii_only)}{space}:{space}{write(v, ascii_only, space)}"
            for k, v in tree
        )
        return "{" + f",{space}".join(members) + "}"
    if isinstance(tree, list):
        return "[" + f",{space}".join(write(v, ascii_only, space) for v in tree) + "]"
    return json.dumps(tree, ensure_ascii=ascii_only)


def repeats(tree: Any) -> bool:
    if isinstance(tree, Members):
        names = [k for k, _v in tree]
        return len(set(names)) < len(names) or any(repeats(v) for _k, v in tree)
    if isinstance(tree, list):
        return any(repeats(v) for v in tree)
    return False


@settings(max_examples=400, deadline=None)
@given(trees, st.booleans(), st.sampled_from(["", " ", "\n  ", "\t"]))
def test_a_repeated_name_is_found_and_anything_else_reads_as_the_standard_library(
    tree: Any, ascii_only: bool, space: str
) -> None:
    text = write(tree, ascii_only, space).encode()
    if repeats(tree):
        with pytest.raises(StrictJsonError) as refused:
            loads(text)
        assert refused.value.code == "duplicate_member"
    else:
        assert loads(text) == json.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        b'{"a\\\\":1,"a\\\\":2}',  # a name ending in an escaped backslash
        b'{"a\\u005c":1,"a\\\\":2}',  # the same name, escaped two ways
        b'{"\\"":1,"\\u0022":2}',
        b'{"a" :1, "a"\n:2}',
        b'[{"x":[{"y":1,"y":1}]}]',
    ],
)
def test_names_repeated_behind_escapes_and_whitespace(text: bytes) -> None:
    with pytest.raises(StrictJsonError) as refused:
        loads(text)
    assert refused.value.code == "duplicate_member"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (b"[18446744073709551616]", [2**64]),
        (b'{"n":-9223372036854775809}', {"n": -(2**63) - 1}),
        (b"[1" + b"0" * 400 + b"]", [10**400]),
        (b'["12345678901234567890"]', ["12345678901234567890"]),
    ],
)
def test_integers_beyond_64_bits_stay_integers(text: bytes, value: Any) -> None:
    assert loads(text) == value


@pytest.mark.parametrize(
    "text",
    [
        b"[1e400]",
        b"[NaN]",
        b'[1"',
        b'"\\ud800"',
        b"[1" + b"0" * 400 + b", Infinity]",  # orjson stops at the number; the rest is read too
        b"[1" + b"0" * 400 + b', "\\ud800"]',
    ],
)
def test_what_is_not_i_json_is_malformed(text: bytes) -> None:
    with pytest.raises(StrictJsonError) as refused:
        loads(text)
    assert refused.value.code == "malformed_json"


def test_deep_nesting_that_needs_the_careful_decoder_is_malformed_not_a_crash() -> None:
    text = b"[" * 1000 + b"12345678901234567890" + b"]" * 1000
    with pytest.raises(StrictJsonError) as refused:
        loads(text)
    assert refused.value.code == "malformed_json"


@pytest.mark.parametrize("depth", [300, 1020])
def test_nesting_deeper_than_orjson_writes_is_read_carefully(depth: int) -> None:
    text = b'{"a":' * depth + b"1" + b"}" * depth
    try:
        value = loads(text)
    except StrictJsonError as refused:  # the standard library's own limit
        assert refused.code == "malformed_json" and depth > 900
    else:
        assert value == json.loads(text)

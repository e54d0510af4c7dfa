"""The body readers every capability shares: each refusal names what is wrong."""

from __future__ import annotations

import pytest

from commonweal.domain.errors import InvalidBody
from commonweal.domain.fields import MAX_AMOUNT, amount, only, optional_amount, ref


def refusal(reader, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidBody) as refused:
        reader(*args, **kwargs)
    return str(refused.value)


def test_only_names_unknown_and_missing_members() -> None:
    only({"a": 1}, {"a", "b"}, {"a"})
    assert refusal(only, {"a": 1, "z": 2, "y": 3}, {"a"}) == "unexpected body member(s): y, z"
    assert refusal(only, {"b": 1}, {"a", "b"}, {"a"}) == "missing body member(s): a"
    nested = refusal(only, {"x": 1}, {"min"}, where="rules.limits")
    assert nested == "rules.limits: unexpected member(s) x"


def test_amounts_are_whole_minor_units_in_range() -> None:
    assert amount({"amount": 5}) == 5
    assert amount({"bonus": 0}, "bonus", minimum=0) == 0
    for bad in (0, -1, 1.5, True, "5", MAX_AMOUNT + 1):
        assert "must be a whole number of minor units" in refusal(amount, {"amount": bad})
    assert optional_amount({}) is None and optional_amount({"amount": None}) is None


def test_refs_are_log_indices() -> None:
    assert ref({"post": 0}, "post") == 0
    for bad in (-1, "3", 2.0, None):
        assert refusal(ref, {"post": bad}, "post").startswith("post must be an id")

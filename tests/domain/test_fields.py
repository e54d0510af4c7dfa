"""The body readers every capability shares: each refusal names what is wrong."""

from __future__ import annotations

import pytest

from commonweal.domain.errors import Conflict, DomainError, InvalidBody, NotFound, NotPermitted
from commonweal.domain.fields import (
    MAX_AMOUNT,
    amount,
    boolean,
    each_object,
    log_source,
    only,
    optional_amount,
    ref,
)


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


def test_record_id_is_the_one_reader_of_ids_the_capabilities_share() -> None:
    from commonweal.domain.commons.records import parse_ref
    from commonweal.domain.fields import record_id
    from commonweal.domain.gatherings.records import parse_ref as gathering_ref
    from commonweal.domain.governance.records import parse_id

    assert record_id({"proposal": 7}, "proposal") == 7
    assert parse_id({"proposal": 0}, "proposal") == 0
    assert parse_ref({"booking": 3}, "booking") == 3
    assert gathering_ref({"gathering": 12}) == 12
    for body in ({"proposal": -1}, {"proposal": True}, {"proposal": "7"}, {}, ["proposal"]):
        with pytest.raises(InvalidBody, match="proposal must be the id"):
            record_id(body, "proposal")


def test_integer_in_names_the_member_and_the_range() -> None:
    from commonweal.domain.fields import integer_in

    assert integer_in(5, "rules.units", 1, 1000) == 5
    for bad in (0, 1001, True, 2.0, None):
        with pytest.raises(InvalidBody, match=r"rules.units must be an integer from 1 to 1,000"):
            integer_in(bad, "rules.units", 1, 1000)


def test_existing_reads_a_row_or_says_what_is_missing() -> None:
    from commonweal.domain.errors import NotFound
    from commonweal.domain.state import State, existing

    state = State()
    state.put("t", 3, {"id": 3})
    assert existing(state, "t", 3, "booking") == {"id": 3}
    with pytest.raises(NotFound, match="there is no shared resource 4") as missing:
        existing(state, "t", 4, "shared resource")
    assert missing.value.code == "not_found"


def test_boolean_is_true_or_false_and_nothing_like_it() -> None:
    assert boolean(True, "terms.witness") is True and boolean(False, "x") is False
    for bad in (0, 1, "true", None):
        assert refusal(boolean, bad, "terms.witness") == "terms.witness must be true or false"


def test_each_object_reads_a_bounded_list_of_closed_objects_item_by_item() -> None:
    items = [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
    assert list(each_object(items, "xs", ("a", "b"), most=2, what="pairs")) == list(
        enumerate(items)
    )
    for bad in ([], [{"a": 1, "b": 2}] * 3, "no", None):
        said = refusal(lambda v: list(each_object(v, "xs", ("a", "b"), most=2, what="pairs")), bad)
        assert said == "xs must list 1 to 2 pairs"
    shape = refusal(
        lambda: list(each_object([items[0], {"a": 1}], "xs", ("a", "b"), most=5, what=""))
    )
    assert shape == "xs[1] is {a, b}"
    # Item by item: what a caller refuses about item 0 comes before item 1's shape.
    read = each_object([items[0], "not an object"], "xs", ("a", "b"), most=5, what="")
    assert next(read) == (0, items[0])
    with pytest.raises(InvalidBody):
        next(read)


def test_log_source_checks_the_origin_and_the_members() -> None:
    good = {"source": {"origin": "example.org/log", "carried": 3, "closed": 9}}
    assert (
        log_source(good, "carried", log="the reporting log", node="the reporting node")
        == (good["source"])
    )
    said = refusal(log_source, {"source": {"origin": "o"}}, "carried", log="L", node="N")
    assert said == 'source is {"origin", "carried", "closed"} of L'
    long = {"source": {"origin": "o" * 301, "carried": 1, "closed": 2}}
    said = refusal(log_source, long, "carried", log="L", node="the reporting node")
    assert said == "source.origin must be the reporting node's log origin"


def test_refusals_declare_their_code_and_status_once() -> None:
    assert (NotFound.code, NotFound.status) == ("not_found", 404)
    assert (NotPermitted.code, NotPermitted.status) == ("forbidden", 403)
    assert (Conflict("x").code, Conflict("x", code="late").code) == ("conflict", "late")

    class Own(NotPermitted):
        code = "own_code"

    class Declared(DomainError, code="declared", status=409):
        pass

    assert (Own("m").code, Own.status) == ("own_code", 403)
    assert (Declared("m").code, Declared.status, DomainError.code) == ("declared", 409, "refused")

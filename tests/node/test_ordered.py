"""The kept order of a state table agrees with sorting the table afresh, whatever happens
to the table between reads (rows added, changed, removed, added again)."""

from __future__ import annotations

import random
from collections.abc import Hashable
from typing import Any

import pytest

from commonweal.node.kernel.ordered import order_of


class Owner:
    """Stands for a node: the order is kept per owner."""


def by_rank(key: Hashable, value: Any) -> tuple[int, str]:
    return (value["rank"], str(key))


@pytest.mark.parametrize("seed", range(20))
def test_the_kept_order_is_the_sorted_table(seed: int) -> None:
    rng = random.Random(seed)
    owner, table = Owner(), dict[str, dict[str, int]]()
    for step in range(300):
        roll = rng.random()
        if roll < 0.6 or not table:
            key = f"k{rng.randrange(400)}"
            rank = table[key]["rank"] if key in table else rng.choice([step, rng.randrange(50)])
            table[key] = {"rank": rank, "v": 0}
        elif roll < 0.8:
            del table[rng.choice(list(table))]
        else:
            key = rng.choice(list(table))
            table[key] = {**table[key], "v": step}  # a row changes, not where it sorts
        if rng.random() < 0.4:
            expected = sorted(by_rank(k, v) for k, v in table.items())
            assert order_of(owner, "t", table, by_rank).positions == expected

"""A reader for BLT ballot files, the format of the STV reference elections.

A BLT file holds "candidates seats"; optionally withdrawn candidates as negative numbers
and options in brackets (``[tie 3 2 1]`` sets the order lots are drawn in, ``[withdrawn 4]``
withdraws a candidate); ballot lines "weight pref pref ... 0"; a line "0"; the candidate
names in quotes; and the title in quotes. Ballot IDs and equal preferences (``1=2``) are
refused: none of the reference elections uses them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from commonweal.domain.governance.profile import Profile

TOKEN = re.compile(r'"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Blt:
    """One BLT election, as written in the file (withdrawn candidates included)."""

    title: str
    seats: int
    names: tuple[str, ...]
    withdrawn: frozenset[str]
    tie_order: tuple[str, ...]
    ballots: tuple[tuple[tuple[str, ...], int], ...]

    def profile(self) -> Profile:
        """The profile of the eligible candidates: withdrawn ones are struck from every ballot."""
        eligible = [name for name in self.names if name not in self.withdrawn]
        patterns = [
            (tuple(name for name in ranking if name not in self.withdrawn), weight)
            for ranking, weight in self.ballots
        ]
        return Profile.from_counts(eligible, patterns)

    def lot(self, tied: Sequence[str]) -> list[str]:
        """Droop's "lot": the tied candidates in the file's tie-breaking order."""
        return sorted(tied, key=self.tie_order.index)


def read_blt(path: Path) -> Blt:
    """Parse a BLT file; raise ValueError on anything this reader does not handle."""
    words: Iterator[tuple[str, str]] = iter(TOKEN.findall(path.read_text("utf-8-sig")))

    def bare() -> str:
        quoted, word = next(words)
        if not word:
            raise ValueError(f"{path.name}: expected a number, found {quoted!r}")
        return word

    count, seats = int(bare()), int(bare())
    withdrawn: set[int] = set()
    tie: list[int] = []
    word = bare()
    while word.startswith("[") or word.startswith("-"):
        if word.startswith("-"):
            withdrawn.add(-int(word))
        else:
            option = [word.strip("[]")]
            while not word.endswith("]"):
                word = bare()
                option.append(word.strip("[]"))
            name, values = option[0], [int(v) for v in option[1:] if v]
            if name == "tie":
                tie = values
            elif name == "withdrawn":
                withdrawn.update(values)
            else:
                raise ValueError(f"{path.name}: unknown option [{name}]")
        word = bare()
    ballots: list[tuple[list[int], int]] = []
    while word != "0":
        if not word.isdigit():
            raise ValueError(f"{path.name}: unsupported ballot line starting {word!r}")
        weight, ranking = int(word), []
        for preference in iter(bare, "0"):
            if not preference.isdigit():
                raise ValueError(f"{path.name}: unsupported preference {preference!r}")
            ranking.append(int(preference))
        ballots.append((ranking, weight))
        word = bare()
    quoted = [text for text, word in words if not word]
    names = tuple(quoted[:count])
    if len(names) != count or len(quoted) <= count:
        raise ValueError(f"{path.name}: expected {count} candidate names and a title")

    def named(ids: Sequence[int]) -> tuple[str, ...]:
        return tuple(names[i - 1] for i in ids)

    return Blt(
        title=quoted[count],
        seats=seats,
        names=names,
        withdrawn=frozenset(named(sorted(withdrawn))),
        tie_order=named(tie) if tie else names,
        ballots=tuple((named(ranking), weight) for ranking, weight in ballots),
    )

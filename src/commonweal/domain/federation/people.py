"""One person, one count across the network: per-call nullifiers and how precincts are
counted when a person is a member of several nodes.

Each precinct reports, beside its subtotal, its *people*: one ``[nullifier, pattern]``
per member of its electorate, where the nullifier is the alliance's per-vote RFC 9497
OPRF of the member's did:key (``core/oprf.py``; the precinct learns it without the
alliance learning the did) and ``pattern`` is the index of the member's ballot in the
subtotal's patterns, or ``null`` for a member who did not vote. The same person (the
same did:key) has the same nullifier in every precinct of one vote, and unrelated
nullifiers in different votes; nobody without the alliance's key can tell whose a
nullifier is, so no member list is published.

:func:`count_once` pools the precincts' ballots with every person counted once: a
person in several electorates is one voter of the network's electorate; if they voted
in several precincts, the ballot that counts is the one in the precinct that reported
first (the earliest ``federation.subtotal.reported`` entry in the alliance's log), and
the others are taken out of their precincts' patterns. The report order is fixed by
the alliance's own log, so anyone recomputes the same choice; it needs nothing more
about the person (no membership dates, no ballot times, which secret ballots will hide).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.federation.calls import pool

NULLIFIER = re.compile(r"^[0-9a-f]{64}$")
"""A nullifier: the first 32 bytes of the OPRF output, in lower-case hex."""


def nullifier_text(output: bytes) -> str:
    """The nullifier a 64-byte OPRF output stands for."""
    return output[:32].hex()


def parse_part(value: Any, patterns: int, after: str = "") -> list[list[Any]]:
    """Part of a precinct's people: ``[nullifier, pattern | null]`` entries in strictly
    ascending order of nullifier (so none repeats), each after ``after`` (the last of the
    parts before), each pattern an index into the subtotal's ``patterns`` patterns."""
    if not isinstance(value, list):
        raise InvalidBody("people must list [nullifier, pattern] entries")
    normal: list[list[Any]] = []
    previous = after
    for position, entry in enumerate(value):
        if not isinstance(entry, list) or len(entry) != 2:
            raise InvalidBody("people[%(position)s] is not [nullifier, pattern]", position=position)
        nullifier, pattern = entry
        if not isinstance(nullifier, str) or not NULLIFIER.match(nullifier):
            raise InvalidBody(
                "people[%(position)s]: a nullifier is 64 lower-case hex digits", position=position
            )
        if nullifier == previous:
            raise InvalidBody(
                "people[%(position)s] repeats a nullifier", code="double_counted", position=position
            )
        if nullifier < previous:
            raise InvalidBody(
                "people[%(position)s] is out of order: nullifiers ascend", position=position
            )
        if pattern is not None and (type(pattern) is not int or not 0 <= pattern < patterns):
            raise InvalidBody(
                "people[%(position)s] names no pattern of the subtotal", position=position
            )
        normal.append([nullifier, pattern])
        previous = nullifier
    return normal


def check_complete(people: list[list[Any]], subtotal: Mapping[str, Any]) -> None:
    """All of a precinct's people: one per member of the electorate, and exactly ``count``
    of them on each pattern."""
    if len(people) != subtotal["electorate"]:
        raise InvalidBody("people must list one [nullifier, pattern] per member of the electorate")
    on_pattern = [0] * len(subtotal["patterns"])
    for _nullifier, pattern in people:
        if pattern is not None:
            on_pattern[pattern] += 1
    if on_pattern != [count for _ballot, count in subtotal["patterns"]]:
        raise InvalidBody("the people's ballots do not add up to the subtotal's patterns")


def parse_people(value: Any, subtotal: Mapping[str, Any]) -> list[list[Any]]:
    """A precinct's whole people, checked against its subtotal (in one piece)."""
    if isinstance(value, list):
        value = sorted(value, key=lambda e: str(e[0]) if isinstance(e, list) and e else "")
    people = parse_part(value, len(subtotal["patterns"]))
    check_complete(people, subtotal)
    return people


def complete(report: Mapping[str, Any]) -> bool:
    """Whether a report's people are all in (a big precinct sends them in parts)."""
    return bool(len(report.get("people", [])) == report["electorate"])


def count_once(reports: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Pool the reports (node → subtotal with ``people`` and ``index``) counting each
    person once: the network's electorate, its pooled patterns, and each person found
    in several precincts (which precinct counted them, which others reported them)."""
    order = sorted(reports, key=lambda node: (reports[node]["index"], node))
    counted_in: dict[str, str] = {}
    voted_in: dict[str, str] = {}
    reported_by: dict[str, list[str]] = {}
    for node in order:
        for nullifier, pattern in reports[node]["people"]:
            reported_by.setdefault(nullifier, []).append(node)
            if pattern is not None and nullifier not in voted_in:
                voted_in[nullifier] = node
    for nullifier, nodes in reported_by.items():
        counted_in[nullifier] = voted_in.get(nullifier, nodes[0])
    dropped: dict[str, int] = {}
    kept = []
    for node in order:
        report = reports[node]
        counts = [count for _ballot, count in report["patterns"]]
        for nullifier, pattern in report["people"]:
            if counted_in[nullifier] != node:
                dropped[node] = dropped.get(node, 0) + 1
                if pattern is not None:
                    counts[pattern] -= 1
        patterns = [
            [ballot, count]
            for (ballot, _c), count in zip(report["patterns"], counts, strict=True)
            if count
        ]
        kept.append({"patterns": patterns})
    duplicates = [
        {
            "person": nullifier,
            "counted_in": counted_in[nullifier],
            "also_in": [n for n in nodes if n != counted_in[nullifier]],
        }
        for nullifier, nodes in sorted(reported_by.items())
        if len(nodes) > 1
    ]
    return {
        "electorate": len(reported_by),
        "patterns": pool(kept),
        "duplicates": duplicates,
        "dropped": dropped,
    }


def distinct_people(nullifier_sets: Iterable[Iterable[str]]) -> int:
    """How many distinct people several nodes' nullifiers (under one key) stand for."""
    everyone: set[str] = set()
    for nullifiers in nullifier_sets:
        everyone.update(nullifiers)
    return len(everyone)

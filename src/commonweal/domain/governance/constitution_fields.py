"""Readers of a constitution's fields: topics, who, durations, quorum, delegation, ballot,
actions and names (domain/governance/constitution.py parses with them)."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.fields import boolean, integer_in, matching, only, optional_text
from commonweal.domain.governance.shares import parse_share
from commonweal.domain.words import N_

DAY = 86_400
MAX_SECONDS = 366 * DAY
NO_DELEGATION_METHODS = frozenset({"consent", "double_majority"})
"""Consent is personal; in a double majority the voters are member nodes."""
BALLOTS = ("public", "secret")
"""A kind's ``ballot``: public signed ballots, or secret ones (docs/secret-ballots.md). A
kind that does not say is public."""

_NAME = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


def read_topics(value: Any) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict) or not value:
        raise InvalidBody("topics must name at least one topic")
    topics = {}
    for name, topic in sorted(value.items()):
        if not isinstance(topic, dict):
            raise InvalidBody("topics.%(name)s must be an object with a title", name=name)
        only(topic, {"title", "description"}, where=f"topics.{name}")
        topics[read_name(name, "topic")] = {
            "title": optional_text(topic, "title", max_length=120) or name,
            "description": optional_text(topic, "description", max_length=2000),
        }
    return topics


def read_who(value: Any, where: str) -> Any:
    if value == "members":
        return value
    if isinstance(value, dict) and set(value) == {"role"} and isinstance(value["role"], str):
        return {"role": read_name(value["role"], "role")}
    raise InvalidBody('%(where)s must be "members" or {"role": "<role name>"}', where=where)


def read_seconds(value: Any, where: str, *, minimum: int = 0) -> int:
    return integer_in(value, f"{where}read_seconds", minimum, MAX_SECONDS)


def read_quorum(value: Any, where: str) -> str:
    parse_share(value, where)
    return str(value)


def read_delegation(method: str, value: Any, where: str) -> bool:
    delegation = boolean(value, f"{where}.delegation")
    if delegation and method in NO_DELEGATION_METHODS:
        raise InvalidBody(
            "%(where)s: votes cannot be delegated under the %(method)s method",
            where=where,
            method=method,
        )
    return delegation


def read_ballot(value: Any, method: str, where: str) -> str:
    if value not in BALLOTS:
        raise InvalidBody('%(where)s.ballot must be "public" or "secret"', where=where)
    if value == "secret" and method == "double_majority":
        raise InvalidBody(
            "%(where)s: a double majority's voters are member nodes, who vote openly", where=where
        )
    return str(value)


def read_actions(value: Any, known: Collection[str], where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise InvalidBody("%(where)s.actions must be a list of action names", where=where)
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise InvalidBody(
            "%(where)s.actions: unknown action(s) %(unknown)s",
            where=where,
            unknown=", ".join(unknown),
        )
    return sorted(set(value))


def read_name(value: Any, what: str) -> str:
    return matching(
        value, _NAME, N_("a %(what)s name is 2-40 lower-case letters, digits or dashes"), what=what
    )

"""Who stands where: the recognitions a node holds and the visitors it hosts.

This module reads state only and imports nothing of the other capabilities, so
any rule (membership, governance, commons, gatherings) can ask what a visitor
may do without an import cycle: see :func:`visitor_rights` and the helpers in
``membership.records`` built on it.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.state import State

RECOGNITIONS = "federation.recognitions"
"""node did → the recognition this node granted it: key, origin, keys, url, terms, status."""
VISITORS = "federation.visitors"
"""visitor did → their visit: home node, credential id, since, status (visiting or ended)."""

RECOGNIZED = "recognized"
WITHDRAWN = "withdrawn"
VISITING = "visiting"
ENDED = "ended"

COMMENT = "comment"
BOOK = "book"
ATTEND = "attend"
VISITOR_RIGHTS = frozenset({COMMENT, BOOK, ATTEND})
"""What a treaty can let visitors do: comment on proposals, book commons, join gatherings."""


def recognition(state: State, did: str) -> dict[str, Any] | None:
    """The recognition this node granted ``did``, if it is in force."""
    record: dict[str, Any] | None = state.get(RECOGNITIONS, did)
    if record is None or record["status"] != RECOGNIZED:
        return None
    return record


def credential_issuers(state: State) -> set[str]:
    """The nodes whose credentials this node accepts: recognised, with credential terms."""
    return {
        str(did)
        for did, record in state.items(RECOGNITIONS)
        if record["status"] == RECOGNIZED and record["terms"]["credentials"]
    }


def visitor(state: State, did: str) -> dict[str, Any] | None:
    """The open visit of ``did``, if any."""
    record: dict[str, Any] | None = state.get(VISITORS, did)
    if record is None or record["status"] != VISITING:
        return None
    return record


def visitor_rights(state: State, did: str) -> frozenset[str]:
    """What ``did`` may do here as a visitor: the rights the treaty with their home grants.

    Empty unless ``did`` is visiting and this node still recognises their home node:
    withdrawing a recognition ends its visitors' rights at once.
    """
    visit = visitor(state, did)
    if visit is None:
        return frozenset()
    home = recognition(state, visit["home"])
    if home is None:
        return frozenset()
    return frozenset(home["terms"]["visitors"])

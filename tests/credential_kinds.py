"""A community whose constitution defines credential kinds: by role, endorsement and vote."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from commonweal.node.kernel.setup import init_node
from tests.builders import Clock, EventFactory
from tests.community import FOUNDERS, Community

COURSE_TOKEN = "operator-token-scoped-to-course"
ANY_TOKEN = "operator-token-for-every-kind"

KINDS: dict[str, Any] = {
    "course": {
        "title": "Course completed",
        "description": "A course the community teaches, completed.",
        "claims": {
            "type": "object",
            "properties": {
                "course": {"type": "string", "minLength": 1, "maxLength": 200},
                "hours": {"type": "integer", "minimum": 1},
            },
            "required": ["course", "hours"],
            "additionalProperties": False,
        },
        "issuers": {"role": "steward"},
        "valid_days": 365,
        "revocable": True,
    },
    "skill": {
        "title": "Skill vouched for by peers",
        "claims": {
            "type": "object",
            "properties": {"skill": {"type": "string"}, "name": {"type": "string"}},
            "required": ["skill"],
            "additionalProperties": False,
        },
        "issuers": {"endorsements": 2},
        "revocable": False,
    },
    "service": {
        "title": "Years of service",
        "claims": {
            "type": "object",
            "properties": {"years": {"type": "integer", "minimum": 1}},
            "required": ["years"],
        },
        "issuers": "vote",
    },
}


def constitution_with_kinds() -> dict[str, Any]:
    """The default constitution, with the kinds above and ``credentials.issue`` allowed
    to ordinary decisions."""
    constitution = copy.deepcopy(DEFAULT_CONSTITUTION)
    constitution["credentials"] = copy.deepcopy(KINDS)
    constitution["kinds"]["decision"]["actions"] = ["credentials.issue"]
    return constitution


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ScopedTokens:
    """Issuer tokens as a serving node reads them: the hashes, and their kind scopes."""

    def __call__(self) -> frozenset[str]:
        return frozenset({token_digest(COURSE_TOKEN), token_digest(ANY_TOKEN)})

    def scopes(self) -> dict[str, frozenset[str]]:
        return {token_digest(COURSE_TOKEN): frozenset({"course"})}


@pytest.fixture
def kinds_community(tmp_path: Path, database_url: str | None, clock: Clock) -> Iterator[Community]:
    factory = EventFactory("", clock)
    node = init_node(
        tmp_path / "node",
        name="Guild Commons",
        database_url=database_url,
        clock=clock,
        founders=[factory.did(name) for name in FOUNDERS],
        admission={"admission": "open"},
        constitution=constitution_with_kinds(),
    )
    factory.node_did = node.identity.did
    yield Community(node, factory, clock)
    node.close()

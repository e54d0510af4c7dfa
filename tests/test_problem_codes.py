"""Every code the node can answer with keeps its kind, and docs/protocol.md's table says so.

The codes are found in the source: each domain error raised with a literal ``code=``
(its status is its class's), each ``Rejected``, ``EventError`` and ``problem`` with a
literal code, and the few codes picked from a mapping (their status is the edge's
table). The test checks both directions: every raisable code is documented with the
status the node answers, and every documented code is raisable (or its row says it is
answered only by an edge in front of the node).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from commonweal.capabilities import CAPABILITIES, PROGRAM
from commonweal.domain import errors
from commonweal.domain.aid.records import REFUSAL_IN_STATUS
from commonweal.domain.errors import Conflict, DomainError, NotFound
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services.federation.auth import CODES, SIGNATURE_INVALID
from commonweal.web import problems
from commonweal.web.app import create_app
from tests.community import Community

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "commonweal"
PROTOCOL = ROOT / "docs" / "protocol.md"

DOMAIN_CLASSES = {
    name: cls
    for name, cls in vars(errors).items()
    if isinstance(cls, type) and issubclass(cls, DomainError)
}
EDGE_RAISERS = ("Rejected", "EventError", "problem")
DECLARED = PROGRAM.status_by_code()
"""The statuses the capabilities declare for their own codes (read before the table)."""


def answered(code: str, status: int | None = None) -> int:
    """The status the app answers ``code`` with (``web.problems.rejection``)."""
    return DECLARED.get(code) or problems.status_of(code, status)


def edge_status(code: str) -> int:
    """A code raised without a class: a capability's declaration or the table must name it."""
    return DECLARED.get(code) or problems.STATUS_BY_CODE.get(code, 0)


GUARDS = {"require_stage": Conflict}
"""Domain helpers that raise a class with the literal ``code=`` their callers give."""

NEVER_ANSWERED = {"invalid_leaf"}
"""Codes raised only where the node reads a stored or mirrored log, never to a request."""

PICKED_FROM_A_MAPPING: dict[str, int | None] = {
    **{code: Conflict.status for code in REFUSAL_IN_STATUS.values()},  # domain.aid.records
    **{code: None for code in CODES.values()},  # node.federation.auth: the edge's table
    SIGNATURE_INVALID: None,
    "rolled_back": None,  # node.federation.rollback, through Node.refuse_writes
    **{code: None for code in problems.HTTP_CODES.values()},  # Starlette's own errors
}


COMPUTED_CODES = {
    ("domain/aid/records.py", "code"),  # REFUSAL_IN_STATUS, above
    ("domain/commons/resources.py", "refusal.code"),  # a caught refusal, raised again
    ("domain/funding/postings.py", "error.code"),  # a caught refusal, raised again
    ("domain/registry.py", "code"),  # require_stage: its callers' literal codes (GUARDS)
    ("node/kernel/errors.py", "self.code"),  # Rejected.at: the same refusal, located in a batch
    ("node/kernel/prepared.py", "refusal"),  # committed(): its callers' literal codes
    ("node/kernel/service.py", "code"),  # Node.refuse_writes: "rolled_back", below
    ("node/services/credential_problems.py", "code"),  # refusal(): its callers' literal codes
    ("node/services/federation/auth.py", "CODES.get(code, SIGNATURE_INVALID)"),  # above
    ("web/problems.py", "code"),  # HTTP_CODES, above
    ("web/problems.py", "exc.code"),  # a Rejected, answered
}
"""Every place a code is computed rather than written out, and where its codes are counted."""


def computed_codes() -> set[tuple[str, str]]:
    """Raise sites whose code is an expression, not a literal: the scan cannot read them."""
    found: set[tuple[str, str]] = set()
    for path in PACKAGE.rglob("*.py"):
        where = str(path.relative_to(PACKAGE))
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id in DOMAIN_CLASSES:
                values = [k.value for k in node.keywords if k.arg == "code"]
            elif node.func.id in EDGE_RAISERS:
                values = node.args[:1]
            else:
                continue
            found |= {(where, ast.unparse(v)) for v in values if not isinstance(v, ast.Constant)}
    return found


@cache
def _is_rejected_saying(func: ast.expr) -> bool:
    """``Rejected.saying(code, error)``: a wrapped error refused with a code of the edge's."""
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "saying"
        and isinstance(func.value, ast.Name)
        and func.value.id == "Rejected"
    )


def raisable() -> dict[str, set[int]]:
    """Each code the source can raise, with the statuses the node answers it with."""
    statuses: dict[str, set[int]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.name in DOMAIN_CLASSES.keys() - {
                "DomainError"
            }:
                cls = DOMAIN_CLASSES[node.name]
                statuses[cls.code].add(answered(cls.code, cls.status))
            if not isinstance(node, ast.Call):
                continue
            if _is_rejected_saying(node.func):
                if node.args and isinstance(node.args[0], ast.Constant):
                    statuses[node.args[0].value].add(edge_status(node.args[0].value))
                continue
            if not isinstance(node.func, ast.Name):
                continue
            name = node.func.id
            if name in DOMAIN_CLASSES or name in GUARDS:
                raised = GUARDS.get(name) or DOMAIN_CLASSES[name]
                for keyword in node.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                        code = keyword.value.value
                        statuses[code].add(answered(code, raised.status))
            elif name in EDGE_RAISERS and node.args and isinstance(node.args[0], ast.Constant):
                code = node.args[0].value
                statuses[code].add(edge_status(code))
    for code, status in PICKED_FROM_A_MAPPING.items():
        if status is None:  # raised as a Rejected: the edge's table must name it
            statuses[code].add(edge_status(code))
        else:
            statuses[code].add(answered(code, status))
    for code in NEVER_ANSWERED:
        statuses.pop(code, None)
    return statuses


@cache
def documented() -> tuple[dict[str, int], set[str]]:
    """docs/protocol.md's code table: each code's status, and the edge-only codes."""
    text = PROTOCOL.read_text()
    table = text[text.index("| code | status |") :].split("\n\n", 1)[0]
    statuses: dict[str, int] = {}
    edge_only: set[str] = set()
    for row in table.splitlines()[2:]:
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        status = int(cells[-1])
        for code in re.findall(r"`([a-z_]+)`", " ".join(cells[:-1])):
            assert code not in statuses, f"{code} is documented twice"
            statuses[code] = status
            if "edge only" in row:
                edge_only.add(code)
    return statuses, edge_only


def test_every_computed_code_is_accounted_for() -> None:
    assert computed_codes() == COMPUTED_CODES


def test_every_code_answers_one_status_and_none_is_a_guess() -> None:
    ambiguous = {code: sorted(s) for code, s in raisable().items() if len(s) != 1}
    assert not ambiguous, f"codes answered with several statuses (0: no status known): {ambiguous}"


def test_every_raisable_code_is_documented_with_the_status_the_node_answers() -> None:
    docs, _edge_only = documented()
    undocumented = sorted(code for code in raisable() if code not in docs)
    assert not undocumented, f"raisable but missing from docs/protocol.md: {undocumented}"
    wrong = {
        code: (docs[code], statuses)
        for code, statuses in raisable().items()
        if statuses != {docs[code]}
    }
    assert not wrong, f"documented status differs from what the node answers: {wrong}"


def test_every_documented_code_is_raisable_or_edge_only() -> None:
    docs, edge_only = documented()
    stale = sorted(set(docs) - set(raisable()) - edge_only)
    assert not stale, f"documented but never raised: {stale}"


def test_the_table_holds_no_domain_code_with_another_status() -> None:
    """The edge's table names node-level codes; a domain code in it must agree with its
    class (or it is an override, which none is today)."""
    for code, statuses in raisable().items():
        if code in problems.STATUS_BY_CODE:
            assert statuses == {problems.STATUS_BY_CODE[code]}, code


def test_no_code_is_both_the_kernels_and_a_capabilitys() -> None:
    """A code's status is said in one place: the edge's table or one capability's
    declaration (two capabilities raising the same code must agree on it)."""
    assert not set(DECLARED) & set(problems.STATUS_BY_CODE)
    for capability in CAPABILITIES:
        for code, status in capability.status_by_code.items():
            assert DECLARED[code] == status, (capability.name, code)


def test_a_conflict_reaches_http_as_409_and_keeps_its_code() -> None:
    """A domain error's class decides the status on the wire, with no table entry."""
    app = FastAPI()
    app.add_exception_handler(Rejected, problems.rejected_handler)

    @app.get("/conflict")
    def conflict() -> None:
        raise Rejected.from_error(Conflict("already a member", code="already_member"))

    @app.get("/missing")
    def missing() -> None:
        raise Rejected.from_error(NotFound("no such proposal")).at(3)

    with TestClient(app) as client:
        answer = client.get("/conflict")
        assert answer.status_code == 409
        assert answer.json()["code"] == "already_member" and answer.json()["title"] == "Conflict"
        located = client.get("/missing")
        assert located.status_code == 404 and located.json()["position"] == 3


def test_the_conflicts_the_issue_names_are_409() -> None:
    statuses = raisable()
    for code in ("already_attested", "already_member", "already_vouched", "recovery_open"):
        assert statuses[code] == {409}, code


def test_a_repeated_attestation_and_vouch_answer_409_over_http(community: Community) -> None:
    community.apply("dana")
    vouch = {"applicant": community.did("dana")}
    attestation = {"digest": "sha256:" + "cd" * 32, "title": "Minutes"}
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        for event_type, body in (
            ("notary.document.attested", attestation),
            ("membership.vouch.given", vouch),
        ):
            first = client.post(
                "/v1/events", content=community.events.raw("alice", type=event_type, body=body)
            )
            assert first.status_code == 201, first.text
            again = client.post(
                "/v1/events", content=community.events.raw("alice", type=event_type, body=body)
            )
            assert again.status_code == 409, again.text
            assert again.headers["content-type"] == "application/problem+json"
            assert again.json()["code"] in ("already_attested", "already_vouched")
            community.events.seqs["alice"] -= 1  # the refused event used no seq

"""What the network audits (campaigns, alliance votes) share: a check's shape, the failures a
remote node's report may show, and checking every node's report in turn."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from commonweal.core.events import EventError
from commonweal.core.merkle import ProofError
from commonweal.core.note import NoteError
from commonweal.domain.federation.subtotal_check import AuditFailure
from commonweal.node.services.federation.peer_client import PeerError

Check = tuple[str, bool, str]
"""(what was checked — a node, or a total — passed, what was found)."""

REPORT_FAILURES = (PeerError, NoteError, ProofError, EventError, AuditFailure)
"""What checking a node's report against its own signed log can find wrong."""


def check_reports(
    reports: Iterable[tuple[str, Any]],
    nodes: Mapping[str, dict[str, Any]],
    unplaced: str,
    check: Callable[[str, dict[str, Any], Any], str],
) -> list[Check]:
    """One check per ``(node, report)``: ``check(node, where, report)``'s finding, where
    ``nodes`` says where the node is (its recognition); what it found wrong; or, for a node
    ``nodes`` does not place, ``unplaced``."""
    checks: list[Check] = []
    for node, report in reports:
        where = nodes.get(node)
        if where is None:
            checks.append((node, False, unplaced))
            continue
        try:
            checks.append((node, True, check(node, where, report)))
        except REPORT_FAILURES as error:
            checks.append((node, False, str(error)))
    return checks

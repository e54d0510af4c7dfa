"""What the commons pages share: names and times in words, a deposit in money, whether a
member may use a resource at all, a resource's steward or monitor, a round on one line.

Times are compared in the normal form bookings use (``YYYY-MM-DDTHH:MM:SSZ``), so strings
compare as times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from commonweal.core.language import _
from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.commons import calendar
from commonweal.domain.commons.access import require_rights
from commonweal.domain.commons.records import is_monitor, is_steward
from commonweal.domain.errors import DomainError
from commonweal.domain.state import State
from commonweal.domain.timestamps import utc_stamp
from commonweal.domain.treasury.records import UNITS
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import said
from commonweal.node.read_models.commons_week import dated
from commonweal.node.read_models.commons_words import exponent_of, money
from commonweal.node.read_models.standing import name_of

DAY = 86_400
RECENT = 20


def when_words(text: str) -> str:
    """``2026-12-01T09:00:00Z`` as ``1 Dec 2026, 09:00 UTC`` (the pages' ``when`` filter)."""
    return dated(parse_utc(text), "%-d %b %Y, %H:%M UTC", "d MMM y, HH:mm 'UTC'")


def names_of(node: Node, dids: Iterable[str]) -> dict[str, str | None]:
    """The public name of each DID (None where the member does not show one)."""
    return {did: name_of(node, did) for did in set(dids)}


def by_name(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """People with a public name first, alphabetically; then the rest by DID."""
    return sorted(people, key=lambda p: (p["name"] is None, (p["name"] or p["did"]).lower()))


def now_stamp(node: Node) -> str:
    return utc_stamp(node.clock())


def exponents_of(state: State) -> dict[str, int]:
    return {str(code): unit["exponent"] for code, unit in state.items(UNITS)}


def deposit_shown(deposit: Mapping[str, Any] | None, exponents: Mapping[str, int]) -> Any:
    """A booking's deposit with its amounts written for people."""
    if deposit is None:
        return None
    shown = {**deposit, "words": money(deposit["amount"], deposit["unit"], exponents)}
    shown["exponent"] = exponent_of(deposit["unit"], exponents)
    if "retained" in deposit:
        shown["retained_words"] = money(deposit["retained"], deposit["unit"], exponents)
        shown["returned_words"] = money(deposit["returned"], deposit["unit"], exponents)
    return shown


def use_refusal(state: State, record: Mapping[str, Any], did: str | None, now: str) -> Any:
    """Whether ``did`` may use the resource at all (``{code, message}`` if not)."""
    if did is None:
        return {"code": "signed_out", "message": _("Sign in to see whether you may use it.")}
    try:
        require_rights(state, record, did, now)
    except DomainError as refusal:
        return {"code": refusal.code, "message": said.refusal(refusal.template, refusal.params)}
    return None


def free_now(state: State, record: Mapping[str, Any], now: str) -> int:
    end = utc_stamp(parse_utc(now) + timedelta(seconds=1))
    return len(calendar.free_units(state, record, now, end))


def role_of(record: Mapping[str, Any], did: str | None) -> str | None:
    if did is None:
        return None
    if is_steward(record, did):
        return "steward"
    if is_monitor(record, did):
        return "monitor"
    return None


def round_line(record: Mapping[str, Any], titles: Mapping[int, str], viewer: str | None) -> Any:
    return {
        "id": record["id"],
        "resource": record["resource"],
        "title": titles.get(record["resource"], ""),
        "method": record["method"],
        "start": record["start"],
        "end": record["end"],
        "closes": record["closes"],
        "entered": len(record["entries"]),
        "status": record["status"],
        "mine": viewer is not None and any(d == viewer for d, _i in record["entries"]),
    }

"""Who may use a resource now: the boundary (membership, a role), and standing (sanctions).

One condition a line, so each refusal has its own code and its own test:
``not_a_member`` / ``suspended`` (membership), ``role_required`` (the resource's
boundary), ``booking_suspended`` (a sanction in force), ``out_of_service``.

A visitor whose home node's treaty grants ``book`` counts as inside the membership
boundary (not a role's: a visitor holds no role here) and answers to sanctions like
a member.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.commons.records import OUT_OF_SERVICE, SANCTIONS
from commonweal.domain.errors import Conflict, DomainError, NotPermitted
from commonweal.domain.federation.standing import BOOK
from commonweal.domain.governance.records import roles_of
from commonweal.domain.membership.records import require_member_or_visitor
from commonweal.domain.state import State
from commonweal.domain.timestamps import moment
from commonweal.domain.words import WP_

REFERRED = "referred"
OVERTURNED = "overturned"


def suspends(sanction: Mapping[str, Any], now: str) -> bool:
    """Whether ``sanction`` holds its member's booking rights suspended at ``now``.

    A suspension lasts until its end; a referral until the assembly decides it (and
    then for as long as the decision says); an overturned sanction never.
    """
    if sanction["status"] == OVERTURNED:
        return False
    if sanction["status"] == REFERRED:
        return True
    until = sanction["until"]
    return until is not None and moment(now) < moment(until)


def suspension(state: State, resource_id: int, did: str, now: str) -> dict[str, Any] | None:
    """The sanction suspending ``did``'s rights to ``resource_id`` at ``now``, if any."""
    for _id, record in sorted(state.items(SANCTIONS)):
        if record["resource"] == resource_id and record["member"] == did and suspends(record, now):
            found: dict[str, Any] = record
            return found
    return None


def require_rights(state: State, record: Mapping[str, Any], did: str, now: str) -> None:
    """``did`` may use the resource now: a member in good standing (or a visitor the
    treaty lets book), inside its boundary, and not suspended by a sanction."""
    require_member_or_visitor(
        state, did, BOOK, WP_("to do", "use %(title)s", title=repr(record["title"]))
    )
    access = record["rules"]["access"]
    if access != "members" and access["role"] not in roles_of(state, did):
        raise NotPermitted(
            "%(title)s is for holders of the %(role)s role",
            code="role_required",
            title=repr(record["title"]),
            role=access["role"],
        )
    blocking = suspension(state, record["id"], did, now)
    if blocking is not None:
        until = "the assembly decides" if blocking["until"] is None else blocking["until"]
        raise NotPermitted(
            "your rights to %(title)s are suspended until %(until)s (sanction %(sanction)s)",
            code="booking_suspended",
            title=repr(record["title"]),
            until=until,
            sanction=blocking["id"],
        )


def has_rights(state: State, record: Mapping[str, Any], did: str, now: str) -> bool:
    """:func:`require_rights` as a yes or no."""
    try:
        require_rights(state, record, did, now)
    except DomainError:
        return False
    return True


def require_in_service(record: Mapping[str, Any]) -> None:
    """The resource is not reported out of service."""
    if record["condition"] == OUT_OF_SERVICE:
        raise Conflict(
            "%(title)s is out of service", code="out_of_service", title=repr(record["title"])
        )

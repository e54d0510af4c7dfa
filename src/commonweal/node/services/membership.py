"""Membership as the node runs it: private profiles, erasure, the directory, due transitions.

Profiles never enter the log. An application arrives with its profile and salt;
the node checks that the signed event commits to exactly that profile, keeps the
profile in ``private_profiles``, and logs the event. Erasure is an event too; once
it is committed the profile's bytes are removed from the database files.
"""

from __future__ import annotations

from typing import Any

import orjson

from commonweal.core.commitment import commitment, new_salt
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.membership.lifecycle import APPLIED, ERASED
from commonweal.domain.membership.policy import current_policy
from commonweal.domain.membership.records import MEMBERS, ROLES
from commonweal.domain.membership.recovery import COMPLETED, due_recoveries
from commonweal.node.kernel.due import Refusals, attempt
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.prepared import committed
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.services import member_directory
from commonweal.store.log_store import EntryRow

PROFILE_LIMITS = {"display_name": 120, "contact": 300, "bio": 2000, "location": 200}


def check_profile(profile: object) -> dict[str, Any]:
    """A profile: short texts (display name, contact, bio, location) and ``show_name``."""
    if not isinstance(profile, dict):
        raise Rejected("invalid_profile", "profile must be an object")
    unknown = set(profile) - {*PROFILE_LIMITS, "show_name"}
    if unknown:
        raise Rejected(
            "invalid_profile",
            "unexpected profile field(s): %(unknown)s",
            unknown=", ".join(sorted(unknown)),
        )
    for name, limit in PROFILE_LIMITS.items():
        value = profile.get(name, "")
        if not isinstance(value, str) or len(value) > limit:
            raise Rejected(
                "invalid_profile",
                "%(name)s must be text of at most %(limit)s characters",
                name=name,
                limit=limit,
            )
    if not isinstance(profile.get("show_name", False), bool):
        raise Rejected("invalid_profile", "show_name must be true or false")
    return dict(profile)


def apply(node: Node, event: object, profile: object, salt: object) -> Receipt:
    """Log an application whose event commits to ``profile`` under ``salt``; keep the profile."""
    prepared = node.prepare_value_of(event, {APPLIED}, f"a {APPLIED}")
    checked = check_profile(profile)
    expected, salt = committed(checked, salt, "invalid_profile")
    if expected != prepared.body:
        raise Rejected("commitment_mismatch", "the event does not commit to this profile and salt")
    node.store.put_profile(expected, salt, orjson.dumps(checked).decode())
    try:
        return node.commit([prepared])[0]
    except Exception:
        reconcile_profiles(node)
        raise


def keep_profile(node: Node, profile: object) -> str:
    """Store a profile under a fresh salt; return the commitment to put in an event."""
    checked = check_profile(profile)
    salt = new_salt()
    digest = commitment(checked, salt)
    node.store.put_profile(digest, salt, orjson.dumps(checked).decode())
    return digest


def profile_of(node: Node, did: str) -> dict[str, Any] | None:
    """A member's private profile, unless erased or never given."""
    return _profile(node, node.state.get(MEMBERS, did))


def _profile(node: Node, record: dict[str, Any] | None) -> dict[str, Any] | None:
    if record is None or record["erased"] or not record["commitment"]:
        return None
    stored = node.store.profile(record["commitment"])
    found: dict[str, Any] | None = orjson.loads(stored[1]) if stored is not None else None
    return found


def directory(node: Node) -> list[dict[str, Any]]:
    """Every member's DID, standing and roles; the name of those who chose to show it,
    in directory order (an export: it reads the whole directory, a page at a time)."""
    everyone: list[dict[str, Any]] = []
    after: member_directory.Position | None = None
    while True:
        page = member_directory.page(node, after=after, limit=member_directory.MAX_PAGE)
        everyone.extend(page.members)
        if page.next is None:
            return everyone
        after = page.next


def directory_entry(node: Node, did: str) -> dict[str, Any]:
    """One member's directory entry, or a ``not_found`` refusal."""
    with node.reading() as state:
        record = state.get(MEMBERS, did)
    if record is None:
        raise Rejected("not_found", "%(did)s is not known to this node", did=did)
    return member_directory.entry(node, did, record)


def policy_summary(node: Node) -> dict[str, Any]:
    """The admission policy in force, the roles, and how many people the node knows."""
    return {
        "policy": current_policy(node.state),
        "roles": dict(node.state.items(ROLES)),
        "members": len(node.state.tables.get(MEMBERS, {})),
    }


def reconcile_profiles(node: Node) -> int:
    """Erase every stored profile that no live member record points to.

    That covers erased members, and profiles kept for applications that were
    then refused or never committed (a crash between the two writes).
    """
    wanted = {
        record["commitment"]
        for _did, record in node.state.items(MEMBERS)
        if record["commitment"] and not record["erased"]
    }
    return node.store.erase_profiles(node.store.profile_commitments() - wanted)


def erase_after_commit(node: Node, entries: list[EntryRow]) -> None:
    """After-commit hook: an erasure event removes the profile's bytes at once."""
    if any(entry.type == ERASED for entry in entries):
        reconcile_profiles(node)


def complete_due_recoveries(node: Node, *, refusals: Refusals | None = None) -> list[Receipt]:
    """Complete every recovery whose time lock has passed (a node-authored event each);
    a refused one is tried again later (``refusals``, node/kernel/due.py) and does not hold
    up the others."""
    refusals = refusals or Refusals()
    now = format_utc(node.clock())
    with node.reading() as state:
        due = [old for old in due_recoveries(state, now) if not refusals.waiting((COMPLETED, old))]
    receipts = []
    for old in due:
        receipt = attempt(node, refusals, (COMPLETED, old), {"member": old})
        if receipt is not None:
            receipts.append(receipt)
    return receipts


def attach(node: Node) -> Node:
    """Wire membership into a node: erasure on commit, and clean up any leftover profile."""
    node.after_commit.append(erase_after_commit)
    reconcile_profiles(node)
    return node

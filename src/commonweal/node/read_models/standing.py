"""A person's standing in the node, as the member pages show it.

Who is signed in and what they may do, how an application is going (who vouched,
what is still missing), the applications stewards decide on, a member's page, and
the credentials someone holds with whether each is still good. Reads only.
"""

from __future__ import annotations

from typing import Any

import orjson

from commonweal.core.language import _
from commonweal.domain.federation.standing import RECOGNITIONS, RECOGNIZED
from commonweal.domain.membership.lifecycle import APPROVED, DECLINED, VOUCHED
from commonweal.domain.membership.policy import current_policy
from commonweal.domain.membership.records import (
    ACTIVE,
    APPLICANT,
    CREDENTIALS,
    MEMBERS,
    ROLES,
    permissions_of,
)
from commonweal.node.kernel.dry_run import ask_each
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import credentials, membership

STATUS_WORDS = {
    "member": "member in good standing",
    "applicant": "applicant",
    "suspended": "suspended",
    "left": "former member (left)",
    "expelled": "expelled",
    "declined": "application declined",
    "recovered": "moved to a new key",
    "moved": "moved to another node",
}


def name_of(node: Node, did: str) -> str | None:
    """The public name of ``did``, if they chose to show it."""
    profile = membership.profile_of(node, did) or {}
    return profile.get("display_name") or None if profile.get("show_name") else None


def people(node: Node, dids: list[str]) -> list[dict[str, Any]]:
    """``[{"did", "name"}]`` for each DID, with the public name where there is one."""
    return [{"did": did, "name": name_of(node, did)} for did in dids]


def viewer(node: Node, did: str) -> dict[str, Any]:
    """The signed-in person: their status (None if the node does not know them) and rights."""
    with node.reading() as state:
        record = state.get(MEMBERS, did)
        permissions = sorted(permissions_of(state, did))
    profile = membership.profile_of(node, did) if record else None
    return {
        "did": did,
        "status": record["status"] if record else None,
        "active": bool(record and record["status"] == ACTIVE),
        "roles": list(record.get("roles", [])) if record else [],
        "permissions": permissions,
        "name": (profile or {}).get("display_name") or None,
    }


def application(node: Node, did: str) -> dict[str, Any]:
    """How ``did``'s application stands: the policy, who vouched, and what is missing."""
    with node.reading() as state:
        record = state.get(MEMBERS, did)
        policy = dict(current_policy(state))
    vouches = people(node, list((record or {}).get("vouches", [])))
    needed = policy["vouches_required"] if policy["admission"] == "vouch" else 0
    return {
        "did": did,
        "status": record["status"] if record else None,
        "policy": policy,
        "vouches": vouches,
        "needed": needed,
        "missing": max(needed - len(vouches), 0),
        "reason": (record or {}).get("reason", ""),
        "profile": membership.profile_of(node, did) if record else None,
    }


def pending_applications(node: Node, *, with_profiles: bool) -> list[dict[str, Any]]:
    """Every open application, oldest first; profiles only for those who decide on them."""
    with node.reading() as state:
        applicants = sorted(
            (record["applied"], str(did))
            for did, record in state.items(MEMBERS)
            if record["status"] == APPLICANT
        )
    found = []
    for _applied, did in applicants:
        entry = application(node, did)
        if not with_profiles:
            entry["profile"] = None
        found.append(entry)
    return found


def member_page(node: Node, did: str) -> dict[str, Any]:
    """One member's public page: directory entry, vouches given, and credentials."""
    entry = membership.directory_entry(node, did)
    with node.reading() as state:
        vouched_for = sorted(
            str(other) for other, record in state.items(MEMBERS) if did in record["vouches"]
        )
        roles = {name: dict(role) for name, role in state.items(ROLES)}
        destinations = [
            {"did": str(other), "name": record.get("name") or record["url"], "url": record["url"]}
            for other, record in sorted(state.items(RECOGNITIONS))
            if record["status"] == RECOGNIZED
            and "MembershipCredential" in record["terms"]["credentials"]
        ]
    held = held_credentials(node, did)
    in_force = [c["credential"] for c in held if c["kind"] == "membership" and c["revoked"] is None]
    return {
        "move_to": destinations,
        # what a move presents: the membership credential in force (docs/federation.md)
        "home_credential": orjson.dumps(in_force[-1]).decode() if in_force else "",
        **entry,
        "status_words": STATUS_WORDS.get(entry["status"], entry["status"]),
        "vouched_by": people(node, entry["vouches"]),
        "vouched_for": people(node, vouched_for),
        "role_permissions": {r: roles.get(r, {}).get("permissions", []) for r in entry["roles"]},
        "credentials": held,
    }


def application_actions(node: Node, viewer: str | None, applicant: str) -> dict[str, bool]:
    """Whether ``viewer`` may vouch for, approve or decline ``applicant``'s application now:
    each offered exactly when the node would accept its event
    (:mod:`commonweal.node.kernel.dry_run`)."""
    ref = {"applicant": applicant}
    with node.dry_run() as rules:
        verdicts = ask_each(
            rules,
            viewer,
            {
                "may_vouch": (VOUCHED, ref),
                "may_approve": (APPROVED, ref),
                "may_decline": (DECLINED, ref),
            },
        )
    return {name: verdict.ok for name, verdict in verdicts.items()}


def held_credentials(node: Node, did: str) -> list[dict[str, Any]]:
    """The credentials the node issued to ``did``, each with whether it was revoked."""
    with node.reading() as state:
        rows = sorted(
            (dict(row) for _key, row in state.items(CREDENTIALS) if row["subject"] == did),
            key=lambda row: row["index"],
        )
    signed = credentials.credentials_of(node, did)
    return [
        {
            "credential": credential,
            "kind": _kind(row["kind"]),
            "title": _title(row["kind"], row.get("role"), credential),
            "role": row.get("role"),
            "issued": row["issued"],
            "revoked": row["revoked"],
            "index": row["index"],
        }
        for row, credential in zip(rows, signed, strict=True)
    ]


def _kind(kind: str) -> str:
    for prefix in ("role", "attendance"):
        if kind.startswith(prefix + ":"):
            return prefix
    return "membership"


def _title(kind: str, role: str | None, credential: dict[str, Any]) -> str:
    """What a credential says, in a few words: "Membership", "Role: steward", "Attended: …"."""
    if kind.startswith("role:"):
        return _("Role: %(role)s", role=role)
    if kind.startswith("attendance:"):
        return _("Attended: %(name)s", name=credential["credentialSubject"]["attended"]["name"])
    return _("Membership")


def held_credential(node: Node, did: str, number: int) -> dict[str, Any]:
    """The ``number``-th credential (from 1) issued to ``did``, or ``not_found``."""
    held = held_credentials(node, did)
    if not 1 <= number <= len(held):
        raise Rejected(
            "not_found", "%(did)s holds no credential number %(number)s", did=did, number=number
        )
    return held[number - 1]


def roles(node: Node) -> dict[str, list[str]]:
    """Every role defined on the node and its permissions."""
    with node.reading() as state:
        return {str(name): list(role["permissions"]) for name, role in state.items(ROLES)}

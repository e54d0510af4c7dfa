"""Credentials of the constitution's *open* kinds, signed by the node's automation issuer.

An open kind (``"open": true`` in the constitution's ``credentials`` section) lets an
operator's issuer token, scoped to that kind, have any conforming VC 2.0 credential
signed: any claims, any extra types — never a type the node's own credentials use
(membership, role, attendance, passport, or a closed kind's). This is what the W3C test
suites need (docs/conformance.md). Such credentials are signed by the *automation
issuer*, a did:key derived from the node key (``NodeIdentity.automation_key``), never by
the node's DID: nobody can mistake one for a credential the community issued.

Every issuance is still logged as ``credentials.issued`` (the kind and a salted
commitment to the whole credential, no subject); the credential itself stays in the
private claims table, and is rebuilt from it, byte for byte, like any other.
"""

from __future__ import annotations

from typing import Any

from commonweal.core.commitment import commitment, new_salt
from commonweal.core.vc.data_integrity import JCS, add_proof
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.model import check_credential
from commonweal.core.vc.status_list import status_entry
from commonweal.domain.credentials.events import ISSUED_TYPE
from commonweal.domain.credentials.kinds import BUILT_IN_TYPES, PASSPORT_KIND, is_open
from commonweal.domain.credentials.records import defined_kinds
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import community_credentials as community
from commonweal.node.services.credentials import automation_status_list_url


def open_kinds(node: Node) -> dict[str, dict[str, Any]]:
    """The constitution's open kinds, by name."""
    with node.reading() as state:
        return {name: rules for name, rules in defined_kinds(state).items() if is_open(rules)}


def reserved_types(node: Node) -> frozenset[str]:
    """The types an open kind's credential may not carry: the node's own credentials'."""
    with node.reading() as state:
        closed = {rules["type"] for rules in defined_kinds(state).values() if not is_open(rules)}
    return frozenset({*BUILT_IN_TYPES, PASSPORT_KIND["type"], *closed})


def checked(node: Node, credential: Any) -> dict[str, Any]:
    """The credential to sign, if it is a conforming VC 2.0 credential naming the
    automation issuer and none of the node's own types; ``invalid_credential`` otherwise."""
    try:
        check_credential(credential, issued=True)
    except CredentialError as error:
        raise Rejected.saying("invalid_credential", error) from None
    issuer = credential["issuer"]
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    automation = node.identity.automation_did
    if issuer_id != automation:
        raise Rejected(
            "invalid_credential",
            "issuer must be %(automation)s, this node's automation issuer (GET /credentials/kinds "
            "names it)",
            automation=automation,
        )
    types = credential["type"] if isinstance(credential["type"], list) else [credential["type"]]
    taken = sorted(set(map(str, types)) & reserved_types(node))
    if taken:
        raise Rejected(
            "reserved_type",
            "%(taken)s is the node's own credential: an open kind cannot issue it",
            taken=", ".join(taken),
        )
    if "proof" in credential:
        raise Rejected("invalid_credential", "a credential to issue carries no proof")
    return dict(credential)


def issue(node: Node, kind: str, credential: Any, cryptosuite: str = JCS) -> dict[str, Any]:
    """Log and sign a credential of open ``kind``; refused input logs and keeps nothing."""
    document = checked(node, credential)
    salt = new_salt()
    try:
        digest = commitment(document, salt)
    except (TypeError, ValueError) as error:
        raise Rejected(
            "invalid_credential", "the credential is not plain JSON: %(error)s", error=error
        ) from None
    receipt = community.kept_while_logged(
        node,
        digest,
        salt,
        document,
        lambda: node.submit_as_node(ISSUED_TYPE, {"kind": kind, "claims": digest}),
    )
    (row,) = [r for r in community.issued_rows(node) if r["issued_at_entry"] == receipt.index]
    built = community.credential(node, row, cryptosuite)
    if built is None:  # erased between logging and signing
        raise Rejected("not_found", "the credential's content was erased")
    return built


def credential(
    node: Node, row: dict[str, Any], document: dict[str, Any], cryptosuite: str = JCS
) -> dict[str, Any]:
    """The signed credential of an open kind's row (``document``: as it was issued)."""
    if row["revocable"] and "credentialStatus" not in document:
        document = {
            **document,
            "credentialStatus": status_entry(automation_status_list_url(node), row["index"]),
        }
    identity = node.identity
    return add_proof(
        document,
        identity.automation_key,
        verification_method=identity.automation_verification_method,
        created=row["issued"],
        cryptosuite=cryptosuite,
    )

"""Visitors as the node admits them, and revocation reaching here from their home node.

A visitor asks for a challenge, presents their home node's membership credential
in a presentation signed for that challenge and this node's DID, and the node
checks it: the holder's proof, the credential's issuer and proof, that a
recognition in force accepts that issuer's membership credentials, and the
issuer's Bitstring Status List, fetched from the issuer (and cached). Then the
node logs ``federation.visitor.admitted`` with the credential.

Each sync round refreshes the status lists of visitors' home nodes once they are
older than ``status_list_max_age_seconds``; a visitor whose credential was revoked
is logged ``federation.visitor.departed``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

import orjson

from commonweal.core.rfc3339 import parse_utc
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.status_list import is_revoked
from commonweal.core.vc.verify import (
    SELF_BINDING,
    issuer_id,
    verify_credential,
    verify_presentation,
)
from commonweal.domain.federation.standing import VISITING, VISITORS, recognition
from commonweal.domain.federation.visitors import ADMITTED, DEPARTED
from commonweal.node.kernel.due import Refusals, attempt
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.services import credential_problems
from commonweal.node.services.credentials import STATUS_LIST_PATH, resolve_key
from commonweal.node.services.federation.peer_client import PeerError
from commonweal.node.services.federation.service import Federation, log


def admit(federation: Federation, presentation: Any) -> Receipt:
    """Check a visitor's presentation and log their admission; refuse with a reason."""
    node = federation.node
    if not isinstance(presentation, dict):
        raise Rejected("invalid_request", "presentation must be a verifiable presentation")
    proof = presentation.get("proof")
    challenge = proof.get("challenge") if isinstance(proof, dict) else None
    if not isinstance(challenge, str) or not federation.take_challenge(challenge):
        raise Rejected("invalid_challenge", "ask GET /v1/federation/challenge for a challenge")
    credentials = presentation.get("verifiableCredential")
    if isinstance(credentials, dict):
        credentials = [credentials]
    memberships = [
        c
        for c in credentials or []
        if isinstance(c, dict) and "MembershipCredential" in (c.get("type") or [])
    ]
    if len(memberships) != 1:
        raise Rejected("invalid_credential", "present exactly one membership credential")
    credential = memberships[0]
    home = issuer_id(credential)
    with node.reading() as state:
        treaty = recognition(state, home)
    if treaty is None or "MembershipCredential" not in treaty["terms"]["credentials"]:
        raise Rejected("not_recognized", "this node does not accept %(home)s's members", home=home)
    lists = status_lists_for(federation, treaty, fresh=True)
    verdict = verify_presentation(
        presentation,
        challenge=challenge,
        domain=node.identity.did,
        trusted_issuers={home},
        status_credentials=lists,
        now=federation.now(),
        resolve_key=resolve_key(node),
        binding=SELF_BINDING,
    )
    if not verdict.verified:
        raise credential_problems.refusal("invalid_credential", verdict.problems)
    body = {"visitor": presentation["holder"], "home": home, "credential": credential}
    return node.submit_as_node(ADMITTED, body)


def status_lists_for(
    federation: Federation, peer: dict[str, Any], *, fresh: bool = False
) -> dict[str, Any]:
    """The peer's status list credentials by URL: cached, or fetched and verified anew."""
    max_age = federation.node.config.status_list_max_age_seconds
    cached = {
        url: (orjson.loads(credential), fetched)
        for url, issuer, credential, fetched in federation.store.status_lists()
        if issuer == peer["node"]
    }
    now = federation.now()
    stale = not cached or any(_age(now, fetched) > max_age for _c, fetched in cached.values())
    if fresh or stale:
        try:
            fetched_list = fetch_status_list(federation, peer)
            cached[str(fetched_list["id"])] = (fetched_list, federation.stamp())
        except (PeerError, CredentialError, KeyError) as error:
            log.info("status list of %s unavailable: %s", peer["node"], error)
    return {url: credential for url, (credential, _at) in cached.items()}


def fetch_status_list(federation: Federation, peer: dict[str, Any]) -> dict[str, Any]:
    """Fetch the peer's status list credential, check it is signed by the peer, cache it."""
    document = federation.client(peer["url"], signed=False).get_json(STATUS_LIST_PATH)
    checked = verify_credential(
        document,
        trusted_issuers={peer["node"]},
        status_credentials={},
        now=federation.now(),
        resolve_key=resolve_key(federation.node),
    )
    if not checked.verified:
        problems = "; ".join(p.detail for p in checked.problems)
        federation.refuse(peer["url"], "status_list", "invalid_status_list", problems)
        raise CredentialError("invalid_status_list", problems)
    federation.store.put_status_list(
        str(document["id"]), peer["node"], orjson.dumps(document).decode(), federation.stamp()
    )
    result: dict[str, Any] = document
    return result


def visits(node: Node) -> list[dict[str, Any]]:
    """Every visit this node has hosted, open or ended."""
    with node.reading() as state:
        return [dict(v) for _did, v in state.items(VISITORS)]


_refusals: WeakKeyDictionary[Federation, Refusals] = WeakKeyDictionary()
"""Departures the rules refused, per federation: skipped with backoff (node/kernel/due.py)."""


def revoke_departed(federation: Federation) -> list[Receipt]:
    """Log the departure of every visitor whose home node revoked their credential."""
    node = federation.node
    refusals = _refusals.setdefault(federation, Refusals())
    with node.reading() as state:
        visits = [dict(v) for _did, v in state.items(VISITORS) if v["status"] == VISITING]
        homes = {v["home"]: recognition(state, v["home"]) for v in visits}
    receipts = []
    lists_by_home = {
        home: status_lists_for(federation, peer) for home, peer in homes.items() if peer
    }
    for visit in visits:
        entry = visit.get("credential_status")
        lists = lists_by_home.get(visit["home"], {})
        if entry is None or entry["list"] not in lists:
            continue
        status = {
            "statusListCredential": entry["list"],
            "statusListIndex": entry["index"],
            "statusPurpose": entry["purpose"],
        }
        try:
            revoked = is_revoked(status, lists[entry["list"]])
        except CredentialError:
            continue
        key = (DEPARTED, visit["visitor"])
        if revoked and not refusals.waiting(key):
            body = {"visitor": visit["visitor"], "reason": f"credential revoked by {visit['home']}"}
            receipt = attempt(node, refusals, key, body)  # a refusal is logged once, retried later
            if receipt is not None:
                receipts.append(receipt)
    return receipts


def _age(now: datetime, fetched: str) -> float:
    return (now - parse_utc(fetched)).total_seconds()

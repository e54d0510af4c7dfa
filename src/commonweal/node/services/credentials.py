"""Credentials the node issues, rebuilt deterministically from the log.

Each credential the membership rules owe (``membership.credentials``) becomes a
W3C VC 2.0 signed with the node key (``eddsa-jcs-2022`` by default). Its content,
status index and ``validFrom`` come from the log, and Ed25519 is deterministic,
so the same log (and public URL) always yields byte-identical credentials: nothing
to store, and anyone holding the log can check the node issued exactly these.

Every URL in them starts with the node's public URL: the status list, the gathering
attended, and Commonweal's context, which each names with its digest
(``relatedResource``, VC Data Model 2.0 §5.3) so a verifier can pin it offline.
"""

from __future__ import annotations

import time
import uuid
import weakref
from datetime import datetime
from typing import Any

import orjson

from commonweal.core.vc.contexts import (
    ATTENDANCE_PATH,
    CREDENTIALS_V2,
    MEMBERSHIP_PATH,
    OWN_CONTEXTS,
    digest_sri,
    own_context_url,
)
from commonweal.core.vc.data_integrity import JCS, KeyResolver, add_proof
from commonweal.core.vc.did_web import did_document, resolver
from commonweal.core.vc.status_list import StatusList, status_entry, status_list_credential
from commonweal.core.vc.verify import (
    ALL_CHECKS,
    VC_API_BINDING,
    HolderBinding,
    VerificationResult,
    verify_credential,
    verify_presentation,
)
from commonweal.domain.credentials.kinds import is_open
from commonweal.domain.credentials.records import ISSUED, defined_kinds, kind_version
from commonweal.domain.federation.standing import credential_issuers
from commonweal.domain.gatherings.records import ATTENDANCE, GATHERINGS
from commonweal.domain.membership.records import CREDENTIALS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.public_url import public_url_of
from commonweal.node.kernel.queries import profile
from commonweal.node.kernel.service import Node
from commonweal.store.federation_store import FederationStore

STATUS_LIST_PATH = "/credentials/status/1"
AUTOMATION_STATUS_LIST_PATH = "/credentials/status/automation"
"""The automation issuer's own list: the open kinds' credentials (their issuer signs it)."""


def status_list_url(node: Node) -> str:
    """Where the node publishes its status list credential."""
    return public_url_of(node) + STATUS_LIST_PATH


_RESOLVERS: weakref.WeakKeyDictionary[Node, KeyResolver] = weakref.WeakKeyDictionary()


def resolve_key(node: Node) -> KeyResolver:
    """did:key methods, and this node's own did:web method (its identity never changes
    while it runs: made once)."""
    found = _RESOLVERS.get(node)
    if found is None:
        found = _RESOLVERS[node] = resolver([did_document_of(node)])
    return found


def did_document_of(node: Node) -> dict[str, Any]:
    """The node's DID document (served at /.well-known/did.json for a did:web node)."""
    identity = node.identity
    return did_document(
        identity.did,
        identity.verification_method,
        identity.key.public_key,
        identity.selective_key.public_key,
    )


def credential_type(kind: str) -> str:
    """The VC type of a row of ``membership.credentials``, by its kind."""
    if kind.startswith("role:"):
        return "RoleCredential"
    if kind.startswith("attendance:"):
        return "AttendanceCredential"
    return "MembershipCredential"


def credential(node: Node, owed: dict[str, Any], cryptosuite: str = JCS) -> dict[str, Any]:
    """The signed credential for one row of ``membership.credentials``."""
    kind = credential_type(owed["kind"])
    path, subject = _claims(node, owed, kind)
    context = context_url(node, path)
    name = f"{node.identity.did} credential {owed['index']}"
    document = {
        "@context": [CREDENTIALS_V2, context],
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}",
        "type": ["VerifiableCredential", kind],
        "issuer": node.identity.did,
        "validFrom": owed["issued"],
        "credentialSubject": subject,
        "credentialStatus": status_entry(status_list_url(node), owed["index"]),
        "relatedResource": [{"id": context, "digestSRI": digest_sri(OWN_CONTEXTS[path])}],
    }
    return signed_by_node(node, document, owed["issued"], cryptosuite)


def signed_by_node(
    node: Node, document: dict[str, Any], created: str, cryptosuite: str = JCS
) -> dict[str, Any]:
    """``document`` with the node's Data Integrity proof (``cryptosuite``), ``created`` at
    the time the log says it was issued: every credential the node signs."""
    return add_proof(
        document,
        node.identity.key,
        verification_method=node.identity.verification_method,
        created=created,
        cryptosuite=cryptosuite,
    )


def context_url(node: Node, path: str) -> str:
    """Where this node serves its own context ``path`` (``/contexts/membership/v1``)."""
    return own_context_url(public_url_of(node), path)


def _claims(node: Node, owed: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    """The context's path and the subject's claims for a credential of type ``kind``."""
    if kind == "AttendanceCredential":
        return ATTENDANCE_PATH, _attendance(node, owed)
    subject: dict[str, Any] = {"id": owed["subject"], "memberOf": node.identity.did}
    if kind == "RoleCredential":
        subject["role"] = owed["role"]
    return MEMBERSHIP_PATH, subject


def _attendance(node: Node, owed: dict[str, Any]) -> dict[str, Any]:
    """Who attended which gathering, when it was, and when they checked in (all from the log)."""
    gathering = node.state.get(GATHERINGS, owed["gathering"])
    checked_in = node.state.get(ATTENDANCE, f"{gathering['id']} {owed['subject']}")
    attended: dict[str, Any] = {
        "id": gathering_url(node, gathering["id"]),
        "type": "Assembly" if gathering["kind"] == "assembly" else "Gathering",
        "name": gathering["title"],
        "startDate": gathering["starts"],
        "endDate": gathering["ends"],
        "hostedBy": node.identity.did,
    }
    if gathering["place"]:
        attended["place"] = gathering["place"]
    return {"id": owed["subject"], "attended": attended, "checkedIn": checked_in["at"]}


def gathering_url(node: Node, gathering_id: int) -> str:
    """Where a gathering is described: the node's ``/v1/gatherings/<id>``."""
    return f"{public_url_of(node)}/v1/gatherings/{gathering_id}"


def credentials_of(node: Node, did: str) -> list[dict[str, Any]]:
    """Every credential the node issued to ``did`` (revoked ones too: their status says so)."""
    owed = [row for _key, row in node.state.items(CREDENTIALS) if row["subject"] == did]
    return [credential(node, row) for row in sorted(owed, key=lambda row: row["index"])]


def owed(node: Node, subject: object, kinds: set[str], attended: object = None) -> dict[str, Any]:
    """The unrevoked credential of exactly these types the log owes ``subject``.

    For attendance, ``attended`` (the gathering's URL) picks the gathering when the
    subject attended several.
    """
    for _key, row in sorted(node.state.items(CREDENTIALS), key=lambda item: item[1]["index"]):
        kind = credential_type(row["kind"])
        if row["subject"] != subject or kinds != {kind} or row["revoked"] is not None:
            continue
        if attended is None or attended == gathering_url(node, row.get("gathering", -1)):
            return dict(row)
    raise Rejected(
        "not_owed",
        "this node issues the membership, role and attendance credentials its log owes; "
        "none of that type is owed to this subject",
    )


_SIGNED_LISTS: weakref.WeakKeyDictionary[Node, tuple[tuple[int, str, bool], dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)
_FETCHED_LISTS: weakref.WeakKeyDictionary[Node, tuple[float, int, dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)
FETCHED_LISTS_SECONDS = 1.0
"""How long the recognised nodes' status lists are read from the store once, not per check:
a list this process stores is seen at once; one another process stores (a scheduler of
its own), within this time (they are refreshed every ``status_list_max_age_seconds``)."""


def status_list(node: Node, *, automation: bool = False) -> dict[str, Any]:
    """The signed status list credential: a set bit is a revoked credential (membership's
    and the community-issued kinds' share the list). Only an event changes it, so it is
    signed once per log size. With ``automation``, the automation issuer's list instead:
    the open kinds' credentials, signed by that issuer."""
    version = (node.size, public_url_of(node), automation)
    cache = _AUTOMATION_LISTS if automation else _SIGNED_LISTS
    signed = cache.get(node)
    if signed is not None and signed[0] == version:
        return signed[1]
    credential = _signed_status_list(node, automation)
    cache[node] = (version, credential)
    return credential


_AUTOMATION_LISTS: weakref.WeakKeyDictionary[Node, tuple[tuple[int, str, bool], dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)


def automation_status_list_url(node: Node) -> str:
    """Where the node publishes its automation issuer's status list credential."""
    return public_url_of(node) + AUTOMATION_STATUS_LIST_PATH


def _signed_status_list(node: Node, automation: bool) -> dict[str, Any]:
    bits = StatusList()
    changed = profile(node).get("created", "")
    for table in (CREDENTIALS, ISSUED):  # owed by membership; issued by the community
        for _key, row in node.state.items(table):
            if row["revoked"] is not None and _open_row(node, row) == automation:
                bits.set(row["index"])
                changed = max(changed, row["revoked"]["at"])
    identity = node.identity
    url = automation_status_list_url(node) if automation else status_list_url(node)
    issuer = identity.automation_did if automation else identity.did
    unsigned = status_list_credential(url, issuer, bits, valid_from=changed)
    if not automation:
        return signed_by_node(node, unsigned, changed)
    return add_proof(
        unsigned,
        identity.automation_key,
        verification_method=identity.automation_verification_method,
        created=changed,
    )


def _open_row(node: Node, row: dict[str, Any]) -> bool:
    """Whether a row is a credential of an open kind (membership's rows have no kind)."""
    if "kind" not in row or "version" not in row:
        return False
    rules = kind_version(node.state, row["kind"], row["version"])
    return rules is not None and is_open(rules)


def trusted_issuers(node: Node) -> set[str]:
    """The issuers this node accepts: itself, the nodes its log recognises for their
    credentials (federation), any the configuration adds, and its automation issuer
    while the constitution defines an open kind (it signs nothing else)."""
    with node.reading() as state:
        recognised = credential_issuers(state)
        automation = any(is_open(rules) for rules in defined_kinds(state).values())
    own = {node.identity.did, node.identity.automation_did} if automation else {node.identity.did}
    return {*own, *recognised, *node.config.trusted_issuers}


def known_status_lists(node: Node) -> dict[str, Any]:
    """Status lists by URL: this node's own, and the recognised nodes' it fetched and checked."""
    store = FederationStore(node.store.engine)
    writes = store.status_list_writes()
    fetched = _FETCHED_LISTS.get(node)
    if (
        fetched is None
        or fetched[1] != writes
        or time.monotonic() - fetched[0] > FETCHED_LISTS_SECONDS
    ):
        cached = {
            url: orjson.loads(credential) for url, _issuer, credential, _at in store.status_lists()
        }
        fetched = (time.monotonic(), writes, cached)
        _FETCHED_LISTS[node] = fetched
    own = {status_list_url(node): status_list(node)}
    if any(is_open(rules) for rules in defined_kinds(node.state).values()):
        own[automation_status_list_url(node)] = status_list(node, automation=True)
    return {**fetched[2], **own}


def verify(
    node: Node,
    vc: Any,
    now: datetime,
    extra_status: dict[str, Any] | None = None,
    checks: frozenset[str] = ALL_CHECKS,
) -> VerificationResult:
    """Verify a credential with this node's trust list and status lists (``checks``:
    which checks, all by default)."""
    statuses = {**known_status_lists(node), **(extra_status or {})}
    return verify_credential(
        vc,
        trusted_issuers=trusted_issuers(node),
        status_credentials=statuses,
        now=now,
        resolve_key=resolve_key(node),
        checks=checks,
    )


def verify_vp(
    node: Node,
    vp: Any,
    *,
    challenge: str,
    domain: str,
    now: datetime,
    extra_status: dict[str, Any] | None = None,
    binding: HolderBinding = VC_API_BINDING,
    checks: frozenset[str] = ALL_CHECKS,
) -> VerificationResult:
    """Verify a presentation with this node's trust list and status lists, binding it to
    its holder as ``binding`` asks (``checks``: which checks its credentials get)."""
    statuses = {**known_status_lists(node), **(extra_status or {})}
    return verify_presentation(
        vp,
        challenge=challenge,
        domain=domain,
        trusted_issuers=trusted_issuers(node),
        status_credentials=statuses,
        now=now,
        resolve_key=resolve_key(node),
        binding=binding,
        checks=checks,
    )

"""``ecdsa-sd-2023`` selective disclosure (VC Data Integrity ECDSA Cryptosuites v1.0 §3.4-3.5).

The issuer signs a **base proof**: the mandatory N-Quads (hashed together) and each
other N-Quad on its own, with a proof-scoped P-256 key that the issuer's key binds.
Blank nodes are relabelled by an HMAC whose key goes to the holder only. The holder
**derives** a proof that reveals the mandatory statements plus the ones it picks
(JSON Pointers), carrying only their signatures and the label map a verifier needs.
A **verifier** checks the derived proof; a base proof is for the holder only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import astuple, dataclass
from typing import Any

import cbor2

from commonweal.core.vc import p256
from commonweal.core.vc.contexts import DocumentLoader
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.multibase64 import b64url, decode_u, encode_u
from commonweal.core.vc.sd_primitives import (
    canonical_ids,
    canonicalize_and_group,
    hmac_label_map_factory,
    label_map_factory,
    label_replacement_canonicalize,
    select_json_ld,
    to_nquads,
)

SUITE = "ecdsa-sd-2023"
PROOF_TYPE = "DataIntegrityProof"
BASE_HEADER = b"\xd9\x5d\x00"
DERIVED_HEADER = b"\xd9\x5d\x01"
PUBLIC_KEY_BYTES = len(p256.PUBLIC_PREFIX) + p256.COMPRESSED_LENGTH

HOLDER_ONLY = "a verifier is shown a derived proof, never the base proof)"
P256Resolver = Callable[[str], bytes]
"""A verification method to its 33-byte compressed P-256 public key."""


@dataclass(frozen=True)
class BaseProofValue:
    """What a base proof carries (§3.5.2)."""

    base_signature: bytes
    public_key: bytes
    """The proof-scoped key as Multikey bytes (0x80 0x24 ‖ compressed point)."""
    hmac_key: bytes
    signatures: list[bytes]
    mandatory_pointers: list[str]


@dataclass(frozen=True)
class DerivedProofValue:
    """What a derived proof carries (§3.5.7)."""

    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: dict[str, str]
    """``c14nN`` → ``u<base64url HMAC>``."""
    mandatory_indexes: list[int]


def proof_hash(
    document: dict[str, Any], proof: dict[str, Any], loader: DocumentLoader | None
) -> bytes:
    """SHA-256 of the canonical proof configuration: the proof without ``proofValue``,
    with the document's ``@context`` (§3.6.4)."""
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != SUITE:
        raise CredentialError(
            "PROOF_GENERATION_ERROR", "the proof is not a %(suite)s DataIntegrityProof", suite=SUITE
        )
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    nquads, _ids = canonical_ids(to_nquads(config, loader))
    return hashlib.sha256("".join(nquads).encode()).digest()


def add_base_proof(
    document: dict[str, Any],
    key: p256.P256Key,
    *,
    verification_method: str,
    created: str,
    mandatory_pointers: list[str],
    hmac_key: bytes,
    proof_key: p256.P256Key,
    loader: DocumentLoader | None = None,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """``document`` with an ``ecdsa-sd-2023`` base proof by ``key`` (§3.6.1).

    ``hmac_key`` (32 bytes) and ``proof_key`` (the proof-scoped key) must be fresh for
    every credential; the caller chooses them so a node can rebuild its credentials
    byte for byte (it derives both from its own secret and the credential's id).
    """
    if len(hmac_key) != 32:
        raise CredentialError("PROOF_GENERATION_ERROR", "the HMAC key is 32 bytes")
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": SUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    groups, _nquads, _labels = canonicalize_and_group(
        unsecured, hmac_label_map_factory(hmac_key), {"mandatory": mandatory_pointers}, loader
    )
    mandatory = list(groups["mandatory"]["matching"].values())
    non_mandatory = list(groups["mandatory"]["nonMatching"].values())
    public_key = p256.PUBLIC_PREFIX + proof_key.public_key
    to_sign = (
        proof_hash(unsecured, proof, loader)
        + public_key
        + hashlib.sha256("".join(mandatory).encode()).digest()
    )
    value = BaseProofValue(
        base_signature=key.sign(to_sign),
        public_key=public_key,
        hmac_key=hmac_key,
        signatures=[proof_key.sign(nq.encode()) for nq in non_mandatory],
        mandatory_pointers=list(mandatory_pointers),
    )
    return {**unsecured, "proof": {**proof, "proofValue": serialize_base(value)}}


def serialize_base(value: BaseProofValue) -> str:
    """``u`` + base64url(0xd95d00 ‖ CBOR[5 components]) (§3.5.2): the components in the
    order :class:`BaseProofValue` declares them, which is the specification's."""
    return encode_u(BASE_HEADER + cbor2.dumps(list(astuple(value))))


def parse_base(proof_value: Any) -> BaseProofValue:
    """The components of a base proof value (§3.5.3); PROOF_VERIFICATION_ERROR if malformed."""
    components = _components(proof_value, BASE_HEADER, "base")
    base_signature, public_key, hmac_key, signatures, pointers = components
    if not (
        _signatures_well_formed(base_signature, public_key, signatures)
        and _is_bytes(hmac_key, 32)
        and isinstance(pointers, list)
        and all(isinstance(p, str) for p in pointers)
    ):
        raise CredentialError("PROOF_VERIFICATION_ERROR", "the base proof value is malformed")
    return BaseProofValue(base_signature, public_key, hmac_key, signatures, pointers)


def serialize_derived(value: DerivedProofValue) -> str:
    """``u`` + base64url(0xd95d01 ‖ CBOR[5 components]), the label map compressed (§3.5.6)."""
    compressed = {
        int(label.removeprefix("c14n")): decode_u(hmac_label)
        for label, hmac_label in sorted(
            value.label_map.items(), key=lambda item: int(item[0].removeprefix("c14n"))
        )
    }
    components = [
        value.base_signature,
        value.public_key,
        value.signatures,
        compressed,
        value.mandatory_indexes,
    ]
    return encode_u(DERIVED_HEADER + cbor2.dumps(components))


def parse_derived(proof_value: Any) -> DerivedProofValue:
    """The components of a derived proof value (§3.5.7); PROOF_VERIFICATION_ERROR if malformed."""
    components = _components(proof_value, DERIVED_HEADER, "derived")
    base_signature, public_key, signatures, compressed, indexes = components
    if not (
        _signatures_well_formed(base_signature, public_key, signatures)
        and public_key.startswith(p256.PUBLIC_PREFIX)
        and isinstance(compressed, dict)
        and all(_is_index(k) and _is_bytes(v, 32) for k, v in compressed.items())
        and isinstance(indexes, list)
        and all(_is_index(i) for i in indexes)
    ):
        raise CredentialError("PROOF_VERIFICATION_ERROR", "the derived proof value is malformed")
    label_map = {f"c14n{k}": "u" + b64url(v) for k, v in compressed.items()}
    return DerivedProofValue(base_signature, public_key, signatures, label_map, indexes)


def _components(proof_value: Any, header: bytes, what: str) -> list[Any]:
    try:
        raw = decode_u(proof_value)
    except ValueError:
        raise CredentialError(
            "PROOF_VERIFICATION_ERROR", "proofValue is not multibase base64url-no-pad"
        ) from None
    if not raw.startswith(header):
        if what == "derived":
            raise CredentialError(
                "PROOF_VERIFICATION_ERROR",
                "proofValue is not an %(suite)s derived proof (it may be a base proof: "
                "a verifier is shown a derived proof, never the base proof)",
                suite=SUITE,
            )
        raise CredentialError(
            "PROOF_VERIFICATION_ERROR",
            "proofValue is not an %(suite)s base proof (it may be a derived proof: "
            "derive from the base proof)",
            suite=SUITE,
        )
    try:
        components = cbor2.loads(raw[len(header) :])
    except (cbor2.CBORDecodeError, ValueError, TypeError, RecursionError):
        raise CredentialError("PROOF_VERIFICATION_ERROR", "proofValue is not valid CBOR") from None
    if not isinstance(components, list) or len(components) != 5:
        raise CredentialError("PROOF_VERIFICATION_ERROR", "proofValue is not five components")
    return components


def _signatures_well_formed(base_signature: Any, public_key: Any, signatures: Any) -> bool:
    """What base and derived proof values both carry, of the right types and lengths: the
    base signature, the proof-scoped public key and the per-statement signatures."""
    return (
        _is_bytes(base_signature, 64)
        and _is_bytes(public_key, PUBLIC_KEY_BYTES)
        and isinstance(signatures, list)
        and all(_is_bytes(s, 64) for s in signatures)
    )


def _is_bytes(value: Any, length: int) -> bool:
    return isinstance(value, bytes) and len(value) == length


def _is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass(frozen=True)
class DisclosureData:
    """What a derived proof is made of (§3.5.4)."""

    value: DerivedProofValue
    reveal_document: dict[str, Any]


def create_disclosure_data(
    document: dict[str, Any],
    selective_pointers: list[str],
    loader: DocumentLoader | None = None,
) -> DisclosureData:
    """The reveal document and derived proof parts for ``selective_pointers`` (§3.5.4)."""
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != SUITE:
        raise CredentialError(
            "PROOF_GENERATION_ERROR", "the credential has no %(suite)s base proof", suite=SUITE
        )
    base = parse_base(proof.get("proofValue"))
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    combined = base.mandatory_pointers + list(selective_pointers)
    definitions = {
        "mandatory": base.mandatory_pointers,
        "selective": list(selective_pointers),
        "combined": combined,
    }
    groups, _nquads, label_map = canonicalize_and_group(
        unsecured, hmac_label_map_factory(base.hmac_key), definitions, loader
    )
    mandatory = groups["mandatory"]["matching"]
    mandatory_indexes = [
        relative
        for relative, absolute in enumerate(groups["combined"]["matching"])
        if absolute in mandatory
    ]
    filtered, index = [], 0
    for signature in base.signatures:
        while index in mandatory:
            index += 1
        if index in groups["selective"]["matching"]:
            filtered.append(signature)
        index += 1
    reveal = select_json_ld(combined, unsecured)
    if reveal is None:
        raise CredentialError("PROOF_GENERATION_ERROR", "nothing is selected to disclose")
    _canonical, verifier_ids = canonical_ids(groups["combined"]["deskolemized"])
    verifier_labels = {new: label_map[old] for old, new in verifier_ids.items()}
    value = DerivedProofValue(
        base.base_signature, base.public_key, filtered, verifier_labels, mandatory_indexes
    )
    return DisclosureData(value, reveal)


def derive(
    document: dict[str, Any],
    selective_pointers: list[str],
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """The holder's derived credential: the selected claims and a derived proof (§3.6.6)."""
    data = create_disclosure_data(document, selective_pointers, loader)
    proof = {**document["proof"], "proofValue": serialize_derived(data.value)}
    return {**data.reveal_document, "proof": proof}


def verify_derived(
    document: dict[str, Any],
    resolve_key: P256Resolver,
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """Check a derived proof (§3.6.7); return the proof. ``CredentialError`` names what failed."""
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != SUITE:
        raise CredentialError(
            "proof_missing", "the document carries no %(suite)s proof", suite=SUITE
        )
    if not isinstance(proof.get("verificationMethod"), str):
        raise CredentialError("invalid_proof", "the proof names no verificationMethod")
    value = parse_derived(proof.get("proofValue"))
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    nquads, _labels = label_replacement_canonicalize(
        to_nquads(unsecured, loader), label_map_factory(value.label_map)
    )
    mandatory = [nq for i, nq in enumerate(nquads) if i in set(value.mandatory_indexes)]
    non_mandatory = [nq for i, nq in enumerate(nquads) if i not in set(value.mandatory_indexes)]
    if len(value.signatures) != len(non_mandatory):
        raise CredentialError(
            "PROOF_VERIFICATION_ERROR",
            "claims were added or removed: the proof signs %(signed)s "
            "non-mandatory statements, the credential shows %(shown)s",
            signed=len(value.signatures),
            shown=len(non_mandatory),
        )
    issuer_key = resolve_key(proof["verificationMethod"])
    if len(issuer_key) != p256.COMPRESSED_LENGTH:
        raise CredentialError(
            "unresolvable_key", "the proof's verification method is not a P-256 key"
        )
    to_verify = (
        proof_hash(unsecured, proof, loader)
        + value.public_key
        + hashlib.sha256("".join(mandatory).encode()).digest()
    )
    if not p256.verify(issuer_key, to_verify, value.base_signature):
        raise CredentialError(
            "invalid_signature",
            "the base signature does not verify: "
            "the mandatory claims or the proof options were altered",
        )
    proof_key = value.public_key[len(p256.PUBLIC_PREFIX) :]
    for statement, signature in zip(non_mandatory, value.signatures, strict=True):
        if not p256.verify(proof_key, statement.encode(), signature):
            raise CredentialError(
                "invalid_signature",
                "a disclosed claim was altered: its signature does not verify (%(claim)s)",
                claim=statement.strip(),
            )
    return proof

"""The node's identity: its key, DID, log origin and checkpoint signer."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

from commonweal.core.cosignature import Cosigner
from commonweal.core.did import did_key_fingerprint, did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.core.note import NoteSigner
from commonweal.core.vc.p256 import P256Key


@dataclass(frozen=True)
class NodeIdentity:
    """A node's signing key and the names derived from it."""

    key: SigningKey
    did: str
    origin: str
    key_did: str

    @classmethod
    def from_key(
        cls, key: SigningKey, origin: str | None = None, domain: str | None = None
    ) -> NodeIdentity:
        """The identity for ``key``: did:web when the node has a domain, else its did:key.

        The origin defaults to ``commonweal/<did:key fingerprint>``.
        """
        key_did = did_key_from_public_key(key.public_key)
        did = did_web(domain) if domain else key_did
        return cls(key=key, did=did, origin=origin or default_origin(key_did), key_did=key_did)

    @property
    def verification_method(self) -> str:
        """The node key as a verification method of the node's DID."""
        return f"{self.did}#{did_key_fingerprint(self.key_did)}"

    @property
    def signer(self) -> NoteSigner:
        """Signs checkpoints as C2SP signed notes under the origin's name."""
        return NoteSigner(self.origin, self.key)

    @property
    def vkey(self) -> str:
        """The C2SP verifier key anyone uses to check the node's checkpoints."""
        return self.signer.vkey

    @cached_property
    def witness(self) -> Cosigner:
        """The node's witness key (cosignature/v1), named ``<origin>/witness``.

        It is derived from the node key (SHA-256 of a label and the seed), so a
        restored node keeps it, and it is never the key that signs the node's own
        checkpoints: a cosignature and a log signature can never be confused.
        """
        seed = hashlib.sha256(WITNESS_KEY_LABEL + self.key.seed).digest()
        return Cosigner(f"{self.origin}/witness", SigningKey(seed))

    @cached_property
    def selective_key(self) -> P256Key:
        """The node's P-256 key, for ``ecdsa-sd-2023`` selective-disclosure credentials.

        Like the witness key it is derived from the node key (SHA-256 of a label and
        the seed), so it is kept beside the Ed25519 key in the same key file and a
        restored node keeps it; its public key is a verification method of the node's
        DID document and of its OpenID credential issuer metadata.
        """
        return P256Key.derived(SELECTIVE_KEY_LABEL, self.key.seed)

    @property
    def selective_verification_method(self) -> str:
        """The P-256 key as a verification method of the node's DID."""
        return f"{self.did}#{self.selective_key.multikey}"

    @cached_property
    def automation_key(self) -> SigningKey:
        """The key of the node's *automation issuer*, which signs only credentials of the
        constitution's open kinds (docs/conformance.md): derived from the node key like
        the witness key, never the key that speaks for the community."""
        return SigningKey(hashlib.sha256(AUTOMATION_KEY_LABEL + self.key.seed).digest())

    @cached_property
    def automation_did(self) -> str:
        """The automation issuer's DID: the did:key of :attr:`automation_key`."""
        return did_key_from_public_key(self.automation_key.public_key)

    @property
    def automation_verification_method(self) -> str:
        """The automation key as a verification method of its did:key."""
        return f"{self.automation_did}#{did_key_fingerprint(self.automation_did)}"


AUTOMATION_KEY_LABEL = b"commonweal automation issuer key v1\x00"
WITNESS_KEY_LABEL = b"commonweal witness key v1\x00"
SELECTIVE_KEY_LABEL = b"commonweal ecdsa-sd-2023 key v1\x00"


def did_web(domain: str) -> str:
    """``did:web:<domain>`` (a port's colon is percent-encoded, as the method requires)."""
    if not domain or "/" in domain or " " in domain:
        raise ValueError("a did:web domain is a host name, like commons.example.org")
    return "did:web:" + domain.replace(":", "%3A")


def default_origin(did: str) -> str:
    """A log origin unique to the node key: a schema-less, space- and plus-free name."""
    return f"commonweal/{did_key_fingerprint(did)}"

"""The node's identity: its key, DID, log origin and checkpoint signer."""

from __future__ import annotations

from dataclasses import dataclass

from commonweal.core.did import did_key_fingerprint, did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.core.note import NoteSigner


@dataclass(frozen=True)
class NodeIdentity:
    """A node's signing key and the names derived from it."""

    key: SigningKey
    did: str
    origin: str

    @classmethod
    def from_key(cls, key: SigningKey, origin: str | None = None) -> NodeIdentity:
        """The identity for ``key``; the origin defaults to ``commonweal/<did:key fingerprint>``."""
        did = did_key_from_public_key(key.public_key)
        return cls(key=key, did=did, origin=origin or default_origin(did))

    @property
    def signer(self) -> NoteSigner:
        """Signs checkpoints as C2SP signed notes under the origin's name."""
        return NoteSigner(self.origin, self.key)

    @property
    def vkey(self) -> str:
        """The C2SP verifier key anyone uses to check the node's checkpoints."""
        return self.signer.vkey


def default_origin(did: str) -> str:
    """A log origin unique to the node key: a schema-less, space- and plus-free name."""
    return f"commonweal/{did_key_fingerprint(did)}"

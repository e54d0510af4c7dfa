"""W3C Bitstring Status List v1.0: one bit per credential, gzip'd and base64url'd.

Bit 0 is the most significant bit of the first byte. A list has at least 131,072
entries (16 KiB), so a credential's position says little about who holds it.
"""

from __future__ import annotations

import base64
import gzip
import zlib
from typing import Any

from commonweal.core.vc.errors import CredentialError

MIN_LENGTH = 131_072
MAX_LENGTH = 8 * 1024 * 1024 * 8
PURPOSE = "revocation"


class StatusList:
    """A bitstring of revocation flags."""

    def __init__(self, length: int = MIN_LENGTH) -> None:
        if length < MIN_LENGTH or length % 8:
            raise ValueError(f"a status list has a multiple of 8 and at least {MIN_LENGTH} entries")
        self.bits = bytearray(length // 8)

    @property
    def length(self) -> int:
        """How many entries the list has."""
        return len(self.bits) * 8

    def set(self, index: int, revoked: bool = True) -> None:
        """Flip entry ``index`` on or off."""
        byte, mask = self._locate(index)
        if revoked:
            self.bits[byte] |= mask
        else:
            self.bits[byte] &= ~mask & 0xFF

    def get(self, index: int) -> bool:
        """Whether entry ``index`` is set."""
        byte, mask = self._locate(index)
        return bool(self.bits[byte] & mask)

    def _locate(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.length:
            raise IndexError(f"status index {index} is outside a list of {self.length}")
        return index // 8, 0x80 >> (index % 8)

    def encode(self) -> str:
        """``u`` + base64url (no padding) of the gzip'd bits."""
        packed = gzip.compress(bytes(self.bits), mtime=0)
        return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()

    @classmethod
    def decode(cls, encoded: str) -> StatusList:
        """Read an ``encodedList``, refusing anything over 8 MiB uncompressed."""
        if not encoded.startswith("u"):
            raise CredentialError(
                "invalid_status_list", "encodedList must be multibase base64url ('u')"
            )
        try:
            packed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            bits = inflater.decompress(packed, MAX_LENGTH // 8 + 1)
        except (ValueError, zlib.error):
            raise CredentialError(
                "invalid_status_list", "encodedList is not gzip'd base64url"
            ) from None
        if len(bits) > MAX_LENGTH // 8 or len(bits) * 8 < MIN_LENGTH:
            raise CredentialError("invalid_status_list", "the status list has an invalid length")
        status = cls(len(bits) * 8)
        status.bits[:] = bits
        return status


def status_entry(list_url: str, index: int) -> dict[str, Any]:
    """The ``credentialStatus`` a credential carries."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    list_url: str, issuer: str, status: StatusList, *, valid_from: str
) -> dict[str, Any]:
    """The (unsigned) ``BitstringStatusListCredential`` publishing ``status``."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": status.encode(),
        },
    }


def is_revoked(
    entry: dict[str, Any], status_credential: dict[str, Any], decoded: StatusList | None = None
) -> bool:
    """Whether ``entry``'s bit is set in ``status_credential`` (its proof is checked
    elsewhere); ``decoded``: its bits, if already decoded."""
    subject = status_credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("statusPurpose") != entry.get("statusPurpose"):
        raise CredentialError("invalid_status_list", "the status list does not serve this purpose")
    index = entry.get("statusListIndex")
    if not isinstance(index, str) or not index.isdigit():
        raise CredentialError("invalid_status_entry", "statusListIndex must be a decimal string")
    status = decoded or decoded_list(status_credential)
    try:
        return status.get(int(index))
    except IndexError:
        raise CredentialError(
            "invalid_status_entry", "statusListIndex is outside the list"
        ) from None


def decoded_list(status_credential: dict[str, Any]) -> StatusList:
    """The bits a status list credential publishes."""
    subject = status_credential.get("credentialSubject")
    encoded = subject.get("encodedList", "") if isinstance(subject, dict) else ""
    return StatusList.decode(str(encoded))

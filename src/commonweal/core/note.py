"""C2SP signed-note: a text, a blank line, and signature lines ``— <name> <base64>``.

Ed25519 signers use key type 0x01; their key ID is the first four bytes of
SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key). Verifier keys read
``<name>+<hex key ID>+<base64(type ‖ public key)>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from commonweal.core.keys import SigningKey, verify_signature

ED25519 = 0x01
SIGNATURE_PREFIX = "\u2014 "
MAX_SIGNATURES = 100
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f]")
"""Control characters other than the newline (a carriage return among them)."""


class NoteError(ValueError):
    """A malformed note, or one without a valid signature from an expected key."""


def key_id(name: str, public_key: bytes, key_type: int = ED25519) -> bytes:
    """The 4-byte key ID of a (name, key type, public key)."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([key_type]) + public_key).digest()[:4]


def check_key_name(name: str) -> None:
    """Key names are non-empty and hold no whitespace or plus sign."""
    if not name or any(c.isspace() or c == "+" for c in name):
        raise NoteError(f"invalid key name {name!r}: it must be non-empty, without spaces or '+'")


@dataclass(frozen=True)
class NamedKey:
    """A named Ed25519 key of one signature type: its key ID and published verifier key."""

    name: str
    key: SigningKey
    key_type = ED25519

    def __post_init__(self) -> None:
        check_key_name(self.name)

    @property
    def key_id(self) -> bytes:
        """This key's 4-byte key ID."""
        return key_id(self.name, self.key.public_key, self.key_type)

    @property
    def vkey(self) -> str:
        """The verifier key to publish: ``name+hex key ID+base64(type ‖ public key)``."""
        blob = base64.b64encode(bytes([self.key_type]) + self.key.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{blob}"


@dataclass(frozen=True)
class NoteSigner(NamedKey):
    """Signs notes as ``name`` with an Ed25519 key (signature type 0x01)."""

    @property
    def skey(self) -> str:
        """The Go sumdb private key string (keep secret)."""
        blob = base64.b64encode(bytes([ED25519]) + self.key.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{blob}"

    @classmethod
    def from_skey(cls, skey: str) -> NoteSigner:
        """A signer from a ``PRIVATE+KEY+name+hexid+base64`` string."""
        parts = skey.split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a private key reads PRIVATE+KEY+<name>+<key ID>+<key>")
        blob = _b64(parts[4], "private key")
        if len(blob) != 33 or blob[0] != ED25519:
            raise NoteError("only Ed25519 private keys are supported")
        signer = cls(parts[2], SigningKey(blob[1:]))
        if signer.key_id.hex() != parts[3]:
            raise NoteError("the private key's ID does not match its name and key")
        return signer

    def signature_line(self, text: str) -> str:
        """The line ``— name base64(key ID ‖ signature)`` for ``text``."""
        signature = self.key.sign(text.encode())
        return (
            f"{SIGNATURE_PREFIX}{self.name} {base64.b64encode(self.key_id + signature).decode()}\n"
        )

    def sign(self, text: str) -> str:
        """The signed note: ``text``, a blank line, and this signer's line."""
        check_text(text)
        return text + "\n" + self.signature_line(text)


@dataclass(frozen=True)
class NoteVerifier:
    """Checks signatures of one named Ed25519 key, from its verifier key string."""

    vkey: str

    def __post_init__(self) -> None:
        parts = self.vkey.split("+", 2)
        if len(parts) != 3:
            raise NoteError("a verifier key reads <name>+<key ID>+<key>")
        name, hex_id, encoded = parts
        check_key_name(name)
        blob = _b64(encoded, "verifier key")
        if len(blob) != 33 or blob[0] != ED25519:
            raise NoteError("only Ed25519 verifier keys (type 0x01) are supported here")
        if key_id(name, blob[1:]).hex() != hex_id:
            raise NoteError("the verifier key's ID does not match its name and key")
        object.__setattr__(self, "_parsed", (name, bytes.fromhex(hex_id), blob[1:]))

    @property
    def name(self) -> str:
        """The key's name."""
        return self._parts()[0]

    @property
    def key_id(self) -> bytes:
        """The key's 4-byte ID."""
        return self._parts()[1]

    @property
    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key."""
        return self._parts()[2]

    def _parts(self) -> tuple[str, bytes, bytes]:
        parts: tuple[str, bytes, bytes] = self.__dict__["_parsed"]
        return parts

    def verify(self, text: str, signature: bytes) -> bool:
        """Whether ``signature`` is this key's signature of ``text``."""
        return verify_signature(self.public_key, text.encode(), signature)


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a note."""

    name: str
    key_id: bytes
    signature: bytes
    verified: bool


@dataclass(frozen=True)
class OpenedNote:
    """A note's text and its signatures, the verified ones marked."""

    text: str
    signatures: tuple[NoteSignature, ...]


def check_text(text: str) -> None:
    """A note's text is non-empty, ends in a newline, and holds no blank final block."""
    if not text.endswith("\n"):
        raise NoteError("a note's text must end with a newline")
    if _CONTROL.search(text):
        raise NoteError("a note's text must not contain control characters")


def split_note(note: str) -> tuple[str, list[str]]:
    """The text and the signature lines of a note."""
    if len(note.encode()) > 1_000_000:
        raise NoteError("the note is too large")
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise NoteError("a note is text, a blank line, then signature lines")
    text, block = note[: cut + 1], note[cut + 2 :]
    lines = block[:-1].split("\n") if block else []
    if not lines:
        raise NoteError("the note has no signatures")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a note may carry at most {MAX_SIGNATURES} signatures")
    check_text(text)
    return text, lines


def parse_signature_line(line: str) -> tuple[str, bytes, bytes]:
    """(name, key ID, signature) of a line ``— name base64``."""
    if not line.startswith(SIGNATURE_PREFIX):
        raise NoteError("a signature line starts with an em dash and a space")
    parts = line[len(SIGNATURE_PREFIX) :].split(" ")
    if len(parts) != 2:
        raise NoteError("a signature line is '— <name> <base64 signature>'")
    name, encoded = parts
    check_key_name(name)
    blob = _b64(encoded, "signature")
    if len(blob) < 5:
        raise NoteError("a signature must hold a 4-byte key ID and a signature")
    return name, blob[:4], blob[4:]


def open_note(note: str, verifiers: Iterable[NoteVerifier]) -> OpenedNote:
    """Parse ``note`` and check its signatures; at least one known key must have signed it."""
    text, lines = split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    signatures = []
    seen: set[tuple[str, bytes]] = set()
    for line in lines:
        name, kid, signature = parse_signature_line(line)
        verifier = known.get((name, kid))
        verified = verifier is not None and verifier.verify(text, signature)
        if verifier is not None and not verified:
            raise NoteError(f"the signature by {name} does not verify")
        if verified and (name, kid) in seen:
            raise NoteError(f"{name} signed the note twice")
        seen.add((name, kid))
        signatures.append(NoteSignature(name, kid, signature, verified))
    if not any(s.verified for s in signatures):
        raise NoteError("no signature on the note is by a known key")
    return OpenedNote(text, tuple(signatures))


def add_signatures(note: str, lines: Iterable[str]) -> str:
    """``note`` with more signature lines (e.g. cosignatures) appended."""
    split_note(note)
    return note + "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"the {what} is not valid base64") from None

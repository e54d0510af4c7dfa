"""C2SP tlog-cosignature ``cosignature/v1``: a witness's timestamped Ed25519 cosignature.

The witness signs ``cosignature/v1\\ntime <seconds>\\n`` followed by the checkpoint
body. Its key type is 0x04; the signature blob is key ID ‖ uint64 big-endian
timestamp ‖ Ed25519 signature.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from commonweal.core.checkpoint import Checkpoint
from commonweal.core.keys import verify_signature
from commonweal.core.note import (
    SIGNATURE_PREFIX,
    NamedKey,
    NoteError,
    check_key_name,
    key_id,
    parse_signature_line,
    split_note,
)

COSIGNATURE_V1 = 0x04


def cosigned_message(checkpoint: Checkpoint, timestamp: int) -> bytes:
    """The bytes a witness signs."""
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint.body()}".encode()


@dataclass(frozen=True)
class Cosigner(NamedKey):
    """A witness key that cosigns checkpoints (signature type 0x04)."""

    key_type = COSIGNATURE_V1

    def cosign(self, checkpoint: Checkpoint, timestamp: int) -> str:
        """The cosignature line to add to the checkpoint note."""
        signature = self.key.sign(cosigned_message(checkpoint, timestamp))
        blob = self.key_id + struct.pack(">Q", timestamp) + signature
        return f"{SIGNATURE_PREFIX}{self.name} {base64.b64encode(blob).decode()}\n"


def parse_cosigner_vkey(vkey: str) -> tuple[str, bytes, bytes]:
    """(name, key ID, public key) of a cosignature/v1 verifier key."""
    parts = vkey.split("+", 2)
    if len(parts) != 3:
        raise NoteError("a verifier key reads <name>+<key ID>+<key>")
    name, hex_id, encoded = parts
    check_key_name(name)
    blob = base64.b64decode(encoded)
    if len(blob) != 33 or blob[0] != COSIGNATURE_V1:
        raise NoteError("not a cosignature/v1 key (type 0x04)")
    if key_id(name, blob[1:], COSIGNATURE_V1).hex() != hex_id:
        raise NoteError("the verifier key's ID does not match its name and key")
    return name, bytes.fromhex(hex_id), blob[1:]


def verify_cosignature(line: str, checkpoint: Checkpoint, vkey: str) -> int:
    """Check one cosignature line; return its timestamp."""
    name, kid, public_key = parse_cosigner_vkey(vkey)
    line_name, line_kid, blob = parse_signature_line(line.rstrip("\n"))
    if (line_name, line_kid) != (name, kid):
        raise NoteError("the cosignature is not by this witness key")
    if len(blob) != 72:
        raise NoteError("a cosignature/v1 holds an 8-byte timestamp and a 64-byte signature")
    (timestamp,) = struct.unpack(">Q", blob[:8])
    if not verify_signature(public_key, cosigned_message(checkpoint, timestamp), blob[8:]):
        raise NoteError(f"the cosignature by {name} does not verify")
    return int(timestamp)


def parse_add_checkpoint_request(body: str) -> tuple[int, list[bytes], str]:
    """(old size, consistency proof, checkpoint note) of a tlog-witness add-checkpoint body."""
    head, sep, note = body.partition("\n\n")
    if not sep:
        raise NoteError("the request is 'old N', proof lines, a blank line, then the note")
    lines = head.split("\n")
    if not lines[0].startswith("old ") or not lines[0][4:].isdigit():
        raise NoteError("the request starts with 'old <size>'")
    proof = [base64.b64decode(line, validate=True) for line in lines[1:]]
    if any(len(h) != 32 for h in proof) or len(proof) > 63:
        raise NoteError("proof lines must be base64 32-byte hashes, at most 63")
    split_note(note)
    return int(lines[0][4:]), proof, note


def format_add_checkpoint_request(old_size: int, proof: Sequence[bytes], note: str) -> str:
    """The body of a tlog-witness add-checkpoint request."""
    lines = [f"old {old_size}", *(base64.b64encode(h).decode() for h in proof)]
    return "\n".join(lines) + "\n\n" + note

"""C2SP tlog-checkpoint: ``origin``, tree size and root hash, then extension lines."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from commonweal.core.note import NoteError, NoteSigner, NoteVerifier, open_note

_SIZE = re.compile(r"^(0|[1-9][0-9]{0,19})$")


@dataclass(frozen=True)
class Checkpoint:
    """A log's commitment to its first ``size`` entries."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        """The note text of the checkpoint."""
        lines = [
            self.origin,
            str(self.size),
            base64.b64encode(self.root).decode(),
            *self.extensions,
        ]
        return "\n".join(lines) + "\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body strictly."""
    if not text.endswith("\n"):
        raise NoteError("a checkpoint ends with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise NoteError("a checkpoint has an origin, a size and a root hash")
    origin, size, root, *extensions = lines
    if not origin:
        raise NoteError("the checkpoint's origin is empty")
    if not _SIZE.match(size) or int(size) >= 2**64:
        raise NoteError(
            f"the checkpoint size {size!r} is not a decimal number without leading zeros"
        )
    try:
        root_hash = base64.b64decode(root, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError("the checkpoint's root hash is not base64") from None
    if len(root_hash) != 32:
        raise NoteError("the checkpoint's root hash is not 32 bytes")
    if any(not line for line in extensions):
        raise NoteError("checkpoint extension lines must not be empty")
    return Checkpoint(origin, int(size), root_hash, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: NoteSigner) -> str:
    """The checkpoint as a note signed by the log's key."""
    return signer.sign(checkpoint.body())


def open_checkpoint(note: str, verifier: NoteVerifier) -> Checkpoint:
    """The checkpoint in ``note``, which the log's key must have signed for its origin."""
    opened = open_note(note, [verifier])
    checkpoint = parse_checkpoint(opened.text)
    if checkpoint.origin != verifier.name:
        raise NoteError(f"the checkpoint's origin {checkpoint.origin!r} is not the key's name")
    return checkpoint

"""C2SP tlog-proof@v1: an offline proof that an entry is in a log, under a signed checkpoint.

The text is ``c2sp.org/tlog-proof@v1``, an optional ``extra <base64>`` line, ``index <n>``,
one base64 inclusion-proof hash per line (leaf side first), an empty line, and the signed
(possibly cosigned) checkpoint note verbatim.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

from commonweal.core.checkpoint import Checkpoint, open_checkpoint
from commonweal.core.merkle import HASH_SIZE, leaf_hash, verify_inclusion
from commonweal.core.note import NoteVerifier

HEADER = "c2sp.org/tlog-proof@v1"
_INDEX = re.compile(r"index (0|[1-9][0-9]{0,19})")


class TlogProofError(ValueError):
    """A tlog-proof text that is not well formed."""


@dataclass(frozen=True)
class TlogProof:
    """A parsed tlog-proof: leaf index, inclusion proof, checkpoint note and extra data.

    ``checkpoint`` is the signed (possibly cosigned) checkpoint note, verbatim and unchecked.
    """

    index: int
    proof: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None


def format_tlog_proof(
    index: int, proof: Sequence[bytes], checkpoint_note: str, extra: bytes | None = None
) -> str:
    """Return the tlog-proof@v1 text for leaf ``index`` under ``checkpoint_note``."""
    if index < 0:
        raise ValueError(f"a leaf index must not be negative, got {index}")
    lines = [HEADER]
    if extra is not None:
        lines.append("extra " + base64.b64encode(extra).decode("ascii"))
    lines.append(f"index {index}")
    for position, value in enumerate(proof):
        if len(value) != HASH_SIZE:
            raise ValueError(f"proof hash {position} must be {HASH_SIZE} bytes")
        lines.append(base64.b64encode(value).decode("ascii"))
    return "\n".join(lines) + "\n\n" + checkpoint_note


def _strict_b64(text: str, what: str) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise TlogProofError(f"{what} is not valid base64") from None
    if base64.b64encode(data).decode("ascii") != text:
        raise TlogProofError(f"{what} is not canonical base64")
    return data


def parse_tlog_proof(text: str) -> TlogProof:
    """Parse a tlog-proof@v1 text strictly; the checkpoint note is kept verbatim, unchecked."""
    head, separator, note = text.partition("\n\n")
    if not separator or not note:
        raise TlogProofError("a tlog-proof needs an empty line followed by the checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise TlogProofError(f"a tlog-proof starts with the line {HEADER!r}")
    position = 1
    extra = None
    if position < len(lines) and lines[position].startswith("extra "):
        extra = _strict_b64(lines[position][len("extra ") :], "the extra data")
        position += 1
    match = _INDEX.fullmatch(lines[position]) if position < len(lines) else None
    if match is None or int(match.group(1)) >= 2**64:
        raise TlogProofError("expected the line 'index <n>' (decimal, no leading zeros)")
    proof = []
    for number, line in enumerate(lines[position + 1 :]):
        value = _strict_b64(line, f"proof line {number}")
        if len(value) != HASH_SIZE:
            raise TlogProofError(f"proof line {number} is not a {HASH_SIZE}-byte hash")
        proof.append(value)
    return TlogProof(int(match.group(1)), tuple(proof), note, extra)


def verify_tlog_proof(text: str, leaf_data: bytes, verifier: NoteVerifier) -> Checkpoint:
    """Check that ``leaf_data`` is in the log under a checkpoint signed by ``verifier``.

    Returns the verified checkpoint. Raises ``TlogProofError``, the note module's error
    for a bad checkpoint signature, or ``merkle.ProofError`` when inclusion fails.
    """
    parsed = parse_tlog_proof(text)
    checkpoint = open_checkpoint(parsed.checkpoint, verifier)
    verify_inclusion(
        parsed.index, checkpoint.size, leaf_hash(leaf_data), parsed.proof, checkpoint.root
    )
    return checkpoint

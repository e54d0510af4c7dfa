"""The C2SP tlog-witness ``add-checkpoint`` decision, and portable evidence of a forked log.

:func:`check_add_checkpoint` is the witness's whole judgement, without storage:
given the request body, the log keys it trusts and the checkpoint it last
cosigned for that origin, it either accepts the checkpoint (the caller then
persists it atomically and cosigns) or refuses with the status code the spec
prescribes — 404 unknown origin, 403 no trusted signature, 400 old size above
the checkpoint, 409 old size not the recorded one (with the recorded size), 409
same size but another root, 422 a consistency proof that does not verify.

A log that signs two checkpoints that cannot both describe one append-only
tree is *forked*. :class:`ForkEvidence` holds the proof, and
:func:`verify_fork_evidence` checks it with nothing but the log's verifier key:

- ``same-size``: two signed checkpoints of one size with different roots;
- ``prefix``: two signed checkpoints of sizes m < n and a consistency proof
  from m to n that verifies for the larger root and some *other* root at m.
  The proof fixes the root of the first m leaves of the n-leaf tree (SHA-256 is
  collision resistant), so the smaller checkpoint, which claims a different
  root, cannot be a prefix of the larger one.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from commonweal.core import strict_json
from commonweal.core.checkpoint import Checkpoint, open_checkpoint, parse_checkpoint
from commonweal.core.cosignature import parse_add_checkpoint_request
from commonweal.core.merkle import ProofError, verify_consistency
from commonweal.core.note import NoteError, NoteVerifier, split_note

SIZE_CONTENT_TYPE = "text/x.tlog.size"
EVIDENCE_TYPE = "commonweal/fork-evidence/v1"
SAME_SIZE = "same-size"
PREFIX = "prefix"


class WitnessRefusal(Exception):
    """A refused add-checkpoint: the HTTP status, a stable code, and (409) the recorded size."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        size: int | None = None,
        evidence: ForkEvidence | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.size = size
        self.evidence = evidence


@dataclass(frozen=True)
class Recorded:
    """The checkpoint a witness last cosigned for one origin."""

    size: int
    root: bytes
    note: str


@dataclass(frozen=True)
class Accepted:
    """A checkpoint the witness may cosign, once it has recorded it."""

    checkpoint: Checkpoint
    note: str
    vkey: str
    old_size: int


@functools.lru_cache(maxsize=4096)
def verifier_for(vkey: str) -> NoteVerifier:
    """A note verifier for ``vkey`` (parsed once: a witness checks the same keys all day)."""
    return NoteVerifier(vkey)


def origin_of(note: str) -> str:
    """The first line of a note's text: a checkpoint's origin."""
    text, _lines = split_note(note)
    return text.split("\n", 1)[0]


def check_add_checkpoint(
    body: str, trusted: Callable[[str], str | None], recorded: Recorded | None
) -> Accepted:
    """Judge an add-checkpoint request; ``trusted(origin)`` gives the log's vkey or None."""
    try:
        old_size, proof, note = parse_add_checkpoint_request(body)
        origin = origin_of(note)
    except (NoteError, ValueError) as error:
        raise WitnessRefusal(
            400, "invalid_request", f"not an add-checkpoint body: {error}"
        ) from None
    vkey = trusted(origin)
    if vkey is None:
        raise WitnessRefusal(404, "unknown_log", f"this witness does not witness {origin!r}")
    try:
        checkpoint = open_checkpoint(note, verifier_for(vkey))
    except NoteError as error:
        raise WitnessRefusal(
            403, "bad_signature", f"the checkpoint is not signed: {error}"
        ) from None
    if old_size > checkpoint.size:
        raise WitnessRefusal(400, "invalid_request", "the old size is above the checkpoint's size")
    if (
        recorded is not None
        and recorded.size == checkpoint.size
        and recorded.root != checkpoint.root
    ):
        evidence = ForkEvidence.of(vkey, recorded.note, note)
        raise WitnessRefusal(
            409,
            "forked",
            f"a checkpoint of size {checkpoint.size} with another root was cosigned before",
            size=recorded.size,
            evidence=evidence,
        )
    recorded_size = recorded.size if recorded is not None else 0
    if old_size != recorded_size:
        raise WitnessRefusal(
            409,
            "old_size_mismatch",
            f"the witness last cosigned size {recorded_size}",
            size=recorded_size,
        )
    if old_size == 0:
        if proof:
            raise WitnessRefusal(422, "bad_proof", "a proof from size 0 must be empty")
    else:
        assert recorded is not None
        try:
            verify_consistency(old_size, checkpoint.size, recorded.root, checkpoint.root, proof)
        except ProofError as error:
            raise WitnessRefusal(422, "bad_proof", f"consistency proof: {error}") from None
    return Accepted(checkpoint, note, vkey, old_size)


# -- fork evidence ---------------------------------------------------------------------


class EvidenceError(ValueError):
    """Evidence that does not prove a fork."""


@dataclass(frozen=True)
class ForkEvidence:
    """Two signed checkpoints of one log that cannot both be true, and what shows it."""

    origin: str
    kind: str
    notes: tuple[str, str]
    proof: tuple[bytes, ...] = ()
    prefix_root: bytes | None = None
    vkey: str = ""

    @classmethod
    def of(cls, vkey: str, first: str, second: str) -> ForkEvidence:
        """Same-size evidence from two notes (ordered, so the same pair gives the same digest)."""
        a, b = sorted((first, second))
        return cls(origin_of(a), SAME_SIZE, (a, b), vkey=vkey)

    @classmethod
    def prefix(
        cls, vkey: str, smaller: str, larger: str, proof: Sequence[bytes], prefix_root: bytes
    ) -> ForkEvidence:
        """Prefix evidence: ``larger``'s tree has ``prefix_root`` at ``smaller``'s size."""
        return cls(origin_of(smaller), PREFIX, (smaller, larger), tuple(proof), prefix_root, vkey)

    def as_json(self) -> dict[str, Any]:
        """The evidence as a JSON document (docs/federation.md)."""
        document: dict[str, Any] = {
            "type": EVIDENCE_TYPE,
            "kind": self.kind,
            "origin": self.origin,
            "vkey": self.vkey,
            "notes": list(self.notes),
        }
        if self.kind == PREFIX:
            document["proof"] = [base64.b64encode(h).decode() for h in self.proof]
            document["prefix_root"] = base64.b64encode(self.prefix_root or b"").decode()
        return document

    @property
    def digest(self) -> str:
        """SHA-256 hex of the two notes: names the fork, whoever found it."""
        return hashlib.sha256("\n\x00\n".join(sorted(self.notes)).encode()).hexdigest()

    @classmethod
    def from_json(cls, document: Any) -> ForkEvidence:
        """Read an evidence document (shape only; :func:`verify_fork_evidence` checks it)."""
        if not isinstance(document, dict) or document.get("type") != EVIDENCE_TYPE:
            raise EvidenceError(f"fork evidence is a JSON object of type {EVIDENCE_TYPE!r}")
        notes = document.get("notes")
        kind = document.get("kind")
        if (
            not isinstance(notes, list)
            or len(notes) != 2
            or not all(isinstance(n, str) for n in notes)
        ):
            raise EvidenceError("evidence holds exactly two checkpoint notes")
        if kind not in (SAME_SIZE, PREFIX):
            raise EvidenceError(f"unknown kind of evidence {kind!r}")
        proof: tuple[bytes, ...] = ()
        prefix_root = None
        try:
            if kind == PREFIX:
                proof = tuple(base64.b64decode(h, validate=True) for h in document["proof"])
                prefix_root = base64.b64decode(document["prefix_root"], validate=True)
        except (KeyError, TypeError, binascii.Error, ValueError):
            raise EvidenceError("prefix evidence needs a base64 proof and prefix root") from None
        return cls(
            str(document.get("origin", "")),
            kind,
            (notes[0], notes[1]),
            proof,
            prefix_root,
            str(document.get("vkey", "")),
        )

    @classmethod
    def loads(cls, raw: bytes | str) -> ForkEvidence:
        """Read evidence from JSON text."""
        try:
            return cls.from_json(strict_json.loads(raw))
        except strict_json.StrictJsonError:
            raise EvidenceError("fork evidence must be JSON") from None


def verify_fork_evidence(evidence: ForkEvidence, vkey: str) -> str:
    """Check ``evidence`` with only the log's verifier key; return what it proves.

    Raises :class:`EvidenceError` unless both notes are signed by ``vkey`` for one
    origin and cannot both be true.
    """
    try:
        verifier = NoteVerifier(vkey)
        first, second = (open_checkpoint(note, verifier) for note in evidence.notes)
    except NoteError as error:
        raise EvidenceError(f"a note is not a checkpoint signed by that key: {error}") from None
    if first.origin != second.origin:
        raise EvidenceError("the two checkpoints are of different logs")
    if evidence.kind == SAME_SIZE:
        if first.size != second.size or first.root == second.root:
            raise EvidenceError("same-size evidence needs one size and two roots")
        return f"{first.origin} signed two different roots for size {first.size}: the log is forked"
    smaller, larger = sorted((first, second), key=lambda c: c.size)
    if smaller.size == larger.size or smaller.size == 0 or evidence.prefix_root is None:
        raise EvidenceError("prefix evidence needs two sizes, the smaller above zero")
    if evidence.prefix_root == smaller.root:
        raise EvidenceError("the proven prefix root is the smaller checkpoint's own root")
    try:
        verify_consistency(
            smaller.size, larger.size, evidence.prefix_root, larger.root, evidence.proof
        )
    except ProofError as error:
        raise EvidenceError(f"the consistency proof does not verify: {error}") from None
    return (
        f"{first.origin}'s checkpoint at size {larger.size} has a different tree at size "
        f"{smaller.size} than its checkpoint of that size: the log is forked"
    )


def checkpoint_of(note: str) -> Checkpoint:
    """The checkpoint in a note, unverified (for sizes and roots already trusted)."""
    text, _lines = split_note(note)
    return parse_checkpoint(text)

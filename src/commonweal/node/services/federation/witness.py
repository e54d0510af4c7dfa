"""Witnessing, both ways: cosigning recognised nodes' checkpoints, and collecting
cosignatures on this node's own (C2SP tlog-witness and tlog-cosignature).

As a witness, the node cosigns a checkpoint of a log it recognises (with
``terms.witness``) only if it is consistent with the checkpoint it last cosigned
for that origin; the check and the write of the new size are atomic. A checkpoint
of the recorded size with another root is a fork: the two notes become evidence.

As a log, the node sends each of its witnesses its latest checkpoint with a
consistency proof from the size that witness last cosigned, learns that size from
a 409 when it does not know it, and keeps every cosignature. A checkpoint is
*final* once ``witness_quorum`` witnesses cosigned it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from commonweal.core.checkpoint import open_checkpoint
from commonweal.core.cosignature import (
    format_add_checkpoint_request,
    parse_cosigner_vkey,
    verify_cosignature,
)
from commonweal.core.http_signatures import PeerSignature
from commonweal.core.note import (
    NoteError,
    NoteVerifier,
    add_signatures,
    parse_signature_line,
    split_note,
)
from commonweal.core.witness import (
    SIZE_CONTENT_TYPE,
    WitnessRefusal,
    check_add_checkpoint,
    verifier_for,
)
from commonweal.node.services.federation import evidence
from commonweal.node.services.federation.auth import authenticate
from commonweal.node.services.federation.service import Federation, log
from commonweal.store.federation_store import WitnessAdvance
from commonweal.store.log_store import CheckpointRow

TEXT = "text/plain; charset=utf-8"
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 300.0
"""A witness that refused is asked again after 1 s, then 2, 4, … up to 5 minutes: soon
enough when it was about to recognise us, rarely enough not to flood its refusals (a 409,
which names the size it holds, is answered at once instead)."""


@dataclass(frozen=True)
class Reply:
    """What the witness answers: status, content type and body."""

    status: int
    content_type: str
    body: str
    code: str = ""


def only_signature_of(note: str, vkey: str) -> str:
    """``note`` keeping only the signature line of ``vkey`` (the log's own)."""
    text, lines = split_note(note)
    verifier = verifier_for(vkey)
    own = [
        line for line in lines if parse_signature_line(line)[:2] == (verifier.name, verifier.key_id)
    ]
    return text + "\n" + "".join(line + "\n" for line in own)


def add_checkpoint(federation: Federation, body: bytes, signed: PeerSignature | str) -> Reply:
    """Handle a signed ``add-checkpoint`` request (from a recognised node)."""
    signer = signed if isinstance(signed, str) else signed.keyid
    nonces = () if isinstance(signed, str) else ((signed.keyid, signed.nonce, signed.created),)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return _refused(federation, signer, WitnessRefusal(400, "invalid_request", "not UTF-8"))
    forked = evidence.forked(federation)

    def trusted(origin: str) -> str | None:
        peer = federation.recognition_by("origin", origin)
        if peer is None or not peer["terms"]["witness"]:
            return None
        return str(peer["vkey"])

    recorded = None
    try:
        origin_line = text.partition("\n\n")[2].split("\n", 1)[0]
        if origin_line in forked:
            raise WitnessRefusal(409, "forked", f"{origin_line} is forked: no more cosigning")
        recorded = federation.witnessed(origin_line)
        accepted = check_add_checkpoint(text, trusted, recorded)
    except WitnessRefusal as refusal:
        if refusal.evidence is not None:
            evidence.found(federation, refusal.evidence, "witness")
        return _refused(federation, signer, refusal)
    checkpoint = accepted.checkpoint
    advance = WitnessAdvance(
        checkpoint.origin,
        recorded.size if recorded is not None else None,
        checkpoint.size,
        checkpoint.root,
        only_signature_of(accepted.note, accepted.vkey),
        federation.stamp(),
        nonces,
    )
    if not federation.advance_witness(advance):  # another request moved it first
        current = federation.store.witnessed(checkpoint.origin)
        size = current.size if current is not None else 0
        return Reply(409, SIZE_CONTENT_TYPE, f"{size}\n", "old_size_mismatch")
    timestamp = int(federation.now().timestamp())
    return Reply(200, TEXT, federation.node.identity.witness.cosign(checkpoint, timestamp))


def handle(
    federation: Federation, *, url: str, headers: Sequence[tuple[str, str]], body: bytes
) -> Reply:
    """A whole ``POST <prefix>/add-checkpoint``: signature, then witness, in one thread hop."""
    signed = authenticate(
        federation,
        method="POST",
        url=url,
        headers=headers,
        body=body,
        action="add-checkpoint",
        keep_nonce=False,
    )
    return add_checkpoint(federation, body, signed)


def _refused(federation: Federation, signer: str, refusal: WitnessRefusal) -> Reply:
    federation.refuse(signer, "add-checkpoint", refusal.code, refusal.message)
    if refusal.status == 409 and refusal.size is not None:
        return Reply(409, SIZE_CONTENT_TYPE, f"{refusal.size}\n", refusal.code)
    return Reply(refusal.status, TEXT, refusal.message + "\n", refusal.code)


# -- as a log --------------------------------------------------------------------------


def witnesses(federation: Federation) -> list[dict[str, Any]]:
    """The recognised nodes that witness this log: terms say so and a witness key is known."""
    return [p for p in federation.recognitions() if p["terms"]["witness"] and p["witness"]]


def request_cosignatures(federation: Federation, peer: dict[str, Any]) -> int | None:
    """Ask ``peer`` to cosign the latest checkpoint; return the size it cosigned, if it did."""
    latest = federation.node.store.latest_checkpoint()
    if latest is None:
        return None
    name, _kid, _key = parse_cosigner_vkey(peer["witness"])
    have = federation.store.cosigned_sizes().get(name, 0)
    if have >= latest.size or _backing_off(federation, name):
        return have
    old = federation.witness_hints.get(name, have)
    client = federation.client(peer["url"])
    for _attempt in range(3):
        if old > latest.size:
            log.warning(
                "witness %s holds size %d of this log, more than its latest checkpoint %d",
                name,
                old,
                latest.size,
            )
            return None
        proof = federation.node.proofs.consistency(old, latest.size) if old > 0 else []
        answer = client.add_checkpoint(format_add_checkpoint_request(old, proof, latest.note))
        if answer.status == 200:
            if _keep_cosignatures(federation, latest, peer["witness"], answer.text):
                federation.witness_hints[name] = latest.size
                federation.witness_backoff.pop(name, None)
                return latest.size
            federation.refuse(peer["url"], "cosignature", "bad_cosignature", answer.text[:200])
            return None
        if answer.status == 409 and answer.content_type.startswith(SIZE_CONTENT_TYPE):
            try:
                old = int(answer.text.strip())
            except ValueError:
                return None
            federation.witness_hints[name] = old
            continue
        log.info("witness %s answered %d: %s", name, answer.status, answer.text[:200])
        _back_off(federation, name)
        return None
    return None


def _backing_off(federation: Federation, name: str) -> bool:
    retry_at, _delay = federation.witness_backoff.get(name, (0.0, 0.0))
    return retry_at > time.monotonic()


def _back_off(federation: Federation, name: str) -> None:
    _retry_at, delay = federation.witness_backoff.get(name, (0.0, 0.0))
    delay = min(delay * 2, MAX_BACKOFF_SECONDS) if delay else FIRST_BACKOFF_SECONDS
    federation.witness_backoff[name] = (time.monotonic() + delay, delay)


def _keep_cosignatures(
    federation: Federation, row: CheckpointRow, vkey: str, response: str
) -> bool:
    name, _kid, _key = parse_cosigner_vkey(vkey)
    checkpoint = open_checkpoint(row.note, NoteVerifier(federation.node.identity.vkey))
    kept = False
    for line in response.splitlines(keepends=True):
        if not line.startswith(f"\u2014 {name} "):
            continue
        try:
            timestamp = verify_cosignature(line, checkpoint, vkey)
        except (NoteError, ValueError):
            return False
        federation.store.add_cosignature(row.size, name, line, timestamp)
        kept = True
    return kept


def cosigned_note(federation: Federation, row: CheckpointRow) -> str:
    """A checkpoint note with every cosignature this node received for it."""
    lines = [line for _witness, line in federation.store.cosignatures(row.size)]
    return add_signatures(row.note, lines) if lines else row.note


def final_checkpoint(federation: Federation) -> CheckpointRow | None:
    """The largest checkpoint cosigned by at least ``witness_quorum`` witnesses."""
    quorum = max(federation.node.config.witness_quorum, 1)
    for size in federation.store.quorum_sizes(quorum):
        row = federation.node.store.checkpoint_at(size)
        if row is not None:
            return row
    return None

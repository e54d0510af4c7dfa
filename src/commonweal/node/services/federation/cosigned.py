"""Cosignatures on another log's checkpoint, checked before this node keeps or serves them.

A mirror re-serves the checkpoint note of the log it mirrors, cosignatures and
all (``/mirror/<did>/checkpoint``), and a restore takes its cosignatures from
there. So every line is checked first: the log's own signature (already
verified by ``open_checkpoint``) and each witness's ``cosignature/v1`` line
against the witness keys named in the treaties this node holds (its
recognitions) and its own witness key. A line that does not verify, or is by a
key no treaty names, is dropped and logged as a refusal — once per line, not
every sync round — and never served.
"""

from __future__ import annotations

from typing import Any

from commonweal.core.checkpoint import Checkpoint
from commonweal.core.cosignature import parse_cosigner_vkey, verify_cosignature
from commonweal.core.note import NoteError, NoteVerifier, parse_signature_line, split_note
from commonweal.node.services.federation.service import Federation

MAX_REMEMBERED = 10_000
"""Refused lines remembered so a peer serving one again is not logged every round."""


def witness_keys(federation: Federation) -> dict[tuple[str, bytes], str]:
    """(name, key ID) → cosigner verifier key, for every witness a treaty of ours names."""
    vkeys = [r["witness"] for r in federation.recognitions(in_force=False) if r.get("witness")]
    vkeys.append(federation.node.identity.witness.vkey)
    keys: dict[tuple[str, bytes], str] = {}
    for vkey in vkeys:
        try:
            name, kid, _key = parse_cosigner_vkey(vkey)
        except (NoteError, ValueError):
            continue
        keys[(name, kid)] = vkey
    return keys


def verified_note(
    federation: Federation, peer: dict[str, Any], note: str, checkpoint: Checkpoint
) -> str:
    """``note`` keeping the log's own signature and only the cosignatures that verify."""
    text, lines = split_note(note)
    own = NoteVerifier(peer["vkey"])
    witnesses = witness_keys(federation)
    kept = []
    for line in lines:
        problem = _problem(line, checkpoint, own, witnesses)
        if problem is None:
            kept.append(line)
        else:
            _refuse_once(federation, peer, line, *problem)
    return text + "\n" + "".join(line + "\n" for line in kept)


def _problem(
    line: str, checkpoint: Checkpoint, own: NoteVerifier, witnesses: dict[tuple[str, bytes], str]
) -> tuple[str, str] | None:
    """(code, detail) of what is wrong with one signature line, or None if it verifies."""
    try:
        name, kid, _signature = parse_signature_line(line)
    except NoteError as error:
        return "bad_cosignature", str(error)
    if (name, kid) == (own.name, own.key_id):
        return None  # the log's own signature: open_checkpoint verified it
    vkey = witnesses.get((name, kid))
    if vkey is None:
        return "unknown_cosigner", f"no treaty of this node names the witness key {name}"
    try:
        verify_cosignature(line, checkpoint, vkey)
    except (NoteError, ValueError) as error:
        return "bad_cosignature", str(error)
    return None


def _refuse_once(
    federation: Federation, peer: dict[str, Any], line: str, code: str, detail: str
) -> None:
    seen = federation.refused_cosignatures
    if line in seen:
        return
    if len(seen) >= MAX_REMEMBERED:
        seen.clear()
    seen.add(line)
    federation.refuse(
        peer["url"], "mirror", code, f"checkpoint of {peer['origin']}: {detail}: {line[:200]}"
    )

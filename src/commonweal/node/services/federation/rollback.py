"""Is this node's log behind what its witnesses and mirrors saw? (a rollback)

A store restored from an old copy, or a crash copy whose WAL lost its last frames,
is a consistent shorter log: every local check passes, because the checkpoints
and the cosignatures this node received are in the same database and went back
with it. Only other nodes remember more. So the node asks them, over HTTP:

- each witness's latest cosigned checkpoint of this log
  (``GET /v1/federation/witnessed``, the entry for this node's origin), and
- each mirror's latest checkpoint of this log (``GET /mirror/<did>/checkpoint``).

Both are notes signed by this node's own key, which no peer can forge: a note of
size N proves this log once held N entries. If the largest is beyond the local
head, the log was rolled back; if one of a size the log holds has another root,
the local log diverged from what was published. Either way the node must not
append (each new entry would fork the log the witnesses know), so it refuses
writes (``rolled_back``, 503), says so on ``/readyz`` (:func:`readiness`) and
prints the ``commonweal restore`` command that brings back the missing range
from a mirror.

The peers asked are those named by this node's recognitions and its peer table,
which are in the same database: a rollback to before a recognition also forgets
that peer, so ``verify --peer URL`` names more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from commonweal.core.checkpoint import open_checkpoint
from commonweal.core.language import N_
from commonweal.core.note import NoteError, NoteVerifier
from commonweal.domain.words import WP_, Word
from commonweal.node.services.federation.peer_client import PeerClient, PeerError
from commonweal.node.services.federation.service import Federation, log

ROLLED_BACK = "rolled_back"
"""The refusal code of writes to a node whose log is behind a checkpoint it signed."""
ASK_TIMEOUT_SECONDS = 5.0
"""How long a peer has to answer the check at start (one that does not is skipped)."""


@dataclass(frozen=True)
class Sighting:
    """A checkpoint of this log, signed by this node's key, held by another node."""

    source: str
    """The URL of the node that holds it."""
    kind: str
    """``witness`` (it cosigned it) or ``mirror`` (it mirrors the log that far)."""
    size: int
    root: bytes


@dataclass(frozen=True)
class RollbackStatus:
    """What the witnesses and mirrors said about this log, beside the local head."""

    local_size: int
    sightings: tuple[Sighting, ...] = ()
    diverged: tuple[Sighting, ...] = ()
    """Sightings of a size the log holds, with another root than the log's there."""
    unreachable: tuple[str, ...] = ()
    asked: tuple[str, ...] = ()

    @property
    def largest(self) -> Sighting | None:
        """The largest checkpoint of this log another node holds."""
        return max(self.sightings, key=lambda s: s.size, default=None)

    @property
    def rolled_back(self) -> bool:
        """Whether another node holds a checkpoint of this log beyond its head."""
        largest = self.largest
        return largest is not None and largest.size > self.local_size

    @property
    def ok(self) -> bool:
        """Neither rolled back nor diverged."""
        return not self.rolled_back and not self.diverged

    def mirror_url(self) -> str | None:
        """The mirror that holds the most of this log (to restore from)."""
        mirrors = [s for s in self.sightings if s.kind == "mirror"]
        best = max(mirrors, key=lambda s: s.size, default=None)
        return best.source if best is not None else None

    def restore_command(self, data_dir: str) -> str:
        """The exact command that brings back the missing range from a mirror."""
        source = self.mirror_url() or "<a peer that mirrors this node>"
        return f"commonweal restore --from {source} --data-dir {data_dir}"

    def explain(self) -> str:
        """One plain sentence on what was found."""
        template, params = self.explained()
        return template % params if params else template

    def explained(self) -> tuple[str, dict[str, object]]:
        """:meth:`explain` as its message and parameters (said in a reader's language)."""
        largest = self.largest
        if self.rolled_back and largest is not None:
            return N_(
                "the log holds %(local)s entries but %(source)s (%(kind)s) holds this node's "
                "signed checkpoint of %(size)s: the store was rolled back and %(missing)s "
                "entries are missing"
            ), {
                "local": self.local_size,
                "source": largest.source,
                "kind": _KIND_WORDS.get(largest.kind, largest.kind),
                "size": largest.size,
                "missing": largest.size - self.local_size,
            }
        if self.diverged:
            first = self.diverged[0]
            return N_(
                "%(source)s (%(kind)s) holds this node's signed checkpoint of %(size)s with "
                "another root than the log's: the log diverged from what was published"
            ), {
                "source": first.source,
                "kind": _KIND_WORDS.get(first.kind, first.kind),
                "size": first.size,
            }
        if not self.sightings:
            return N_("no witness or mirror holds a checkpoint of this log"), {}
        return N_("the log is not behind any of the %(count)s checkpoints seen"), {
            "count": len(self.sightings)
        }


_KIND_WORDS = {
    "witness": WP_("checkpoint holder", "witness"),
    "mirror": WP_("checkpoint holder", "mirror"),
}
"""Who holds a checkpoint, as a refusal says it in the reader's language."""


def peer_urls(recognitions: Iterable[dict[str, Any]], known: Iterable[str]) -> list[str]:
    """Every node worth asking, once each: recognised ones, then the rest of the peer table."""
    urls: list[str] = []
    for url in [*(str(r.get("url", "")) for r in recognitions), *known]:
        url = url.rstrip("/")
        if url.startswith(("http://", "https://")) and url not in urls:
            urls.append(url)
    return urls


def ask(
    urls: Sequence[str],
    *,
    did: str,
    origin: str,
    vkey: str,
    local_size: int,
    root_at: Callable[[int], bytes | None],
    http: httpx.Client,
) -> RollbackStatus:
    """Ask every node in ``urls`` what it holds of this log; compare with the local log."""
    verifier = NoteVerifier(vkey)

    def one(url: str) -> tuple[list[Sighting], bool]:
        return _sightings(PeerClient(url, http=http), did, origin, verifier)

    if not urls:
        return RollbackStatus(local_size)
    with ThreadPoolExecutor(max_workers=min(8, len(urls))) as pool:
        answers = list(pool.map(one, urls))
    sightings = [s for found, _reached in answers for s in found]
    unreachable = tuple(
        url for url, (_found, reached) in zip(urls, answers, strict=True) if not reached
    )
    diverged = []
    for sighting in sightings:
        if 0 < sighting.size <= local_size:
            root = root_at(sighting.size)
            if root is not None and root != sighting.root:
                diverged.append(sighting)
    return RollbackStatus(local_size, tuple(sightings), tuple(diverged), unreachable, tuple(urls))


def _sightings(
    client: PeerClient, did: str, origin: str, verifier: NoteVerifier
) -> tuple[list[Sighting], bool]:
    """What one node holds of this log, and whether it answered at all."""
    found: list[Sighting] = []
    reached = False
    try:
        witnessed = client.get_json("/v1/federation/witnessed")
        reached = True
        for log in witnessed.get("logs", []):
            if isinstance(log, dict) and log.get("origin") == origin:
                _keep(found, client.base_url, "witness", str(log.get("checkpoint", "")), verifier)
    except (PeerError, ValueError, AttributeError):
        pass
    try:
        response = client.get(f"/mirror/{did}/checkpoint")
        reached = True
        if response.status_code == 200:
            _keep(found, client.base_url, "mirror", response.text, verifier)
    except PeerError:
        pass
    return found, reached


def _keep(found: list[Sighting], url: str, kind: str, note: str, verifier: NoteVerifier) -> None:
    """Keep ``note`` if this node's own key signed it (anything else proves nothing)."""
    try:
        checkpoint = open_checkpoint(note, verifier)
    except (NoteError, ValueError):
        return
    found.append(Sighting(url, kind, checkpoint.size, checkpoint.root))


# -- the serving node ----------------------------------------------------------------------


def check(federation: Federation, *, timeout: float = ASK_TIMEOUT_SECONDS) -> RollbackStatus:
    """Ask this node's witnesses and mirrors now; refuse writes if the log is behind them.

    Called when the node starts serving (``web.app``); the outcome stays on the
    federation service for :func:`readiness` and the refusal of writes.
    """
    node = federation.node
    known = [url for _did, url, _identity, _added in federation.store.peers()]
    urls = peer_urls(federation.recognitions(in_force=False), known)
    # The store's head, not this process's: another worker may have appended since it loaded.
    local_size = node.store.head()[0]
    with httpx.Client(timeout=timeout) as http:
        status = ask(
            urls,
            did=node.identity.did,
            origin=node.identity.origin,
            vkey=node.identity.vkey,
            local_size=local_size,
            root_at=lambda size: node.proofs.root(size) if size <= local_size else None,
            http=http,
        )
    record(federation, status)
    return status


def record(federation: Federation, status: RollbackStatus) -> None:
    """Keep ``status``; refuse writes while it is not ok, accept them again once it is."""
    federation.rollback = status
    node = federation.node
    if status.ok:
        node.allow_writes(ROLLED_BACK)
        return
    command = status.restore_command(data_dir_of(federation))
    template, params = status.explained()
    found = Word(template, None, **params)
    node.refuse_writes(
        ROLLED_BACK,
        N_("%(found)s. Stop the node and restore the missing range: %(command)s"),
        found=found,
        command=command,
    )
    log.error(
        "refusing writes: %s. Stop the node and restore the missing range: %s", found, command
    )


def readiness(federation: Federation) -> tuple[bool, str]:
    """The rollback check for ``/readyz``: (ready, why). Not ready while writes are refused."""
    status = federation.rollback
    if status is None:
        return True, "not checked: no witness or mirror was asked"
    if status.ok:
        return True, status.explain()
    return False, f"{ROLLED_BACK}: {status.explain()}"


def summary(federation: Federation) -> dict[str, Any]:
    """The rollback check as ``GET /v1/federation`` shows it."""
    ready, detail = readiness(federation)
    status = federation.rollback
    largest = status.largest if status is not None else None
    return {
        "ready": ready,
        "detail": detail,
        "local_size": status.local_size if status is not None else None,
        "largest_seen": largest.size if largest is not None else None,
        "unreachable": list(status.unreachable) if status is not None else [],
    }


def data_dir_of(federation: Federation) -> str:
    """The node's data directory, as the restore command needs it (SQLite's folder)."""
    url = federation.node.store.engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return str(Path(url.database).parent)
    return "<the node's data directory>"

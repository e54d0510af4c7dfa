"""``verify`` of a local store: the database's own check, the replay with damage located,
and the question only other nodes can answer: was the log rolled back?

A store on a failing disk must give a report, never a crash: the reads go through
:class:`~commonweal.store.checked_store.CheckedStore`, which turns every damaged
page, row or column into a finding, and those findings lead the report. A store
that went back in time (an old copy restored, a WAL cut short) is consistent and
passes every local check; :func:`check_rollback` asks the witnesses and mirrors
(:mod:`commonweal.node.services.federation.rollback`).
"""

from __future__ import annotations

import httpx

from commonweal.core.note import NoteError
from commonweal.domain.federation.standing import RECOGNITIONS
from commonweal.domain.registry import Registry
from commonweal.node.kernel.proofs import ProofService
from commonweal.node.kernel.setup import SetupError
from commonweal.node.kernel.verify import Failure, Progress, Report, verify_log
from commonweal.node.services.federation import rollback
from commonweal.store.checked_store import STORAGE_ERRORS, CheckedStore, reason
from commonweal.store.database import is_initialised
from commonweal.store.federation_store import FederationStore
from commonweal.store.log_store import LogStore


def verify_store(
    store: CheckedStore, registry: Registry, *, progress: Progress | None = None
) -> Report:
    """Check the database file, replay the log, compare the projection; locate all damage.

    Raises :class:`SetupError` only for an intact database that holds no node.
    """
    check = store.integrity()
    try:
        initialised = is_initialised(store.engine)
    except STORAGE_ERRORS as error:
        store.note("the database schema", f"cannot be read: {reason(error)}")
        initialised = False
    if initialised:
        report = _replayed(store, registry, progress)
    elif store.findings:
        report = Report()
        store.note("node_meta", "the table cannot be found: the log cannot be replayed")
    else:
        raise SetupError("the database holds no Commonweal node")
    report.storage_check = check
    report.failures[:0] = [Failure(str(finding), finding.index) for finding in store.findings]
    return report


def _replayed(store: CheckedStore, registry: Registry, progress: Progress | None) -> Report:
    try:
        report = verify_log(store, registry, progress=progress, compare_with=store)
    except STORAGE_ERRORS as error:  # every read is checked; this is a last line of defence
        report = Report()
        report.fail(f"the database could not be read: {reason(error)}")
    count = store.count_entries()
    if count != report.size:
        store.note("log_entries", f"holds {count} rows but the log head says {report.size}")
    return report


def witnesses_of(store: CheckedStore) -> list[str]:
    """The URLs of the nodes this store's treaties and peer table name (none if unreadable)."""
    try:
        recognitions = LogStore(store.engine).projection_table(RECOGNITIONS).values()
        known = [url for _did, url, _identity, _added in FederationStore(store.engine).peers()]
    except STORAGE_ERRORS:
        return []
    except ValueError:  # a damaged projection row
        return []
    return rollback.peer_urls([r for r in recognitions if isinstance(r, dict)], known)


def check_rollback(
    store: CheckedStore, report: Report, urls: list[str], *, timeout: float
) -> rollback.RollbackStatus | None:
    """Ask ``urls`` what they hold of this log; a larger signed checkpoint fails ``report``.

    Returns None when the store's identity cannot be read (the report says why already).
    """
    meta = store.read_meta()
    if not all(meta.get(k) for k in ("did", "origin", "vkey")):
        return None
    proofs = ProofService(LogStore(store.engine))

    def root_at(size: int) -> bytes | None:
        try:
            return proofs.root(size) if size <= report.size else None
        except STORAGE_ERRORS:
            return None
        except (ValueError, KeyError, IndexError):  # hashes missing from a damaged store
            return None

    try:
        with httpx.Client(timeout=timeout) as http:
            status = rollback.ask(
                urls,
                did=meta["did"],
                origin=meta["origin"],
                vkey=meta["vkey"],
                local_size=report.size,
                root_at=root_at,
                http=http,
            )
    except NoteError:
        return None  # a broken vkey: reported by the replay
    if not status.ok:
        report.fail(status.explain())
    return status

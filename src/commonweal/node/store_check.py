"""``verify`` of a local store: the database's own check, then the replay, damage located.

A store on a failing disk must give a report, never a crash: the reads go through
:class:`~commonweal.store.checked_store.CheckedStore`, which turns every damaged
page, row or column into a finding, and those findings lead the report.
"""

from __future__ import annotations

from commonweal.domain.registry import Registry
from commonweal.node.setup import SetupError
from commonweal.node.verify import Failure, Progress, Report, verify_log
from commonweal.store.checked_store import STORAGE_ERRORS, CheckedStore, reason
from commonweal.store.database import is_initialised


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

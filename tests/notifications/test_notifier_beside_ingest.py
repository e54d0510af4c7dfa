"""The notifier running beside ingest, as the scheduler runs it in the serving process:
it reads the log only up to what is committed, so no entry is skipped while a group is
being written (a node's range moves before its entries reach the store)."""

from __future__ import annotations

import threading

from commonweal.node.services.notifications import run_notifier
from commonweal.store.notification_store import NotificationStore
from tests.community import Community
from tests.notifications.mailbox import subscribe


def test_no_notice_is_lost_while_entries_are_being_committed(community: Community) -> None:
    run_notifier(community.node)
    for name in ("alice", "bob", "carol"):
        subscribe(community, name)
    done = threading.Event()
    failures: list[BaseException] = []

    def notify() -> None:
        try:
            while not done.is_set():
                run_notifier(community.node)
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    worker = threading.Thread(target=notify)
    worker.start()
    try:
        for n in range(30):
            community.apply(f"applicant-{n}")
    finally:
        done.set()
        worker.join()
    run_notifier(community.node)
    assert failures == []
    rows = NotificationStore(community.node.store).all_rows()
    assert len(rows) == 30 * 3 and {r.kind for r in rows} == {"vouch_wanted"}

"""Nothing lost, nothing twice: the process that sends is killed (SIGKILL) after the
notification is recorded and before the mail is handed over; a new process sends it, and
exactly one mail arrives (a real SMTP server on 127.0.0.1 reads what it receives)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from commonweal.node.services.notifications import run_notifier
from commonweal.store.notification_store import NotificationStore
from tests.community import Community
from tests.notifications.mailbox import SmtpServer, smtp, subscribe

__all__ = ["smtp"]

SRC = Path(__file__).resolve().parents[2] / "src"

CHILD = """
import os, signal, sys
from pathlib import Path
from commonweal.capabilities import PROGRAM
from commonweal.node.kernel.setup import open_node
from dataclasses import replace
from commonweal.node.services import notifications
from commonweal.node.services.notification_mail import smtp_config

node = open_node(Path(sys.argv[1]), registry=PROGRAM.registry())
smtp = smtp_config("127.0.0.1", port=int(sys.argv[3]), sender="node@commons.test")
node.config = replace(node.config, smtp=smtp)
if sys.argv[2] == "die-before-sending":
    def killed(settings, message):
        os.kill(os.getpid(), signal.SIGKILL)  # as kill -9 would, mid-tick
    notifications.deliver = killed
print(notifications.run_due(node))
node.close()
"""


def run_child(data_dir: Path, mode: str, smtp: SmtpServer) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), mode, str(smtp.port)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_a_kill_between_record_and_send_loses_nothing_and_sends_once(
    community: Community, smtp: SmtpServer, tmp_path: Path
) -> None:
    run_notifier(community.node)
    subscribe(community, "alice")
    community.apply("dana")  # alice may vouch for dana: one notification for her
    data_dir = tmp_path / "node"

    killed = run_child(data_dir, "die-before-sending", smtp)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    rows = NotificationStore(community.node.store).all_rows()
    assert [(r.kind, r.status, r.attempts) for r in rows] == [("vouch_wanted", "pending", 0)]
    assert smtp.mailbox.mails == []

    restarted = run_child(data_dir, "send", smtp)
    assert restarted.returncode == 0, restarted.stderr
    assert restarted.stdout.strip() == "1"
    again = run_child(data_dir, "send", smtp)
    assert again.returncode == 0 and again.stdout.strip() == "0", again.stderr
    assert len(smtp.mailbox.to("alice@example.org")) == 1
    assert len(smtp.mailbox.mails) == 1
    assert [r.status for r in NotificationStore(community.node.store).all_rows()] == ["sent"]

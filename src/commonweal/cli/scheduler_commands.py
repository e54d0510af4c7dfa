"""``commonweal scheduler``: the node's time-driven work as a process of its own."""

from __future__ import annotations

import signal
from pathlib import Path

import typer

from commonweal.capabilities import PROGRAM
from commonweal.cli.common import (
    DataDir,
    LogFormatOption,
    LogLevelOption,
    Passphrase,
    SmtpFrom,
    SmtpHost,
    SmtpPort,
    SmtpSecurity,
    SmtpUser,
    check_log_options,
    configure_logs,
    console,
    fail,
    with_smtp,
)
from commonweal.core.language import _
from commonweal.node.kernel.runtime import tune_collector
from commonweal.node.kernel.scheduler import HEARTBEAT_FILE, Scheduler
from commonweal.node.kernel.setup import SetupError, open_node
from commonweal.node.kernel.upgrade import require_current_schema


def scheduler(
    data_dir: Path = DataDir,
    database_url: str | None = typer.Option(None, "--database-url", help="Override the database."),
    passphrase: str | None = Passphrase,
    smtp_host: str | None = SmtpHost,
    smtp_port: int | None = SmtpPort,
    smtp_from: str | None = SmtpFrom,
    smtp_security: str = SmtpSecurity,
    smtp_user: str | None = SmtpUser,
    log_format: str = LogFormatOption,
    log_level: str = LogLevelOption,
) -> None:
    """Run the node's time-driven work (votes closing, rounds, checkpoints, …) until stopped,
    beside `commonweal serve --no-scheduler` on the same data directory."""
    check_log_options(log_format, log_level)
    try:
        require_current_schema(data_dir, database_url)  # migrating is `commonweal upgrade`'s
        node = open_node(
            data_dir,
            passphrase=passphrase,
            database_url=database_url,
            migrate_schema=False,
            registry=PROGRAM.registry(),
        )
    except SetupError as error:
        raise fail(str(error)) from None
    with_smtp(node, smtp_host, smtp_port, smtp_from, smtp_security, smtp_user)
    configure_logs(log_format, log_level)
    tune_collector()
    worker = Scheduler(node, jobs=PROGRAM.jobs(node), heartbeat=data_dir / HEARTBEAT_FILE)
    signal.signal(signal.SIGTERM, lambda _signal, _frame: worker.stop())
    console.print(
        _(
            "Scheduling %(did)s; heartbeat in %(value)s",
            did=node.identity.did,
            value=data_dir / HEARTBEAT_FILE,
        )
    )
    try:
        worker.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        node.close()

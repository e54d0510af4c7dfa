"""``commonweal backup``, ``restore-backup`` and ``upgrade`` (docs/operations.md)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import typer

from commonweal.cli.common import DataDir, console, errors, fail
from commonweal.core.language import _
from commonweal.node.kernel.backup.make import default_backup_path, take_backup
from commonweal.node.kernel.backup.restore import restore_backup
from commonweal.node.kernel.setup import SetupError
from commonweal.node.kernel.upgrade import upgrade_node

DatabaseUrl = typer.Option(
    None, "--database-url", help="The node's PostgreSQL URL, if not the one in node.json."
)


def _now() -> datetime:
    return datetime.now(UTC)


def backup(
    data_dir: Path = DataDir,
    output: Path | None = typer.Option(
        None, "--output", "-o", help="The backup file to write (default: DIR/backups/…tar)."
    ),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Back the node up into one file while it serves: key, settings, the whole database."""
    try:
        made = take_backup(
            data_dir,
            output or default_backup_path(data_dir, _now()),
            now=_now,
            database_url=database_url,
        )
    except SetupError as error:
        raise fail(str(error)) from None
    console.print(
        _(
            "Backed up %(size)s entries (%(database)s) to %(path)s",
            size=format(made.size, ","),
            database=made.database,
            path=made.path,
        )
    )
    console.print(_("  log root   %(value)s", value=base64.b64encode(made.root).decode()))
    console.print(
        _(
            "  %(bytes)s bytes in %(seconds)s s",
            bytes=format(made.bytes, ","),
            seconds=format(made.seconds, ".1f"),
        )
    )
    console.print(
        _("Check it with: commonweal restore-backup %(path)s --data-dir NEW_DIR", path=made.path)
    )


def restore(
    backup_file: Path = typer.Argument(..., help="A file written by `commonweal backup`."),
    data_dir: Path = typer.Option(
        ..., "--data-dir", "-d", help="The new (or empty) data directory to restore into."
    ),
    database_url: str | None = typer.Option(
        None, "--database-url", help="Restore a PostgreSQL backup into this (empty) database."
    ),
    accept_rollback: bool = typer.Option(
        False,
        "--accept-rollback",
        help="Restore even if witnesses cosigned more of the log, or another history.",
    ),
) -> None:
    """Bring a backup back into an empty data directory (refusing a damaged backup)."""
    try:
        done = restore_backup(
            backup_file, data_dir, database_url=database_url, accept_rollback=accept_rollback
        )
    except SetupError as error:
        raise fail(str(error)) from None
    for line in done.warnings:
        errors.print(_("[bold red]warning:[/] %(line)s", line=line))
    if any(w.startswith("ROLLBACK ACCEPTED") for w in done.warnings):
        errors.print(
            _(
                "[bold red]This node's log is now behind, or beside, what its witnesses "
                "cosigned: they will refuse its checkpoints until it is made whole.[/]"
            )
        )
    for line in done.consistent:
        console.print(f"  {line}")
    console.print(
        _(
            "Restored %(did)s: %(size)s entries (%(database)s) in %(data_dir)s",
            did=done.did,
            size=format(done.size, ","),
            database=done.database,
            data_dir=data_dir,
        )
    )
    console.print(_("Verify it with: commonweal verify %(data_dir)s", data_dir=data_dir))


def upgrade(
    data_dir: Path = DataDir,
    backup_to: Path | None = typer.Option(
        None, "--backup-to", help="Where the backup taken first goes (default: DIR/backups/)."
    ),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Back the node up, then migrate its database to this release's schema."""
    try:
        done = upgrade_node(data_dir, now=_now, backup_to=backup_to, database_url=database_url)
    except SetupError as error:
        raise fail(str(error)) from None
    if done.backup is None:
        console.print(
            _("The schema is at %(after)s, this release's newest: nothing to do.", after=done.after)
        )
        return
    console.print(
        _(
            "Backed up %(size)s entries to %(path)s",
            size=format(done.backup.size, ","),
            path=done.backup.path,
        )
    )
    console.print(
        _("Migrated the schema from %(before)s to %(after)s.", before=done.before, after=done.after)
    )

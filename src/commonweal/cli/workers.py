"""``commonweal serve --workers N``: N web processes on one port, and the scheduler once.

The supervising process binds the address once and hands the listening socket to each
worker (inherited file descriptor; the kernel gives each new connection to whichever
worker accepts first, so a worker that dies takes no queued connection with it). Every
worker is an ordinary ``commonweal serve --no-scheduler`` on the same PostgreSQL
database: it loads the state, verifies signatures, takes the log's turn to append
(store/sequencer.py) and follows what the others append (node/kernel/follower.py).
One ``commonweal scheduler`` process runs the time-driven work; worker 0 alone syncs with
recognised nodes. A worker or the scheduler that dies is started again; a stop signal
stops them all. docs/operations.md describes the whole arrangement.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import typer

from commonweal.core.language import _
from commonweal.node.kernel.setup import read_settings

RESTART_SECONDS = 1.0
EARLY_EXIT_SECONDS = 15.0
"""A process that ends by itself this soon after its first start is a set-up error: the
supervisor then stops everything and exits with its code, instead of starting it again."""
STOP_SECONDS = 30.0


def listening_socket(host: str, port: int) -> socket.socket:
    """The server socket every worker accepts from (inheritable)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def worker_arguments(argv: Sequence[str], fd: int, index: int) -> list[str]:
    """``serve``'s own arguments without ``--workers``, for worker ``index``."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--workers":
            skip = True
            continue
        if arg.startswith("--workers=") or arg == "--no-scheduler":
            continue
        kept.append(arg)
    kept += ["--no-scheduler", "--listen-fd", str(fd)]
    if index:
        kept.append("--no-federation-sync")
    return kept


@dataclass
class Child:
    """One supervised process."""

    name: str
    command: list[str]
    pass_fds: tuple[int, ...] = ()
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    starts: int = 0
    exits: list[int] = field(default_factory=list)

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            self.command, pass_fds=self.pass_fds, env=env, preexec_fn=_stop_with_parent
        )
        self.started = time.monotonic()
        self.starts += 1


def supervise(
    argv: Sequence[str],
    *,
    host: str,
    port: int,
    workers: int,
    scheduler_args: list[str],
    passphrase: str | None,
) -> None:
    """Run ``workers`` serve processes and one scheduler until stopped."""
    sock = listening_socket(host, port)
    python = [sys.executable, "-m", "commonweal.cli.main"]
    env = dict(os.environ)
    if passphrase is not None:
        env["COMMONWEAL_PASSPHRASE"] = passphrase
    children = [Child("scheduler", [*python, "scheduler", *scheduler_args])]
    children += [
        Child(f"worker {i}", [*python, *worker_arguments(argv, sock.fileno(), i)], (sock.fileno(),))
        for i in range(workers)
    ]
    stopping = False

    def stop(_signal: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        child.start(env)
    typer.echo(
        _(
            "Supervising %(workers)s workers on %(host)s:%(port)s and one scheduler",
            workers=workers,
            host=host,
            port=port,
        ),
        err=True,
    )
    code = 0
    try:
        while not stopping:
            time.sleep(0.2)
            for child in children:
                assert child.process is not None
                status = child.process.poll()
                if status is None or stopping:
                    continue
                child.exits.append(status)
                early = time.monotonic() - child.started < EARLY_EXIT_SECONDS
                if early and child.starts == 1 and status > 0:
                    typer.echo(
                        _(
                            "%(name)s could not start (exit %(status)s); stopping",
                            name=child.name,
                            status=status,
                        ),
                        err=True,
                    )
                    stopping, code = True, status
                    break
                typer.echo(
                    _(
                        "%(name)s ended (exit %(status)s); starting it again",
                        name=child.name,
                        status=status,
                    ),
                    err=True,
                )
                time.sleep(RESTART_SECONDS)
                child.start(env)
    finally:
        _stop_all(children)
        sock.close()
    if code:
        raise typer.Exit(code)


def _stop_with_parent() -> None:
    """In the child, before it runs: on Linux, be sent SIGTERM if the supervisor dies
    (even by kill -9), so no worker is left serving unsupervised."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: the supervisor's own stop still stops its children


PR_SET_PDEATHSIG = 1


def _stop_all(children: list[Child]) -> None:
    running = [c.process for c in children if c.process and c.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def workers_scheduler_args(
    data_dir: Path, database_url: str | None, log_format: str, log_level: str
) -> list[str]:
    """``commonweal scheduler``'s arguments for the data directory ``serve`` was given.

    Refuses (a :class:`WorkersRefused`) unless the node's database is PostgreSQL."""
    url = database_url or read_settings(data_dir).database_url
    if not url or not url.startswith("postgres"):
        raise WorkersRefused(
            "--workers above 1 needs the node's database on PostgreSQL. This node uses "
            "SQLite, which takes one writer at a time: extra processes would only queue on "
            "its write lock and each hold another copy of the state. Serve it with one "
            "process (the default), or move it to PostgreSQL (docs/operations.md)."
        )
    args = ["--data-dir", str(data_dir), "--log-format", log_format, "--log-level", log_level]
    return args + (["--database-url", database_url] if database_url else [])


class WorkersRefused(Exception):
    """``serve --workers`` cannot run on this node as configured."""


def smtp_args(
    host: str | None, port: int | None, sender: str | None, security: str, user: str | None
) -> list[str]:
    """The scheduler's mail options, as ``serve`` was given them (it sends notifications)."""
    given = {"--smtp-host": host, "--smtp-port": port, "--smtp-from": sender, "--smtp-user": user}
    args = [
        item for flag, value in given.items() if value is not None for item in (flag, str(value))
    ]
    return [*args, "--smtp-security", security] if host else args

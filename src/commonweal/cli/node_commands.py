"""``commonweal init``, ``serve`` and ``demo``."""

from __future__ import annotations

import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import typer
import uvicorn

from commonweal.capabilities import PROGRAM
from commonweal.cli.common import (
    DataDir,
    LogFormatOption,
    LogLevelOption,
    Passphrase,
    PublicUrl,
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
from commonweal.cli.issuer_commands import with_open_kinds
from commonweal.cli.workers import (
    WorkersRefused,
    smtp_args,
    supervise,
    workers_scheduler_args,
)
from commonweal.core.language import _
from commonweal.node.kernel.issuer_tokens import IssuerTokens
from commonweal.node.kernel.movable_clock import ClockRefused, movable_clock
from commonweal.node.kernel.public_url import PublicUrlError, default_public_url, served_url
from commonweal.node.kernel.runtime import raise_open_file_limit, tune_collector
from commonweal.node.kernel.scheduler import HEARTBEAT_FILE
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import (
    SetupError,
    init_node,
    open_node,
    read_settings,
)
from commonweal.node.kernel.upgrade import require_current_schema
from commonweal.web.app import create_app
from commonweal.web.connections import ConnectionLimits, guarded_protocol
from commonweal.web.proxy import NO_PROXY, ProxyTrust, ProxyTrustError
from commonweal.web.ratelimit import CLASSES, NO_RATE_LIMITS, RateLimits

_DEFAULT_LIMITS = ConnectionLimits()


def init(
    name: str = typer.Option(..., "--name", help="The node's public name."),
    data_dir: Path = DataDir,
    description: str = typer.Option("", help="What the node is, in a sentence or two."),
    public_url: str | None = typer.Option(
        None,
        "--public-url",
        "--url",
        envvar="COMMONWEAL_PUBLIC_URL",
        help="The URL the node will be reached at (kept in node.json and announced in its "
        "profile); default: the address `serve` listens on.",
    ),
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        help="Use this PostgreSQL URL instead of SQLite in the data directory.",
    ),
    founder: list[str] = typer.Option(
        [], "--founder", help="A founding member's did:key (repeat); founders become stewards."
    ),
    admission: str | None = typer.Option(
        None, help="Admission policy: open, vouch or approval (default: vouch, 2 vouches)."
    ),
    vouches: int = typer.Option(2, help="Vouches needed under the vouch policy."),
    domain: str | None = typer.Option(
        None,
        help="The node's domain: it is then did:web:<domain> and serves /.well-known/did.json.",
    ),
    encrypt: bool = typer.Option(False, "--encrypt", help="Seal the node key with a passphrase."),
    passphrase: str | None = Passphrase,
    checkpoint_every_events: int = typer.Option(
        1000, help="Sign a checkpoint after this many new entries."
    ),
    checkpoint_every_seconds: float = typer.Option(
        5.0, help="...or once unsigned entries have waited this long."
    ),
    open_kind: list[str] = typer.Option(
        [],
        "--open-kind",
        help="Define an open credential kind (repeat): any claims, issued only by an issuer "
        "token scoped to it, signed by the automation issuer (docs/conformance.md).",
    ),
) -> None:
    """Create a node: its key, its database and the first entry of its log."""
    if encrypt and not passphrase:
        passphrase = typer.prompt(
            _("Passphrase for the node key"), hide_input=True, confirmation_prompt=True
        )
    try:
        node = init_node(
            data_dir,
            registry=PROGRAM.registry(),
            name=name,
            description=description,
            url=public_url or "",
            database_url=database_url,
            passphrase=passphrase if encrypt or passphrase else None,
            checkpoint_every_events=checkpoint_every_events,
            checkpoint_every_seconds=checkpoint_every_seconds,
            domain=domain,
            founders=founder,
            admission={"admission": admission, "vouches_required": vouches} if admission else None,
            constitution=with_open_kinds(open_kind),
        )
    except SetupError as error:
        raise fail(str(error)) from None
    console.print(_("Created [bold]%(name)s[/] in %(data_dir)s", name=name, data_dir=data_dir))
    console.print(_("  node DID    %(did)s", did=node.identity.did))
    console.print(_("  log origin  %(origin)s", origin=node.identity.origin))
    console.print(f"  vkey        {node.identity.vkey}")
    if open_kind:
        console.print(f"  automation issuer {node.identity.automation_did}")
    node.close()
    console.print(_("Serve it with: commonweal serve --data-dir %(data_dir)s", data_dir=data_dir))


def serve(
    data_dir: Path = DataDir,
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    database_url: str | None = typer.Option(None, "--database-url", help="Override the database."),
    passphrase: str | None = Passphrase,
    public_url: str | None = PublicUrl,
    test_clock_file: Path | None = typer.Option(
        None, "--test-clock-file", hidden=True, help="Browser tests only (docs/web.md)."
    ),
    trusted_proxy: list[str] = typer.Option(
        [],
        "--trusted-proxy",
        envvar="COMMONWEAL_TRUSTED_PROXY",
        help="A reverse proxy's IP address or network (repeat, or a space-separated list in "
        "COMMONWEAL_TRUSTED_PROXY): only its forwarded headers give the client's address and "
        "scheme. Default: none, and forwarded headers are ignored.",
    ),
    proxy_header: str = typer.Option(
        "x-forwarded",
        "--proxy-header",
        envvar="COMMONWEAL_PROXY_HEADER",
        help="Which headers the trusted proxy sets: x-forwarded (X-Forwarded-For and "
        "X-Forwarded-Proto, as Caddy does) or forwarded (RFC 7239).",
    ),
    no_rate_limit: bool = typer.Option(
        False, "--no-rate-limit", help="Serve without rate limits (docs/operations.md)."
    ),
    rate_limit: list[str] = typer.Option(
        [],
        "--rate-limit",
        help="A budget CLASS=REQUESTS/SECONDS, e.g. write=600/60 (repeatable); classes: "
        + ", ".join(CLASSES)
        + ".",
    ),
    no_scheduler: bool = typer.Option(
        False,
        "--no-scheduler",
        help="Leave time-driven work to `commonweal scheduler`, run as its own process.",
    ),
    smtp_host: str | None = SmtpHost,
    smtp_port: int | None = SmtpPort,
    smtp_from: str | None = SmtpFrom,
    smtp_security: str = SmtpSecurity,
    smtp_user: str | None = SmtpUser,
    log_format: str = LogFormatOption,
    log_level: str = LogLevelOption,
    access_log: bool = typer.Option(False, "--access-log", help="Log a line per request."),
    observability: bool = typer.Option(
        True,
        "--observability/--no-observability",
        help="Request ids, latency metrics and /metrics (off only to measure their cost).",
    ),
    max_connections: int = typer.Option(
        _DEFAULT_LIMITS.max_connections, min=1, help="Open connections at once, from everyone."
    ),
    max_connections_per_address: int = typer.Option(
        _DEFAULT_LIMITS.max_per_address, min=1, help="Open connections at once from one address."
    ),
    header_timeout: float = typer.Option(
        _DEFAULT_LIMITS.header_timeout, min=0.1, help="Seconds for a request's headers to arrive."
    ),
    body_timeout: float = typer.Option(
        _DEFAULT_LIMITS.body_timeout, min=0.1, help="Seconds for a request's body to arrive."
    ),
    keep_alive_timeout: float = typer.Option(
        _DEFAULT_LIMITS.keep_alive_timeout, min=0.1, help="Seconds an idle connection stays open."
    ),
    workers: int = typer.Option(
        1,
        min=1,
        help="Web worker processes sharing the port, plus one scheduler process "
        "(more than 1 needs PostgreSQL; docs/operations.md).",
    ),
    read_barrier: bool = typer.Option(
        True,
        "--read-barrier/--no-read-barrier",
        help="Reads catch up with writes other processes acknowledged (docs/operations.md).",
    ),
    listen_fd: int | None = typer.Option(None, "--listen-fd", hidden=True),
    federation_sync: bool = typer.Option(
        True, "--federation-sync/--no-federation-sync", hidden=True
    ),
    tls_cert: Path | None = typer.Option(
        None, "--tls-cert", help="Serve HTTPS with this PEM certificate (with --tls-key)."
    ),
    tls_key: Path | None = typer.Option(None, "--tls-key", help="The certificate's PEM key."),
) -> None:
    """Serve the node's API, log tiles and pages."""
    if (tls_cert is None) != (tls_key is None):
        raise fail("--tls-cert and --tls-key go together")
    check_log_options(log_format, log_level)
    if workers > 1:
        try:
            scheduler_args = workers_scheduler_args(data_dir, database_url, log_format, log_level)
        except (WorkersRefused, SetupError) as refused:
            raise fail(str(refused)) from None
        scheduler_args += smtp_args(smtp_host, smtp_port, smtp_from, smtp_security, smtp_user)
        supervise(
            sys.argv[1:],
            host=host,
            port=port,
            workers=workers,
            scheduler_args=scheduler_args,
            passphrase=passphrase,
        )
        return
    connections = ConnectionLimits(
        max_connections=max_connections,
        max_per_address=max_connections_per_address,
        header_timeout=header_timeout,
        body_timeout=body_timeout,
        keep_alive_timeout=keep_alive_timeout,
    )
    try:
        trust = ProxyTrust.parse(trusted_proxy, proxy_header)
    except ProxyTrustError as error:
        raise fail(str(error)) from None
    try:
        limits = serve_rate_limits(data_dir, rate_limit, enabled=not no_rate_limit)
        clock = movable_clock(test_clock_file, host) if test_clock_file else None
        require_current_schema(data_dir, database_url)
        settings = read_settings(data_dir)
        node = open_node(
            data_dir,
            registry=PROGRAM.registry(),
            passphrase=passphrase,
            database_url=database_url,
            public_url=public_url,
            default_public_url=default_public_url(host, port, settings.domain),
            migrate_schema=False,
            **({"clock": clock} if clock else {}),
        )
    except (SetupError, ClockRefused, PublicUrlError) as error:
        raise fail(str(error)) from None
    with_smtp(node, smtp_host, smtp_port, smtp_from, smtp_security, smtp_user)
    if clock is not None:
        console.print("[bold red]TEST CLOCK[/]: this node's time is moved by " + str(clock.path))
    console.print(
        _(
            "Serving %(did)s on %(served_url)s/ (public URL %(public_url)s)",
            did=node.identity.did,
            served_url=served_url(host, port),
            public_url=node.config.public_url,
        )
    )
    if settings.domain and node.config.public_url != f"https://{settings.domain}":
        console.print(
            _(
                "[bold yellow]note:[/] %(did)s is resolved at "
                "https://%(domain)s/.well-known/did.json, not under the "
                "public URL %(public_url)s",
                did=node.identity.did,
                domain=settings.domain,
                public_url=node.config.public_url,
            )
        )
    if trust.networks:
        proxies = ", ".join(str(network) for network in trust.networks)
        console.print(
            _(
                "Client addresses and schemes from %(header)s headers sent by %(proxies)s",
                header=trust.header,
                proxies=proxies,
            )
        )
    configure_logs(log_format, log_level)
    run_server(
        node,
        host,
        port,
        IssuerTokens(data_dir),
        trust,
        limits,
        connections,
        scheduler_heartbeat=data_dir / HEARTBEAT_FILE if no_scheduler else None,
        observability=observability,
        access_log=access_log,
        log_level=log_level,
        listen_fd=listen_fd,
        federation_sync=federation_sync,
        read_barrier=read_barrier,
        tls=(tls_cert, tls_key) if tls_cert and tls_key else None,
    )


def serve_rate_limits(data_dir: Path, flags: list[str], *, enabled: bool) -> RateLimits:
    """node.json's ``rate_limits``, then the ``--rate-limit`` flags, then ``--no-rate-limit``."""
    try:
        limits = RateLimits.from_settings(read_settings(data_dir).rate_limits)
        overrides = dict(flag.partition("=")[::2] for flag in flags)
        limits = limits.with_quotas(overrides)
    except ValueError as error:
        raise SetupError(f"rate limits: {error}") from None
    return limits if enabled else NO_RATE_LIMITS


def run_server(
    node: Node,
    host: str,
    port: int,
    issuer_tokens: frozenset[str] | Callable[[], frozenset[str]] = frozenset(),
    trusted_proxies: ProxyTrust = NO_PROXY,
    rate_limits: RateLimits | None = None,
    connections: ConnectionLimits = _DEFAULT_LIMITS,
    *,
    scheduler_heartbeat: Path | None = None,
    observability: bool = True,
    access_log: bool = False,
    log_level: str = "warning",
    listen_fd: int | None = None,
    federation_sync: bool = True,
    read_barrier: bool = True,
    tls: tuple[Path, Path] | None = None,
) -> None:
    """Serve ``node`` until interrupted, then release it; ``issuer_tokens`` as in
    :func:`create_app` (the data directory's, re-read when ``issuer-token`` adds one).

    Connections are capped and timed out by ``connections`` (web.connections); a trusted
    proxy's own address is not capped per address. The process first raises its
    open-file limit as far as those caps need, and warns if it cannot.
    """
    tune_collector()
    proxies = {str(n.network_address) for n in trusted_proxies.networks if n.num_addresses == 1}
    connections = replace(connections, exempt=connections.exempt | proxies)
    files = raise_open_file_limit(connections.max_connections)
    if files.warning():
        typer.echo(_("Warning: %(warning)s", warning=files.warning()), err=True)
    app = create_app(
        node,
        program=PROGRAM,
        issuer_tokens=issuer_tokens,
        trusted_proxies=trusted_proxies,
        rate_limits=rate_limits,
        scheduler_heartbeat=scheduler_heartbeat,
        observability=observability,
        access_log=access_log,
        federation_sync=federation_sync,
        read_barrier=read_barrier,
    )
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again: with the
    # default handler the process would die there, before the node is closed and its
    # write-ahead log folded into node.db. This handler turns it into a normal exit.
    signal.signal(signal.SIGTERM, _exit_on_terminate)
    try:
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_config=None,  # records go to the root logger, formatted by web/logs.py
            log_level=log_level,
            access_log=False,
            proxy_headers=False,  # web.proxy reads forwarded headers, from trusted proxies only
            server_header=False,
            http=guarded_protocol(connections),
            timeout_keep_alive=max(1, round(connections.keep_alive_timeout)),
            ssl_certfile=str(tls[0]) if tls else None,
            ssl_keyfile=str(tls[1]) if tls else None,
        )
        # a worker of `serve --workers` accepts from the socket its supervisor bound
        sockets = None if listen_fd is None else [socket.socket(fileno=listen_fd)]
        uvicorn.Server(config).run(sockets=sockets)
    finally:
        node.close()


def _exit_on_terminate(_signal: int, _frame: object) -> None:
    raise SystemExit(0)

"""Options and output helpers shared by the commands."""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from commonweal.client.http import NodeClient, NodeRefused
from commonweal.client.wallet import Wallet, WalletError, default_wallet
from commonweal.core.keys import SigningKey
from commonweal.core.language import _
from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.timestamps import utc_stamp
from commonweal.node.kernel.setup import SetupError, read_key_file

# No emoji codes (":key:" is part of every did:key) and no wrapping of long values.
console = Console(emoji=False, soft_wrap=True)
errors = Console(stderr=True, emoji=False, soft_wrap=True)

DataDir = typer.Option(Path("data"), "--data-dir", "-d", help="The node's data directory.")
Passphrase = typer.Option(
    None,
    "--passphrase",
    envvar="COMMONWEAL_PASSPHRASE",
    help="Passphrase of an encrypted key file (or set COMMONWEAL_PASSPHRASE).",
)

SmtpHost = typer.Option(
    None,
    "--smtp-host",
    envvar="COMMONWEAL_SMTP_HOST",
    help="The SMTP server notifications are mailed through (default: none, no mail; "
    "docs/notifications.md). Its password, if any: COMMONWEAL_SMTP_PASSWORD.",
)
SmtpPort = typer.Option(
    None, "--smtp-port", envvar="COMMONWEAL_SMTP_PORT", help="Default: 25, 587 or 465."
)
SmtpFrom = typer.Option(
    None, "--smtp-from", envvar="COMMONWEAL_SMTP_FROM", help="The mails' From address."
)
SmtpSecurity = typer.Option(
    "none",
    "--smtp-security",
    envvar="COMMONWEAL_SMTP_SECURITY",
    help="none, starttls or ssl.",
)
SmtpUser = typer.Option(None, "--smtp-user", envvar="COMMONWEAL_SMTP_USER", help="SMTP login.")

PublicUrl = typer.Option(
    None,
    "--public-url",
    envvar="COMMONWEAL_PUBLIC_URL",
    help="The URL the node is reached at, e.g. https://commons.example.org: every URL the node "
    "mints starts with it (or set COMMONWEAL_PUBLIC_URL; default: node.json's, else "
    "http://<host>:<port>).",
)

LogFormatOption = typer.Option(
    "auto", "--log-format", help="json, console, or auto (json unless stderr is a terminal)."
)
LogLevelOption = typer.Option("info", "--log-level", help="debug, info, warning or error.")


def check_log_options(log_format: str, log_level: str) -> None:
    """Exit with a plain error for a log format or level that does not exist."""
    from commonweal.web import logs

    if log_format not in ("auto", "json", "console"):
        raise fail(
            _("--log-format must be json, console or auto, not %(value)s", value=repr(log_format))
        )
    if log_level.lower() not in logs.LEVELS:
        raise fail(
            _(
                "--log-level must be one of %(levels)s, not %(value)s",
                levels=", ".join(logs.LEVELS),
                value=repr(log_level),
            )
        )


def configure_logs(log_format: str, log_level: str) -> None:
    """Set up this process's structured logs (options checked by :func:`check_log_options`)."""
    from commonweal.web import logs

    check_log_options(log_format, log_level)
    logs.configure(log_format=log_format, level=log_level.lower())  # type: ignore[arg-type]


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as an error and return the exit to raise."""
    label = _("error:")
    errors.print(f"[bold red]{label}[/] {escape(message)}")  # "[postgres]" is not markup
    return typer.Exit(code)


NodeUrl = typer.Option("http://127.0.0.1:8000", "--node", "-n", help="The node's URL.")
WalletDir = typer.Option(
    None,
    "--wallet",
    "-w",
    help="Wallet folder (default: COMMONWEAL_WALLET or ~/.commonweal/wallet).",
)
KeyFile = typer.Option(None, "--key", "-k", help="Sign with this key file instead of the wallet.")


def signing_key(wallet: Path | None, key: Path | None, passphrase: str | None) -> SigningKey:
    """The key to sign with: a key file if given, else the wallet's key."""
    try:
        if key is not None:
            return read_key_file(key, passphrase)
        return Wallet(wallet or default_wallet()).key(passphrase)
    except (SetupError, WalletError) as error:
        raise fail(str(error)) from None


@contextmanager
def connected(node: str, *, refused: str | None = None) -> Iterator[NodeClient]:
    """A client of the node at ``node``; the node refusing anything asked of it inside
    exits with its explanation, after ``refused`` (default: "the node refused: ")."""
    try:
        with NodeClient(node) as client:
            yield client
    except NodeRefused as refusal:
        lead = _("the node refused: ") if refused is None else refused
        raise fail(f"{lead}{refusal}") from None


def act(
    node: str,
    wallet: Path | None,
    key: Path | None,
    passphrase: str | None,
    event_type: str,
    body: dict[str, Any],
) -> dict[str, Any]:
    """Sign ``event_type`` with ``body`` as the wallet's (or key file's) owner, submit it,
    print the receipt and return it; a refusal exits with the node's explanation."""
    signer = signing_key(wallet, key, passphrase)
    with connected(node) as client:
        receipt = client.sign_and_submit(signer, event_type, body)
    console.print_json(json.dumps(receipt))
    return receipt


@dataclass(frozen=True)
class Signer:
    """The options every signing command shares, read as one: the node to send to
    (``--node``) and the key to sign with (``--wallet``, or ``--key`` and ``--passphrase``)."""

    node: str
    wallet: Path | None
    key: Path | None
    passphrase: str | None

    def signing_key(self) -> SigningKey:
        """The key to sign with: the key file if given, else the wallet's key."""
        return signing_key(self.wallet, self.key, self.passphrase)

    def connected(self) -> AbstractContextManager[NodeClient]:
        """A client of the node (:func:`connected`: a refusal exits with its explanation)."""
        return connected(self.node)

    def act(self, event_type: str, body: dict[str, Any]) -> dict[str, Any]:
        """Sign and submit ``event_type`` with ``body``, print the receipt and return it
        (:func:`act`)."""
        return act(self.node, self.wallet, self.key, self.passphrase, event_type, body)

    def made(self, event_type: str, body: dict[str, Any], said: str) -> dict[str, Any]:
        """:meth:`act`, then say what was made: ``said``, a message marked with ``N_``, its
        ``%(index)s`` the receipt's index (the made thing's id); return the receipt."""
        receipt = self.act(event_type, body)
        console.print(_(said, index=receipt["index"]))
        return receipt


_SIGNER_OPTIONS = (
    ("node", str, NodeUrl),
    ("wallet", Path | None, WalletDir),
    ("key", Path | None, KeyFile),
    ("passphrase", str | None, Passphrase),
)

R = TypeVar("R")


def signing(command: Callable[..., R]) -> Callable[..., R]:
    """Give a command whose keyword-only ``signer: Signer`` parameter the four signer
    options in its place (``--node``, ``--wallet``, ``--key``, ``--passphrase``, in that
    order, as Typer options), and call it with them read as one :class:`Signer`."""
    signature = inspect.signature(command, eval_str=True)
    parameters: list[inspect.Parameter] = []
    for parameter in signature.parameters.values():
        if parameter.name != "signer":
            parameters.append(parameter)
            continue
        parameters.extend(
            inspect.Parameter(
                name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=option, annotation=kind
            )
            for name, kind, option in _SIGNER_OPTIONS
        )
    if len(parameters) != len(signature.parameters) + len(_SIGNER_OPTIONS) - 1:
        raise TypeError(f"{command.__name__} takes no keyword-only signer: Signer")

    @functools.wraps(command)
    def run(**values: Any) -> R:
        signer = Signer(*(values.pop(name) for name, _, _ in _SIGNER_OPTIONS))
        return command(**values, signer=signer)

    run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    run.__annotations__["return"] = signature.return_annotation
    return run


def event_command(
    app: typer.Typer,
    name: str,
    event_type: str,
    doc: str,
    *,
    subject: str,
    argument: Any,
    kind: type = int,
    member: str | None = None,
    reason: str | None = None,
    reason_sent: Literal["always", "given", "never"] = "always",
    also: Sequence[tuple[str, type, Any]] = (),
) -> None:
    """Register ``name SUBJECT`` on ``app``: sign one ``event_type`` about one thing.

    The command takes the argument ``subject`` (``argument``, a ``typer.Argument``, of type
    ``kind``), sent as the body member ``member`` (default: ``subject``); then each of
    ``also`` (a parameter's name, type and ``typer`` argument or option), sent as the body
    member of its name; with ``reason`` (the option's help), a ``--reason`` too, sent
    always, only when given, or never (``reason_sent``); and the signer options. ``doc``
    is its help.
    """
    parameters = [
        inspect.Parameter(
            parameter, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=type_
        )
        for parameter, type_, default in ((subject, kind, argument), *also)
    ]
    if reason is not None:
        option = typer.Option("", help=reason)
        parameters.append(
            inspect.Parameter(
                "reason", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=option, annotation=str
            )
        )
    parameters.append(
        inspect.Parameter("signer", inspect.Parameter.KEYWORD_ONLY, annotation=Signer)
    )

    def command(*, signer: Signer, **values: Any) -> None:
        body = {member or subject: values[subject]}
        body.update((parameter, values[parameter]) for parameter, _, _ in also)
        text = values.get("reason", "")
        if reason is not None and (reason_sent == "always" or (reason_sent == "given" and text)):
            body["reason"] = text
        signer.act(event_type, body)

    command.__signature__ = inspect.Signature(parameters, return_annotation=None)  # type: ignore[attr-defined]
    command.__doc__ = doc
    command.__name__ = command.__qualname__ = name.replace("-", "_")
    app.command(name)(signing(command))


def given(**members: Any) -> dict[str, Any]:
    """The optional body members an option gave (those that are not None)."""
    return {name: value for name, value in members.items() if value is not None}


def filled(**members: Any) -> dict[str, Any]:
    """The optional body members an option filled in (those that are not empty)."""
    return {name: value for name, value in members.items() if value}


def fetch(node: str, path: str, **params: Any) -> Any:
    """GET a JSON document from the node; a refusal exits with the node's explanation."""
    with connected(node, refused="") as client:
        return client.get_json(path, **{k: v for k, v in params.items() if v is not None})


def print_checks(checks: Iterable[tuple[str, bool, str]]) -> None:
    """Print an audit's checks, one a line: ok or FAIL, what was checked, what was found."""
    for what, ok, detail in checks:
        console.print(f"{'[green]ok[/]  ' if ok else '[red]FAIL[/]'} {what}: {detail}")


def when(text: str) -> str:
    """A time given on the command line (RFC 3339, or ``now``), in the form booking and
    gathering times take: UTC, to the second."""
    if text == "now":
        return utc_stamp(datetime.now(UTC))
    try:
        return utc_stamp(parse_utc(text))
    except ValueError as error:
        raise fail(str(error)) from None


def shifted(start: str, hours: float) -> str:
    """``hours`` after the time ``start``."""
    return utc_stamp(parse_utc(start) + timedelta(hours=hours))


def with_smtp(
    node: Any,
    host: str | None,
    port: int | None,
    sender: str | None,
    security: str,
    user: str | None,
) -> None:
    """Give ``node`` the SMTP settings the options name (none: mail stays off)."""
    import os
    from dataclasses import replace

    from commonweal.node.services.notification_mail import smtp_config

    try:
        config = smtp_config(
            host,
            port=port,
            sender=sender,
            security=security,
            user=user,
            password=os.environ.get("COMMONWEAL_SMTP_PASSWORD"),
        )
    except ValueError as error:
        raise fail(str(error)) from None
    node.config = replace(node.config, smtp=config)

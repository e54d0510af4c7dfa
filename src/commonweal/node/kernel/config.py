"""The node's tunable settings. Passed in, never read from globals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how the node hands its notification mails over (docs/notifications.md)."""

    host: str
    port: int = 25
    sender: str = "commonweal@localhost"
    security: str = "none"
    """``none``, ``starttls`` (upgrade a plain connection) or ``ssl`` (TLS from the start)."""
    user: str | None = None
    password: str | None = None
    timeout: float = 10.0


@dataclass(frozen=True)
class NodeConfig:
    """How the node checkpoints, batches and judges time."""

    checkpoint_every_events: int = 1000
    """Sign a checkpoint once this many events were appended since the last one."""

    checkpoint_every_seconds: float = 5.0
    """…or once this long passed with unsigned entries (run by the serving process)."""

    max_future_skew: timedelta = timedelta(minutes=10)
    """An event's ``at`` may be at most this far ahead of the node's clock."""

    max_group_events: int = 2000
    """The most events one group commit writes in a transaction."""

    max_batch_events: int = 1000
    """The most events one batch request may carry."""

    trusted_issuers: tuple[str, ...] = ()
    """Issuers trusted besides this node and the nodes it recognises for credentials."""

    witness_quorum: int = 1
    """A checkpoint is final once this many witnesses cosigned it."""

    federation_sync_seconds: float = 1.0
    """How often the serving process syncs with recognised nodes (witness, mirror, evidence)."""

    status_list_max_age_seconds: float = 60.0
    """How long another node's cached status list is trusted before it is fetched again."""

    peer_timeout_seconds: float = 10.0
    """How long to wait for a peer's answer."""

    public_url: str | None = None
    """The URL every URL the node mints starts with (``node/kernel/public_url.py``); when None,
    the node's profile URL, else its did:web address, else a name that never resolves."""

    smtp: SmtpConfig | None = None
    """The SMTP server notifications are mailed through; None (the default): no mail."""

    push_allow_loopback: bool = False
    """Let Web Push subscriptions name http(s) endpoints on 127.0.0.1, ::1 or localhost: for
    tests and development only, never in production (docs/notifications.md, "Web Push")."""

    push_contact: str | None = None
    """The VAPID ``sub`` claim (``mailto:…`` or an ``https://`` origin); None: the public
    URL's origin if it is https, else ``mailto:`` the mails' From address."""

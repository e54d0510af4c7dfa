"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps the mails it receives, and helpers
to set a member's notification preferences with a request signed by their key."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from commonweal.core.multibase import encode_z
from commonweal.core.rfc3339 import format_utc
from commonweal.node.kernel.signed_reads import request_bytes
from commonweal.node.services import notifications
from commonweal.node.services.notification_mail import MailSettings
from tests.community import Community

PORTS = range(9500, 9600)


def free_port() -> int:
    """A port of this helper's range (9500-9599) that nothing listens on now."""
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 9500-9599")


class Mailbox:
    """What the SMTP server received, parsed (RFC 5322, the default email policy)."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.mails.append(parsed)
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m, r in zip(self.mails, self.recipients, strict=True) if address in r]


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that can be stopped and started again on its port."""

    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def settings(self) -> MailSettings:
        return MailSettings(host="127.0.0.1", port=self.port, sender="node@commons.test", timeout=5)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def signed(community: Community, name: str, purpose: str, **extra: Any) -> dict[str, Any]:
    """A request signed by ``name`` for ``purpose`` (node/kernel/signed_reads)."""
    did = community.did(name)
    at = format_utc(community.clock())
    message = request_bytes(purpose, community.node.identity.did, did, at, **extra)
    return {
        "did": did,
        "at": at,
        "sig": encode_z(community.events.key(name).sign(message)),
        **extra,
    }


def subscribe(community: Community, name: str, **preferences: Any) -> dict[str, Any]:
    """``name`` asks for mail at ``name@example.org`` (and any other preferences)."""
    prefs = {"email": f"{name}@example.org", **preferences}
    request = signed(community, name, notifications.PREFERENCES_PURPOSE, preferences=prefs)
    return notifications.set_preferences(community.node, request)

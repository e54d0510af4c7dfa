"""The scheduler of `commonweal serve --smtp-host …` runs the notifier and the sender: a member
who set their address over HTTP gets the mail for an application they could vouch for."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import orjson
import pytest

from commonweal.core.commitment import commitment, new_salt
from commonweal.core.multibase import encode_z
from commonweal.core.rfc3339 import format_utc
from commonweal.node.kernel.service import system_clock
from commonweal.node.kernel.setup import init_node
from commonweal.node.kernel.signed_reads import request_bytes
from commonweal.node.services import notifications
from tests.builders import Clock, EventFactory
from tests.notifications.mailbox import SmtpServer, free_port, smtp
from tests.server import ServerProcess

__all__ = ["smtp"]


@pytest.mark.slow
def test_the_served_node_mails_a_subscribed_member(tmp_path: Path, smtp: SmtpServer) -> None:
    events = EventFactory("", Clock(system_clock()))
    node = init_node(
        tmp_path / "node",
        name="Served Commons",
        founders=[events.did("alice"), events.did("bob")],
        admission={"admission": "vouch", "vouches_required": 2},
    )
    events.node_did = node.identity.did
    node.close()
    args = ["--no-rate-limit", "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp.port)]
    server = ServerProcess(tmp_path / "node", port=free_port(), args=args).start()
    try:
        at = format_utc(system_clock())
        prefs = {"email": "alice@example.org"}
        signed = request_bytes(
            notifications.PREFERENCES_PURPOSE, events.node_did, events.did("alice"), at,
            preferences=prefs,
        )  # fmt: skip
        request = {
            "did": events.did("alice"),
            "at": at,
            "sig": encode_z(events.key("alice").sign(signed)),
            "preferences": prefs,
        }
        answer = httpx.post(f"{server.url}/v1/notifications/preferences", json=request)
        assert answer.status_code == 200, answer.text
        time.sleep(1.5)  # a tick: the notifier's cursor starts at the log's end
        profile = {"display_name": "Dana", "contact": "dana@example.org"}
        salt = new_salt()
        events.clock.now = system_clock()
        event = events.event(
            "dana",
            type="membership.application.submitted",
            body={"commitment": commitment(profile, salt)},
        )
        applied = httpx.post(
            f"{server.url}/v1/membership/applications",
            content=orjson.dumps({"event": event, "profile": profile, "salt": salt}),
            headers={"content-type": "application/json"},
        )
        assert applied.status_code == 201, applied.text
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not smtp.mailbox.mails:
            time.sleep(0.2)
        (mail,) = smtp.mailbox.to("alice@example.org")
        assert mail["Subject"] == "Someone has applied to join"
        assert smtp.mailbox.to("bob@example.org") == []  # bob gave no address
        assert f"{server.url}/members/{events.did('dana')}" in mail.get_content()
    finally:
        server.stop()

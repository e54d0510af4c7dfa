"""Members across nodes, live: a member of one node visits another on their credential,
comments there as the treaty allows, and loses that when their home revokes it. The
operator's commands (recognize, peer list, witness status) run as real CLI commands."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from commonweal.core.rfc3339 import format_utc
from commonweal.core.vc.verify import create_presentation
from tests.builders import EventFactory
from tests.network import HTTP, LiveNode, RealClock, recognize, start_node, stop_all, wait_for

COMMONWEAL = str(Path(sys.executable).parent / "commonweal")


def cli(*args: str) -> str:
    done = subprocess.run([COMMONWEAL, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[LiveNode, LiveNode]]:
    home = start_node(tmp_path, "harbour")
    host = start_node(tmp_path, "riverside")
    try:
        yield home, host
    finally:
        stop_all([home, host])


@pytest.mark.slow
def test_a_visitor_comments_until_their_home_revokes_their_credential(
    pair: tuple[LiveNode, LiveNode],
) -> None:
    home, host = pair
    # Riverside's operator recognises Harbour with the CLI: visitors may comment only.
    cli(
        "recognize",
        home.url,
        "--grant",
        "comment",
        "--node",
        host.url,
        "--data-dir",
        str(host.data_dir),
    )
    recognize(home, host)
    listed = cli("peer", "list", "--node", host.url)
    assert "Harbour" in listed
    wait_for(lambda: "treaty" in cli("peer", "list", "--node", host.url), what="the treaty")
    assert "cosigned" in cli("witness", "status", "--node", host.url)
    # A Harbour member presents her membership credential at Riverside.
    member = home.members[0]
    did = home.events.did(member)
    (membership,) = [
        c
        for c in home.get(f"/v1/members/{did}/credentials")["credentials"]
        if "MembershipCredential" in c["type"]
    ]
    challenge = host.get("/v1/federation/challenge")
    presentation = create_presentation(
        home.events.key(member),
        [membership],
        challenge=challenge["challenge"],
        domain=challenge["domain"],
        created=format_utc(datetime.now(UTC)),
    )
    admitted = HTTP.post(
        host.url + "/v1/federation/visitors", content=orjson.dumps({"presentation": presentation})
    )
    assert admitted.status_code == 201, admitted.text
    replayed = HTTP.post(
        host.url + "/v1/federation/visitors", content=orjson.dumps({"presentation": presentation})
    )
    assert replayed.status_code == 422  # the challenge was used
    proposal = host.submit(
        host.members[0],
        "governance.proposal.drafted",
        body={"kind": "decision", "title": "Share the boat", "text": "Weekends."},
    )["index"]
    abroad = EventFactory(host.did, RealClock(), keys=home.events.keys)  # type: ignore[arg-type]

    def comment(text: str) -> int:
        event = abroad.event(
            member, type="governance.comment.posted", body={"proposal": proposal, "text": text}
        )
        return HTTP.post(host.url + "/v1/events", content=orjson.dumps(event)).status_code

    assert comment("Count us in.") == 201
    # She leaves Harbour; its status list says so, and Riverside ends the visit.
    home.submit(member, "membership.member.left", body={})
    wait_for(
        lambda: (
            next(v for v in host.get("/v1/federation/visitors")["visitors"] if v["visitor"] == did)[
                "status"
            ]
            == "ended"
        ),
        what="Riverside ending the visit",
    )
    assert comment("Still?") == 403
    verified = subprocess.run([COMMONWEAL, "verify", host.url], capture_output=True, text=True)
    assert verified.returncode == 0, verified.stdout

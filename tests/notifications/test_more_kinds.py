"""The notifier's other kinds, each decided from the log and read as a real mail from the
aiosmtpd server: a delegate's vote (and how), an RSVP, a gathering or booking starting
within a day, a claim or message on an aid post, a recognition and a network vote of my
node; per-topic levels and quiet hours apply to them as to every other kind."""

from __future__ import annotations

import hashlib
from pathlib import Path

from commonweal.domain.federation import alliance, precincts
from commonweal.domain.federation.recognition import GRANTED
from commonweal.domain.notifications.decisions import decide
from commonweal.domain.state import State
from commonweal.node.services.notifications import run_notifier, run_sender
from commonweal.store.notification_store import NotificationStore
from tests.builders import Clock
from tests.commons import at, book, register
from tests.community import Community
from tests.federation import alliance_constitution, as_node, make_place, recognition_body
from tests.governance import admit, delegate, draft, submit, to_voting, vote
from tests.mutual import post
from tests.notifications.mailbox import SmtpServer, smtp, subscribe
from tests.notifications.test_notifier import outbox

__all__ = ["smtp"]


def mails(community: Community, smtp: SmtpServer, name: str) -> list[tuple[str, str]]:
    """Send what is due; (subject, text) of every mail ``name`` has received."""
    run_sender(community.node, settings=smtp.settings)
    return [(m["Subject"], m.get_content()) for m in smtp.mailbox.to(f"{name}@example.org")]


def test_my_delegate_voted_and_how(community: Community, smtp: SmtpServer) -> None:
    admit(community, "dana", "erin")
    proposal = draft(community, title="Plant an orchard")
    submit(community, proposal)
    delegate(community, "carol", "bob")  # the whole node: bob
    delegate(community, "dana", "bob", scope="topic:general")
    delegate(community, "erin", "bob")
    delegate(community, "erin", "alice", scope=f"proposal:{proposal}")  # more specific: alice
    to_voting(community, proposal)
    run_notifier(community.node)
    for name in ("alice", "carol", "dana", "erin"):
        subscribe(community, name)
    vote(community, "dana", proposal, {"choice": "no"})  # dana votes herself
    vote(community, "bob", proposal, {"choice": "yes"})
    run_notifier(community.node)
    assert [k for k in outbox(community) if k[1] == "delegate_voted"] == [
        ("carol", "delegate_voted")
    ]
    ((subject, text),) = mails(community, smtp, "carol")
    assert subject == "Your delegate voted: Plant an orchard"
    assert "voted on “Plant an orchard”: “yes”" in text
    assert f"/proposals/{proposal}" in text
    assert mails(community, smtp, "dana") == mails(community, smtp, "erin") == []


def test_a_secret_ballot_is_never_told(community: Community) -> None:
    state = State()
    state.put("governance.proposals", 7, {
        "id": 7, "topic": "general", "title": "Elect a steward", "phase": "voting",
        "rules": {"ballot": "secret", "delegation": True},
    })  # fmt: skip
    state.put("governance.delegations", "did:key:zCarol", {"node": "did:key:zBob"})
    cast = {"proposal": 7, "ballot": {"choice": "yes"}}
    assert decide(state, 9, "governance.ballot.cast", "did:key:zBob", cast) == []
    open_rules = {"ballot": "public", "delegation": True}
    state.put(
        "governance.proposals", 7, {**state.get("governance.proposals", 7), "rules": open_rules}
    )
    (told,) = decide(state, 9, "governance.ballot.cast", "did:key:zBob", cast)
    assert told.recipient == "did:key:zCarol" and told.kind == "delegate_voted"


def test_an_rsvp_and_a_gathering_reminder(community: Community, smtp: SmtpServer) -> None:
    run_notifier(community.node)
    for name in ("alice", "bob", "carol"):
        subscribe(community, name)
    body = {
        "title": "Seed swap",
        "starts": at(community, hours=30),
        "ends": at(community, hours=32),
        "capacity": 10,
        "organisers": [community.did("bob")],
    }
    swap = community.act("alice", "gatherings.gathering.scheduled", body).index
    community.act("carol", "gatherings.rsvp.given", {"gathering": swap, "response": "yes"})
    run_notifier(community.node)
    assert outbox(community) == [("alice", "rsvp_received"), ("bob", "rsvp_received")]
    ((subject, text),) = mails(community, smtp, "bob")
    assert subject == "New RSVP: Seed swap" and "is coming" in text
    assert mails(community, smtp, "carol") == []  # 30 hours ahead: not yet
    community.clock.advance(hours=7)
    run_notifier(community.node)
    community.clock.advance(hours=1)
    run_notifier(community.node)
    ((subject, text),) = mails(community, smtp, "carol")
    assert subject == "Tomorrow or sooner: Seed swap"
    assert f"/gatherings/{swap}" in text and "starts at 24 Nov 2026, 18:00 (UTC)" in text


def test_a_booking_reminder(community: Community, smtp: SmtpServer) -> None:
    run_notifier(community.node)
    subscribe(community, "carol")
    workshop = register(community, title="Workshop")
    booking = book(community, "carol", workshop, 30, 2).index
    run_notifier(community.node)
    assert mails(community, smtp, "carol") == []
    community.clock.advance(hours=7)
    run_notifier(community.node)
    run_notifier(community.node)
    ((subject, text),) = mails(community, smtp, "carol")
    assert subject == "Your booking starts soon: Workshop"
    assert f"/bookings/{booking}" in text


def test_a_claim_and_a_message_on_my_aid_post(community: Community, smtp: SmtpServer) -> None:
    run_notifier(community.node)
    subscribe(community, "alice")
    subscribe(community, "carol")
    offer = post(community, "alice", "offer", title="Spare bicycle")
    community.act("carol", "aid.offer.claimed", {"offer": offer})
    run_notifier(community.node)
    ((subject, text),) = mails(community, smtp, "alice")
    assert subject == "Someone claimed your offer: Spare bicycle" and f"/aid/{offer}" in text
    digest = "sha256:" + hashlib.sha256(b"Tuesday at six?").hexdigest()
    relay = {"post": offer, "to": community.did("carol"), "commitment": digest}
    community.act("alice", "aid.message.relayed", relay)
    run_notifier(community.node)
    ((subject, text),) = mails(community, smtp, "carol")
    assert subject == "A message about “Spare bicycle”"
    assert "Tuesday" not in text  # the message itself never leaves the node by mail


def test_levels_and_quiet_hours_apply_to_the_new_kinds(community: Community) -> None:
    run_notifier(community.node)
    subscribe(community, "alice", levels={"aid": "nothing"})
    subscribe(community, "bob", quiet_hours={"from": "11:00", "to": "13:30"})
    offer = post(community, "alice", "offer", title="Spare bicycle")
    community.act("carol", "aid.offer.claimed", {"offer": offer})
    body = {
        "title": "Seed swap",
        "starts": at(community, hours=30),
        "ends": at(community, hours=32),
        "capacity": 10,
        "organisers": [community.did("bob")],
    }
    swap = community.act("alice", "gatherings.gathering.scheduled", body).index
    community.act("carol", "gatherings.rsvp.given", {"gathering": swap, "response": "yes"})
    run_notifier(community.node)
    rows = NotificationStore(community.node.store).all_rows()
    assert [(r.kind, r.next_attempt) for r in rows if r.recipient == community.did("bob")] == [
        ("rsvp_received", community.clock.now.strftime("%Y-%m-%dT13:30:00Z"))
    ]
    assert not [r for r in rows if r.kind == "aid_claimed"]


def test_a_recognition_and_a_network_vote_of_my_node(
    tmp_path: Path, clock: Clock, smtp: SmtpServer
) -> None:
    mine = make_place(tmp_path, "Aster", clock, members=("alice", "bob"))
    league = make_place(
        tmp_path,
        "Alliance",
        clock,
        members=(),
        founders=[mine.node.identity.key_did],
        constitution=alliance_constitution(),
    )
    here = Community(mine.node, mine.events, clock)  # type: ignore[arg-type]
    run_notifier(mine.node)
    subscribe(here, "alice")
    subscribe(here, "bob")
    mine.act("alice", GRANTED, recognition_body(league.node, alliance=True))
    run_notifier(mine.node)
    ((subject, text),) = mails(here, smtp, "bob")
    assert subject == "Your node now recognises Alliance" and "/network" in text
    call = alliance.call_for(league.node.state, "network", "Join the seed bank", "", ["adopt"])
    vote_id = as_node(mine.node, league.node, alliance.CALLED, call).index
    record = league.node.state.get(alliance.NETWORK_VOTES, vote_id)
    opening = {
        "alliance": league.did,
        "vote": vote_id,
        "call": record["call"],
        "voting_until": record["voting_until"],
    }
    precinct = mine.node.submit_as_node(precincts.OPENED, opening).index
    run_notifier(mine.node)
    got = mails(here, smtp, "alice")
    assert got[-1][0] == "A network vote has opened: Join the seed bank"
    assert f"/network/precincts/{precinct}" in got[-1][1]
    mine.node.close()
    league.node.close()

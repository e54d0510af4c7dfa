"""The notifier: who hears of what, from the log, recorded once in the outbox and mailed
over a real SMTP server (aiosmtpd on 127.0.0.1), retried while the server is down."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest

from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.notifications.decisions import wants
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services import notifications
from commonweal.node.services.notifications import backoff, run_notifier, run_sender
from commonweal.store.notification_store import NotificationStore
from tests.community import Community
from tests.governance import admit, draft, submit, to_voting
from tests.notifications.mailbox import SmtpServer, signed, smtp, subscribe
from tests.treasury import draft_expense, open_treasury

__all__ = ["smtp"]


def outbox(community: Community) -> list[tuple[str, str]]:
    """(recipient's name, kind) of every recorded notification."""
    names = {community.did(n): n for n in community.events.keys}
    rows = NotificationStore(community.node.store).all_rows()
    return sorted((names.get(r.recipient, r.recipient), r.kind) for r in rows)


def start_recovery(community: Community, name: str = "alice") -> None:
    """``name`` named bob and carol as guardians; a new key asks to replace theirs."""
    guardians = [community.did(g) for g in ("bob", "carol") if g != name]
    community.act(name, "membership.guardians.set", {"guardians": guardians, "threshold": 1})
    community.act(f"{name}-new", "membership.recovery.requested", {"member": community.did(name)})


def test_a_vote_opening_is_mailed_once_to_each_subscribed_member(
    community: Community, smtp: SmtpServer
) -> None:
    run_notifier(community.node)  # the first run starts the cursor at the log's end
    subscribe(community, "alice")
    subscribe(community, "bob")  # carol has no address: nothing can reach her
    proposal = draft(community, title="Plant an orchard")
    submit(community, proposal)
    to_voting(community, proposal)
    assert run_notifier(community.node) == 2
    assert run_notifier(community.node) == 0  # nothing twice
    assert outbox(community) == [("alice", "vote_opened"), ("bob", "vote_opened")]
    assert run_sender(community.node, settings=smtp.settings) == 2
    assert run_sender(community.node, settings=smtp.settings) == 0
    mail = smtp.mailbox.to("alice@example.org")
    assert len(mail) == 1 and len(smtp.mailbox.mails) == 2
    assert mail[0]["Subject"] == "Voting has opened: Plant an orchard"
    assert f"/proposals/{proposal}" in mail[0].get_content()
    assert mail[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        mail[0]["List-Unsubscribe"].startswith("<")
        and "/unsubscribe/" in mail[0]["List-Unsubscribe"]
    )


def test_a_vote_closing_within_a_day_is_told_once(community: Community) -> None:
    run_notifier(community.node)
    subscribe(community, "alice")
    proposal = draft(community)
    submit(community, proposal)
    to_voting(community, proposal)
    run_notifier(community.node)
    record = community.node.state.get("governance.proposals", proposal)
    until = record["voting_until"]
    assert ("alice", "vote_closing") not in outbox(community)
    community.clock.now = parse_utc(until) - timedelta(hours=23)
    run_notifier(community.node)
    community.clock.advance(hours=1)
    run_notifier(community.node)
    assert outbox(community).count(("alice", "vote_closing")) == 1


def test_applicants_expenses_and_recoveries_reach_the_right_members(community: Community) -> None:
    run_notifier(community.node)
    for name in ("alice", "bob", "carol"):
        subscribe(community, name)
    community.apply("dana")
    run_notifier(community.node)
    assert outbox(community) == [(n, "vouch_wanted") for n in ("alice", "bob", "carol")]

    start_recovery(community)
    run_notifier(community.node)
    assert ("alice", "key_recovery") in outbox(community)
    assert ("bob", "key_recovery") not in outbox(community)


def test_an_expense_waits_for_the_treasurers_only(community: Community) -> None:
    open_treasury(community)
    run_notifier(community.node)
    for name in ("alice", "carol", "dana", "finn"):
        subscribe(community, name)
    expense = draft_expense(community, "finn", 4_000)
    community.act("finn", "treasury.expense.submitted", {"expense": expense})
    run_notifier(community.node)
    assert outbox(community) == [("carol", "expense_approval"), ("dana", "expense_approval")]


def test_levels_filter_but_a_key_recovery_cannot_be_switched_off(community: Community) -> None:
    run_notifier(community.node)
    subscribe(community, "alice", default_level="nothing")
    subscribe(community, "bob", levels={"membership": "decisions"})
    community.apply("dana")
    start_recovery(community)
    run_notifier(community.node)
    assert outbox(community) == [("alice", "key_recovery")]
    assert [
        wants(level, "decision") for level in ("everything", "decisions", "mentions", "nothing")
    ] == [True, True, False, False]
    assert all(wants(level, "urgent") for level in ("everything", "nothing"))


def test_quiet_hours_delay_a_notice_but_not_a_key_recovery(community: Community) -> None:
    # the clock is 12:00 UTC = 16:00 in Dubai; quiet from 15:00 to 18:00 there
    run_notifier(community.node)
    subscribe(
        community, "alice", time_zone="Asia/Dubai", quiet_hours={"from": "15:00", "to": "18:00"}
    )
    community.apply("dana")
    start_recovery(community)
    run_notifier(community.node)
    rows = {r.kind: r for r in NotificationStore(community.node.store).all_rows()}
    assert rows["key_recovery"].next_attempt == "2026-11-23T12:00:00Z"
    assert rows["vouch_wanted"].next_attempt == "2026-11-23T14:00:00Z"


def test_a_server_that_is_down_delays_mails_and_loses_none(
    community: Community, smtp: SmtpServer
) -> None:
    run_notifier(community.node)
    subscribe(community, "alice")
    subscribe(community, "bob")
    community.apply("dana")
    run_notifier(community.node)
    smtp.stop()
    assert run_sender(community.node, settings=smtp.settings) == 0
    rows = NotificationStore(community.node.store).all_rows()
    assert {r.status for r in rows} == {"pending"} and {r.attempts for r in rows} == {1}
    assert all(r.last_error for r in rows)
    mine = notifications.my_notifications(
        community.node, signed(community, "alice", notifications.READ_PURPOSE)
    )
    assert mine["notifications"][0]["error"] and mine["notifications"][0]["status"] == "pending"
    smtp.start()
    assert run_sender(community.node, settings=smtp.settings) == 0  # not yet: backing off
    community.clock.advance(seconds=29)
    assert run_sender(community.node, settings=smtp.settings) == 0
    community.clock.advance(seconds=1)
    assert run_sender(community.node, settings=smtp.settings) == 2
    assert len(smtp.mailbox.mails) == 2
    assert {r.status for r in NotificationStore(community.node.store).all_rows()} == {"sent"}


def test_the_backoff_doubles_up_to_six_hours() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30) == timedelta(hours=6)


def test_bad_preferences_are_refused_and_nothing_is_kept(community: Community) -> None:
    store = NotificationStore(community.node.store)
    for bad, code in (
        ({"email": "not an address"}, "invalid_preferences"),
        ({"default_level": "loud"}, "invalid_preferences"),
        ({"time_zone": "Mars/Olympus"}, "invalid_preferences"),
        ({"quiet_hours": {"from": "25:00", "to": "07:00"}}, "invalid_preferences"),
        ({"colour": "blue"}, "invalid_preferences"),
    ):
        request = signed(community, "alice", notifications.PREFERENCES_PURPOSE, preferences=bad)
        with pytest.raises(Rejected) as refused:
            notifications.set_preferences(community.node, request)
        assert refused.value.code == code
    forged = signed(community, "bob", notifications.PREFERENCES_PURPOSE, preferences={})
    forged["did"] = community.did("alice")
    with pytest.raises(Rejected) as refused:
        notifications.set_preferences(community.node, forged)
    assert refused.value.code == "unauthorized"
    stranger = signed(community, "zed", notifications.PREFERENCES_PURPOSE, preferences={})
    with pytest.raises(Rejected) as refused:
        notifications.set_preferences(community.node, stranger)
    assert refused.value.code == "forbidden"
    assert store.preferences(community.did("alice")) is None


def test_preferences_are_erased_with_the_profile(community: Community) -> None:
    run_notifier(community.node)
    admit(community, "dana")
    subscribe(community, "dana", language="pt-BR", time_zone="America/Sao_Paulo")
    store = NotificationStore(community.node.store)
    kept = orjson.loads(store.preferences(community.did("dana")) or "{}")
    assert kept["language"] == "pt-BR" and kept["email"] == "dana@example.org"
    community.apply("erin")
    run_notifier(community.node)
    assert store.of(community.did("dana"))
    community.act("dana", "membership.member.left", {})
    community.act("dana", "membership.profile.erased", {"member": community.did("dana")})
    run_notifier(community.node)
    assert store.preferences(community.did("dana")) is None
    assert store.of(community.did("dana")) == []


def test_a_daily_digest_gathers_the_days_notices_in_one_mail(
    community: Community, smtp: SmtpServer
) -> None:
    run_notifier(community.node)
    subscribe(community, "alice", digest="daily", time_zone="Europe/Lisbon")
    start_recovery(community, "bob")  # not alice's key: nothing for her
    community.apply("dana")
    community.apply("erin")
    run_notifier(community.node)
    rows = NotificationStore(community.node.store).all_rows()
    # 12:00 UTC on Monday 23 November is 12:00 in Lisbon (WET): the digest is at 08:00 next day
    assert {r.next_attempt for r in rows} == {"2026-11-24T08:00:00Z"} and len(rows) == 2
    assert run_sender(community.node, settings=smtp.settings) == 0
    community.clock.advance(hours=20)
    assert run_sender(community.node, settings=smtp.settings) == 2
    (digest,) = smtp.mailbox.to("alice@example.org")
    assert digest["Subject"] == "Your daily digest: 2 notices"
    text = digest.get_content()
    assert (
        f"/members/{community.did('dana')}" in text and f"/members/{community.did('erin')}" in text
    )
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_digest_times_are_the_next_morning_or_monday() -> None:
    from datetime import datetime

    from commonweal.domain.notifications.preferences import next_digest

    wednesday_noon = datetime(2026, 11, 25, 12, 0)
    assert next_digest(wednesday_noon, "daily") == datetime(2026, 11, 26, 8, 0)
    assert next_digest(datetime(2026, 11, 25, 7, 59), "daily") == datetime(2026, 11, 25, 8, 0)
    assert next_digest(wednesday_noon, "weekly") == datetime(2026, 11, 30, 8, 0)
    assert next_digest(datetime(2026, 11, 30, 7, 0), "weekly") == datetime(2026, 11, 30, 8, 0)
    assert next_digest(datetime(2026, 11, 30, 8, 0), "weekly") == datetime(2026, 12, 7, 8, 0)

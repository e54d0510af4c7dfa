"""Mails and pushes in each recipient's language and time zone: a vote opening told to a
Spanish, an Arabic and an English member, read as real mails from the aiosmtpd server."""

from __future__ import annotations

from typing import Any

from commonweal.node.services.notifications import run_notifier, run_sender
from commonweal.node.services.push import run_push_sender
from tests.community import Community
from tests.governance import draft, submit, to_voting
from tests.notifications.mailbox import SmtpServer, smtp, subscribe
from tests.notifications.push_service import PushService, push_service
from tests.notifications.test_push import open_vote, subscribe_device

__all__ = ["push_service", "smtp"]


def opened_vote(community: Community, smtp: SmtpServer) -> dict[str, Any]:
    """A vote opens; (subject, text) of the mail each subscriber received, and its end."""
    run_notifier(community.node)
    subscribe(community, "alice", language="es-ES", time_zone="Europe/Madrid")
    subscribe(community, "bob", language="ar", time_zone="Asia/Dubai")
    subscribe(community, "carol")  # English and UTC, the defaults
    proposal = draft(community, title="Plant an orchard")
    submit(community, proposal)
    to_voting(community, proposal)
    run_notifier(community.node)
    assert run_sender(community.node, settings=smtp.settings) == 3
    got = {}
    for name in ("alice", "bob", "carol"):
        (mail,) = smtp.mailbox.to(f"{name}@example.org")
        got[name] = (str(mail["Subject"]), mail.get_content())
    got["until"] = community.node.state.get("governance.proposals", proposal)["voting_until"]
    return got


def test_a_vote_opening_reaches_each_member_in_their_language(
    community: Community, smtp: SmtpServer
) -> None:
    mails = opened_vote(community, smtp)
    assert mails["until"].endswith("T12:00:00Z")  # 13:00 in Madrid, 16:00 in Dubai

    subject, text = mails["alice"]
    assert subject == "Se ha abierto la votación: Plant an orchard"
    assert text.startswith(
        "La votación sobre «Plant an orchard» está abierta hasta el "
        "7 dic 2026, 13:00 (hora de España (Madrid))."
    )
    assert "Para dejar de recibir estos correos sobre este tema, abre /unsubscribe/" in text

    subject, text = mails["bob"]
    assert subject == "بدأ التصويت: Plant an orchard"
    assert text.startswith("التصويت على «Plant an orchard» مفتوح حتى ")
    assert "2026، 4:00 م (توقيت الإمارات العربية المتحدة)." in text
    assert "لإيقاف هذه الرسائل حول هذا الموضوع، افتح /unsubscribe/" in text

    subject, text = mails["carol"]
    assert subject == "Voting has opened: Plant an orchard"
    assert text.startswith("The vote on “Plant an orchard” is open until 7 Dec 2026, 12:00 (UTC).")
    assert "To stop these mails about this topic, open /unsubscribe/" in text


def test_a_digest_is_headed_in_the_members_language(community: Community, smtp: SmtpServer) -> None:
    run_notifier(community.node)
    subscribe(community, "alice", digest="daily", language="fr", time_zone="Europe/Paris")
    community.apply("dana")
    community.apply("erin")
    run_notifier(community.node)
    community.clock.advance(days=1)
    assert run_sender(community.node, settings=smtp.settings) == 2
    (digest,) = smtp.mailbox.to("alice@example.org")
    assert digest["Subject"] == "Votre résumé quotidien : 2 avis"
    assert digest.get_content().count("- Quelqu’un a demandé à adhérer") == 2


def test_pushes_speak_each_members_language(
    community: Community, push_service: PushService
) -> None:
    run_notifier(community.node)
    subscribe(community, "alice", language="pt-BR", time_zone="America/Sao_Paulo")
    subscribe(community, "bob", language="ar", digest="daily", time_zone="Asia/Dubai")
    phone = subscribe_device(community, push_service, "alice")
    tablet = subscribe_device(community, push_service, "bob")
    open_vote(community)
    community.apply("dana")
    run_notifier(community.node)
    assert run_push_sender(community.node) == 2  # alice's, at once; bob's wait for 08:00
    assert [got["payload"]["title"] for got in phone.received] == [
        "A votação abriu: Plant an orchard",
        "Alguém pediu para aderir",
    ]
    body = phone.received[0]["payload"]["body"]
    assert body.startswith("A votação sobre «Plant an orchard» está aberta até ")
    assert "09:00" in body  # 12:00 UTC in São Paulo
    community.clock.advance(days=1)
    assert run_push_sender(community.node) == 2
    (digest,) = tablet.received
    assert digest["payload"]["title"] == "ملخصك اليومي: إشعاران"
    assert digest["payload"]["body"].splitlines() == [
        "بدأ التصويت: Plant an orchard",
        "تقدّم شخص بطلب انضمام",
    ]

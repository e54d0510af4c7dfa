"""The sentences the read models build (what an event did, a decision's actions, a role's
permissions, how someone joins) and the Atom feeds, in the reader's language; English as
before for everyone else."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient

from commonweal.core.language import speaking
from commonweal.node.read_models.event_words import EVENT_WORDS, told
from tests.web.pages import Demo
from tests.web.test_home_and_words import section, text_of

A = "{http://www.w3.org/2005/Atom}"


def in_language(client: TestClient, path: str, language: str) -> str:
    answer = client.get(path, headers={"Accept-Language": language})
    assert answer.status_code == 200, path
    assert answer.headers["content-language"] == language
    return answer.text


def test_what_an_event_did_is_said_in_the_language_being_spoken() -> None:
    with speaking("fr"):
        assert (
            told("governance.ballot.cast", "Quiet hours") == "a voté sur «\u00a0Quiet hours\u00a0»"
        )
        assert told("governance.ballot.cast") == "a voté"
        assert told("aid.offer.posted") == "a proposé son aide"
    with speaking("es"):
        assert told("governance.proposal.submitted") == "abrió a debate la propuesta"
    with speaking("ar"):
        assert told("governance.ballot.cast", "Quiet hours") == "صوّت على «Quiet hours»"
        assert told("kudos.given") == "سجّل kudos.given"
    assert told("governance.ballot.cast") == "cast a ballot"  # English outside


def test_every_translation_reads_without_a_title() -> None:
    for language in ("es", "fr", "pt", "ar"):
        with speaking(language):
            for event_type, words in EVENT_WORDS.items():
                alone = told(event_type)
                assert alone and "%(" not in alone and not alone.endswith(":"), alone
                if "%(about)s" in words:
                    assert "Spring fair" in told(event_type, "Spring fair"), (language, event_type)


def test_the_home_and_the_log_tell_the_activity_in_french(client: TestClient) -> None:
    home = text_of(in_language(client, "/", "fr"))
    assert "Amara Okafor a parrainé un candidat" in home
    assert "vouched for an applicant" not in home
    log = text_of(in_language(client, "/log", "fr"))
    assert "A effectué le recensement." in log and "Took the census" not in log


def test_a_decision_and_its_actions_in_spanish(client: TestClient) -> None:
    closed = client.get("/v1/proposals?phase=closed").json()["proposals"]
    ids = {p["title"]: p["id"] for p in closed}
    election = in_language(client, f"/proposals/{ids['Elect three tool-library keepers']}", "es")
    assert section(election, "decided").count("elección de") == 3
    assert "Dar a Dalia Haddad el rol tool-keeper." in text_of(election)
    api = client.get(
        f"/v1/proposals/{ids['Elect three tool-library keepers']}",
        headers={"Accept-Language": "es"},
    ).text
    assert "Dar a" not in api and "elección" not in api  # the API speaks English


def test_permissions_and_admission_in_portuguese(client: TestClient, demo: Demo) -> None:
    _node, dids = demo
    member = text_of(in_language(client, f"/members/{dids['dalia']}", "pt"))
    assert "aprovar e pagar despesas, registar receitas" in member
    constitution = text_of(in_language(client, "/constitution", "pt"))
    assert "Um candidato torna-se membro quando" in constitution or (
        "Qualquer pessoa que se candidate" in constitution
    )


def test_the_feeds_speak_the_readers_language_else_the_nodes(client: TestClient) -> None:
    french = client.get("/feeds/node.atom", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    assert french.headers["content-language"] == "fr"
    assert "Accept-Language" in french.headers["vary"]
    feed = ET.fromstring(french.text)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert feed.findtext(f"{A}title", "").endswith(": le journal")
    summaries = [e.findtext(f"{A}summary", "") for e in feed.findall(f"{A}entry")]
    assert summaries and all(s.startswith("Entrée du journal ") for s in summaries)
    english = ET.fromstring(client.get("/feeds/node.atom").text)
    assert english.findtext(f"{A}title", "").endswith(": the log")

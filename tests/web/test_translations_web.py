"""Translations over HTTP and in the pages: refusals as problems with nothing logged, the
list of an original's translations, and the pages in the reader's language, saying it is
a translation, by whom, with the original a click away."""

from __future__ import annotations

import html
from collections.abc import Iterator
from urllib.parse import quote

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.domain.notifications.preferences import DEFAULTS
from commonweal.node.read_models.names import short_did
from commonweal.node.services.translations import best_for
from commonweal.store.notification_store import NotificationStore
from commonweal.web.app import create_app
from commonweal.web.translations_pages import accepted_languages
from tests.community import Community
from tests.translations import ADDED, body, hash_of
from tests.web.pages import sign_in

PROPOSAL = {
    "kind": "decision",
    "topic": "general",
    "title": "Plant an orchard",
    "text": "Twelve fruit trees along the east fence.",
    "actions": [],
}


@pytest.fixture
def client(community: Community) -> Iterator[TestClient]:
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def submit(client: TestClient, community: Community, author: str, kind: str, content: dict):  # type: ignore[no-untyped-def]
    event = community.events.event(author, type=kind, body=content)
    return client.post("/v1/events", content=orjson.dumps(event))


@pytest.mark.parametrize(
    ("change", "code", "status"),
    [
        ({"original": "B" * 43 + "="}, "unknown_original", 404),
        ({"language": "en"}, "same_language", 409),
        ({"language": "en_GB"}, "invalid_body", 422),
        ({"fields": {"text": "sin título"}}, "invalid_body", 422),
    ],
)
def test_a_bad_translation_gets_a_problem_and_nothing_is_logged(
    client: TestClient, community: Community, change: dict, code: str, status: int
) -> None:
    original = submit(client, community, "alice", "governance.proposal.drafted", PROPOSAL)
    size = client.get("/v1/events").json()["size"]
    response = submit(
        client, community, "bob", ADDED, {**body(original.json()["leaf_hash"]), **change}
    )
    community.events.seqs["bob"] -= 1
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code and response.json()["detail"]
    assert client.get("/v1/events").json()["size"] == size


def test_the_translations_of_an_original_are_listed_by_its_leaf_hash(
    client: TestClient, community: Community
) -> None:
    logged = submit(client, community, "alice", "governance.proposal.drafted", PROPOSAL).json()
    leaf_hash = logged["leaf_hash"]
    # the leaf hash the API shows for the entry is the one a translation names
    assert client.get(f"/v1/events/{logged['index']}").json()["leaf_hash"] == leaf_hash
    added = submit(client, community, "bob", ADDED, body(leaf_hash, "es")).json()
    listing = client.get(f"/v1/translations?original={quote(leaf_hash, safe='')}").json()
    assert listing["binding_language"] == "en"
    assert listing["original"]["index"] == logged["index"]
    assert listing["original"]["kind"] == "proposal"
    [translation] = listing["translations"]
    assert translation["id"] == added["index"]
    assert translation["author"] == community.did("bob")
    assert translation["fields"]["title"] == "Plantar un huerto"
    missing = client.get(f"/v1/translations?original={quote('C' * 43 + '=', safe='')}")
    assert missing.status_code == 404 and missing.json()["code"] == "unknown_original"


def test_pages_show_the_readers_language_and_say_it_is_a_translation(
    client: TestClient, community: Community
) -> None:
    logged = submit(client, community, "alice", "governance.proposal.drafted", PROPOSAL).json()
    proposal = logged["index"]
    comment = community.act(
        "carol", "governance.comment.posted", {"proposal": proposal, "text": "I am for it."}
    )
    submit(client, community, "bob", ADDED, body(logged["leaf_hash"], "es"))
    community.act("bob", ADDED, body(hash_of(comment), "es", text="Estoy a favor."))
    spanish = html.unescape(client.get(f"/proposals/{proposal}?lang=es").text)
    assert '<h1 lang="es">Plantar un huerto</h1>' in spanish
    assert "Doce árboles frutales." in spanish and "Estoy a favor." in spanish
    bob = short_did(community.did("bob"))  # Bob shows no public name
    assert f"This is a translation into Spanish by {bob}, added to the log on" in spanish
    assert "The binding text is the English original." in spanish
    assert f'href="/proposals/{proposal}?lang=en"' in spanish
    # the browser's language when no lang is asked: Spanish first, then English
    browser = client.get(
        f"/proposals/{proposal}", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}
    )
    assert "Plantar un huerto" in html.unescape(browser.text)
    # the original in its own language, with no note
    english = html.unescape(client.get(f"/proposals/{proposal}?lang=en").text)
    assert "<h1>Plant an orchard</h1>" in english and "I am for it." in english
    assert "This is a translation" not in english
    # a language no one has translated into shows the original
    french = html.unescape(client.get(f"/proposals/{proposal}?lang=fr").text)
    assert "<h1>Plant an orchard</h1>" in french
    listing = html.unescape(client.get(f"/translations/{proposal}").text)
    assert f"Into Spanish by {bob}" in listing and "Plantar un huerto" in listing


def test_a_signed_in_member_is_offered_the_translation_form(
    client: TestClient, community: Community
) -> None:
    logged = submit(client, community, "alice", "governance.proposal.drafted", PROPOSAL).json()
    offer = submit(
        client, community, "alice", "aid.offer.posted", {"title": "A ladder", "category": "tools"}
    ).json()
    signed_out = client.get(f"/aid/{offer['index']}").text
    assert 'data-event="translations.translation.added"' not in signed_out
    sign_in(client, community.did("bob"))
    for path, leaf_hash, field in (
        (f"/proposals/{logged['index']}", logged["leaf_hash"], "fields.text"),
        (f"/aid/{offer['index']}", offer["leaf_hash"], "fields.details"),
    ):
        text = client.get(path, headers={"Accept-Language": "de"}).text
        assert 'data-event="translations.translation.added"' in text, path
        assert f'name="original" value="{leaf_hash}"' in text
        assert f'name="{field}"' in text and 'name="language" required' in text
        assert 'value="de"' in text  # the reader's language, offered


def test_a_signed_in_members_language_comes_from_their_preferences(
    client: TestClient, community: Community
) -> None:
    logged = submit(client, community, "alice", "governance.proposal.drafted", PROPOSAL).json()
    submit(client, community, "bob", ADDED, body(logged["leaf_hash"], "es"))
    path = f"/proposals/{logged['index']}"
    sign_in(client, community.did("carol"))
    prefs = {**DEFAULTS, "language": "es"}
    NotificationStore(community.node.store).put_preferences(
        community.did("carol"), orjson.dumps(prefs).decode()
    )
    # her chosen language before the browser's; the lang parameter before both
    chosen = client.get(path, headers={"Accept-Language": "en"}).text
    assert "Plantar un huerto" in html.unescape(chosen)
    asked = client.get(f"{path}?lang=en", headers={"Accept-Language": "es"}).text
    assert "Plantar un huerto" not in html.unescape(asked)


def test_the_translations_page_of_what_is_not_an_original_is_not_found(
    client: TestClient, community: Community
) -> None:
    response = client.get("/translations/0")  # the node's creation
    assert response.status_code == 404 and "not a proposal, comment or aid post" in response.text


@pytest.mark.parametrize(
    ("header", "languages"),
    [
        ("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", ["fr-CH", "fr", "en", "de"]),
        ("en;q=0.2, pt-br", ["pt-BR", "en"]),
        ("es;q=0, ar", ["ar"]),
        ("en_US, !!, de;q=abc", []),
        ("", []),
    ],
)
def test_accept_language_is_read_best_first(header: str, languages: list[str]) -> None:
    assert accepted_languages(header) == languages


def test_an_aid_post_reads_in_the_readers_language(
    client: TestClient, community: Community
) -> None:
    offer = submit(
        client,
        community,
        "alice",
        "aid.offer.posted",
        {"title": "A ladder", "category": "tools", "details": "Three metres, aluminium."},
    ).json()
    words = {"title": "Une échelle", "details": "Trois mètres, en aluminium."}
    submit(client, community, "bob", ADDED, body(offer["leaf_hash"], "fr", **words))
    french = html.unescape(client.get(f"/aid/{offer['index']}?lang=fr-CA").text)
    assert '<h1 lang="fr">Une échelle</h1>' in french  # fr-CA finds fr
    assert "Trois mètres, en aluminium." in french
    assert "This is a translation into French by" in french
    english = html.unescape(client.get(f"/aid/{offer['index']}").text)
    assert "<h1>A ladder</h1>" in english and "This is a translation" not in english


@pytest.mark.parametrize(
    ("languages", "shown"),
    [
        (["es"], "es"),
        (["de", "es"], "es"),  # no German: Spanish, the reader's next language
        (["de", "en", "es"], None),  # the original before Spanish, as the reader ranks them
        (["en-GB", "es"], None),
        (["pt"], "pt-BR"),  # the same primary language
        (["pt-PT", "pt-BR"], "pt-BR"),
        (["fr"], None),
        ([], None),
    ],
)
def test_the_reader_sees_their_best_language(languages: list[str], shown: str | None) -> None:
    translations = [
        {"language": "es", "id": 1},
        {"language": "pt-BR", "id": 2},
    ]
    found = best_for(translations, languages, "en")
    assert (found["language"] if found else None) == shown


def test_the_constitution_page_names_the_binding_language(client: TestClient) -> None:
    text = html.unescape(client.get("/constitution").text)
    assert "The binding language of this node's texts is English" in text

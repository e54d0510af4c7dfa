"""Pages in the reader's language and time zone (docs/languages.md): how the language is
chosen, Arabic right to left, the switcher, the member's own preferences, reading amounts
and times typed in the reader's format, and the catalogue check that `make lint` runs."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from fastapi.testclient import TestClient

from commonweal.node.services import notifications
from commonweal.web import catalogues
from commonweal.web.app import create_app
from tests.community import Community
from tests.notifications.mailbox import signed
from tests.web.pages import sign_in
from tests.web.test_pages import PUBLIC


def html_tag(text: str) -> str:
    found = re.search(r"<html[^>]*>", text)
    assert found
    return found.group(0)


def test_a_visitor_reads_the_language_their_browser_asks_for(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Language": "ar-AE,ar;q=0.9,en;q=0.5"})
    assert page.status_code == 200
    assert html_tag(page.text) == '<html lang="ar" dir="rtl">'
    assert page.headers["content-language"] == "ar"
    assert "Accept-Language" in page.headers["vary"]
    assert "المقترحات" in page.text and ">Proposals<" not in page.text  # the navigation
    assert "آخر النشاط" in page.text or "النشاط الأخير" in page.text
    french = client.get("/proposals", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert html_tag(french.text) == '<html lang="fr" dir="ltr">'
    assert "<h1>Propositions</h1>" in french.text
    assert "Voting now" not in french.text and "Vote en cours" in french.text
    english = client.get("/", headers={"Accept-Language": "de, ja"})
    assert html_tag(english.text) == '<html lang="en" dir="ltr">'


def test_the_switcher_keeps_a_choice_for_this_browser(client: TestClient) -> None:
    switched = client.get("/language/pt?next=/proposals?phase=voting", follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/proposals?phase=voting"
    assert "cw_lang=pt" in switched.headers["set-cookie"]
    page = client.get("/proposals", headers={"Accept-Language": "fr"})
    assert html_tag(page.text) == '<html lang="pt" dir="ltr">'
    assert "<h1>Propostas</h1>" in page.text
    # the switcher offers every language, each named in itself, the current one marked
    assert 'hreflang="ar"' in page.text and ">العربية</a>" in page.text
    assert '<span aria-current="true" lang="pt">Português</span>' in page.text
    # an unknown language changes nothing; a next that leaves the node goes home
    for target in ("//evil.example/", "https://evil.example/", "/\\evil"):
        away = client.get(f"/language/xx?next={target}", follow_redirects=False)
        assert away.headers["location"] == "/" and "set-cookie" not in away.headers


def test_times_are_shown_in_the_browsers_zone_with_the_zone_named(client: TestClient) -> None:
    client.cookies.set("cw_tz", "Asia/Dubai")
    page = client.get("/", headers={"Accept-Language": "en"})
    assert "(United Arab Emirates Time)" in page.text
    assert "Times are shown in United Arab Emirates Time." in page.text
    client.cookies.set("cw_tz", "Not/AZone")
    assert "Times are shown in UTC." in client.get("/").text


def test_error_pages_and_sign_in_pages_speak_the_readers_language(
    client: TestClient,
) -> None:
    missing = client.get("/proposals/99999", headers={"Accept-Language": "es"})
    assert missing.status_code == 404
    assert "No encontrado" in missing.text and "Ir a la página de inicio." in missing.text
    needed = client.get("/delegation", headers={"Accept-Language": "fr"})
    assert needed.status_code == 401
    assert "Pour régler vos délégations, connectez-vous avec votre clé." in needed.text


def test_a_members_own_language_and_zone_come_from_their_preferences(
    community: Community,
) -> None:
    prefs = {"language": "ar", "time_zone": "Asia/Dubai"}
    request = signed(community, "alice", notifications.PREFERENCES_PURPOSE, preferences=prefs)
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        assert client.post("/v1/notifications/preferences", json=request).status_code == 200
        sign_in(client, community.did("alice"))
        page = client.get("/proposals", headers={"Accept-Language": "en"})
        assert html_tag(page.text) == '<html lang="ar" dir="rtl">'
        assert "توقيت الإمارات العربية المتحدة" in page.text  # the zone, named in Arabic
        # the switcher still wins in this browser
        client.cookies.set("cw_lang", "es")
        assert html_tag(client.get("/proposals").text) == '<html lang="es" dir="ltr">'
        # amounts and times are read in the member's format and zone
        client.cookies.delete("cw_lang")
        read = client.post(
            "/v1/locale/read", json={"amounts": ["86.40"], "times": ["2026-12-07T18:05"]}
        )
        assert read.status_code == 200, read.text
        assert read.json() == {
            "language": "ar",
            "time_zone": "Asia/Dubai",
            "amounts": ["86.40"],
            "times": ["2026-12-07T14:05"],
        }


def test_amounts_typed_in_the_readers_format_are_read_or_refused(client: TestClient) -> None:
    french = {"Accept-Language": "fr"}
    read = client.post(
        "/v1/locale/read", json={"amounts": ["86,40", "1 234,5"], "times": []}, headers=french
    )
    assert read.status_code == 200
    assert read.json()["amounts"] == ["86.40", "1234.5"]
    assert read.json()["times"] == []
    refused = client.post("/v1/locale/read", json={"amounts": ["1.234,5,6"]}, headers=french)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "not_readable"
    assert "write it like 1\u202f234,56" in refused.json()["detail"]
    for body in ({"amounts": "86"}, {"amounts": [86]}, {"other": []}, [], {"times": ["x"] * 51}):
        bad = client.post("/v1/locale/read", json=body)
        assert bad.status_code == 400 and bad.json()["code"] == "invalid_request", body


def test_money_is_shown_in_the_readers_marks(client: TestClient) -> None:
    overview = client.get("/v1/treasury").json()
    eur = next(t for t in overview["totals"] if t["unit"] == "EUR")
    balance = eur["treasury"]["balance"]
    whole, cents = divmod(balance, 100)
    assert whole >= 1000  # more than a thousand euros: the grouping shows
    for language, group, mark in (("en", ",", "."), ("fr", "\u202f", ","), ("pt", ".", ",")):
        page = client.get("/treasury", headers={"Accept-Language": language}).text
        held = re.search(r'data-testid="holds-EUR">([^<]+)<', page)
        expected = f"{whole:,}".replace(",", group) + f"{mark}{cents:02d} EUR"
        assert held and held.group(1) == expected, (language, held and held.group(1))


# -- the catalogues ------------------------------------------------------------------------


@pytest.fixture
def locale_copy(tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "locale"
    shutil.copytree(catalogues.LOCALE, copy)
    yield copy


def test_the_shipped_catalogues_are_complete() -> None:
    assert catalogues.check() == []


def test_the_check_names_missing_and_fuzzy_messages(locale_copy: Path) -> None:
    path = catalogues.catalogue_path("fr", locale_copy)
    with path.open("rb") as source:
        catalog = read_po(source, locale="fr")
    catalog["Members"].string = ""
    catalog["Proposals"].flags.add("fuzzy")
    del catalog["Sign out"]
    with path.open("wb") as out:
        write_po(out, catalog)
    found = {(p.language, p.kind, p.message) for p in catalogues.check(locale_copy)}
    assert found == {
        ("fr", "missing", "Members"),
        ("fr", "fuzzy", "Proposals"),
        ("fr", "missing", "Sign out"),
    }


def test_the_check_names_a_translation_with_a_placeholder_its_message_lacks(
    locale_copy: Path,
) -> None:
    path = catalogues.catalogue_path("es", locale_copy)
    with path.open("rb") as source:
        catalog = read_po(source, locale="es")
    message = next(m for m in catalog if isinstance(m.id, str) and "%(where)s" in m.id)
    message.string = str(message.string).replace("%(where)s", "%(donde)s")
    with path.open("wb") as out:
        write_po(out, catalog)
    found = {(p.language, p.kind, p.message) for p in catalogues.check(locale_copy)}
    assert found == {("es", "placeholder", message.id)}


def test_a_new_message_in_the_source_is_missing_until_translated(locale_copy: Path) -> None:
    template = catalogues.extract()
    template.add("A sentence another engineer just wrote.", locations=[("x.html", 1)])
    found = catalogues.check(locale_copy, template)
    assert {p.language for p in found} == {"es", "fr", "pt", "ar"}
    assert all(p.message == "A sentence another engineer just wrote." for p in found)
    catalogues.update(locale_copy, template)
    with catalogues.catalogue_path("es", locale_copy).open("rb") as source:
        merged = read_po(source, locale="es")
    new = merged["A sentence another engineer just wrote."]
    assert new is not None and new.string == "" and not new.fuzzy  # no guessing
    assert merged["Members"].string == "Miembros"  # what was translated stays


def test_refusals_speak_the_readers_language(community: Community) -> None:
    other_node = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    event = community.events.raw(node=other_node)
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        english = client.post("/v1/events", content=event)
        assert english.status_code == 422 and english.json()["code"] == "wrong_node"
        assert english.json()["title"] == "Unprocessable event" and "lang" not in english.json()
        spanish = client.post("/v1/events", content=event, headers={"Accept-Language": "es"})
        assert spanish.status_code == 422
        refusal = spanish.json()
        assert refusal["code"] == "wrong_node" and refusal["lang"] == "es"
        assert refusal["title"] == "Evento no procesable"
        assert refusal["detail"] == "Este evento se firmó para otro nodo."
        assert refusal["detail_en"] == english.json()["detail"]
        assert spanish.headers["content-language"] == "es"
        # a detail that names what was wrong: its template translated, filled with its values
        client.cookies.set("cw_lang", "ar")
        missing = client.get("/v1/proposals/424242")
        assert missing.status_code == 404
        assert missing.json()["title"] == "غير موجود"
        assert missing.json()["detail"] == "لا يوجد مقترح 424242"
        assert missing.json()["detail_en"] == "there is no proposal 424242"


@pytest.mark.parametrize("language", ["es", "fr", "pt", "ar"])
def test_every_public_page_renders_in_every_language(client: TestClient, language: str) -> None:
    paths = [
        *PUBLIC,
        "/gatherings",
        "/gatherings?when=past",
        "/constitution",
        "/verify",
        "/log",
        "/treasury",
        "/aid",
        "/places",
        "/network",
    ]
    for path in paths:
        page = client.get(path, headers={"Accept-Language": language})
        assert page.status_code == 200, (path, page.text[:500])
        assert html_tag(page.text).startswith(f'<html lang="{language}"'), path
        assert page.text.count("<h1") == 1, path

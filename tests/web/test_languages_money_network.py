"""The money, census, network, credentials and API documentation pages in the reader's
language (docs/languages.md): each family rendered in a language other than English shows
its translated words, and none of the English sentences it shows an English reader.

The translations are merged into the catalogues from the helpers' files; these tests read
the catalogues as they ship."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.web.pages import Demo, sign_in


def words(page: str) -> str:
    """What a person reads (text, and the attributes read aloud or shown), tags removed."""
    said = " ".join(
        re.findall(r'(?:aria-label|title|alt|placeholder|data-done|data-confirm)="([^"]*)"', page)
    )
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + said))


def read(client: TestClient, path: str, language: str) -> str:
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 200, (path, response.text[:1000])
    assert response.headers["content-language"] == language
    for tag in ("strong", "a", "code", "time", "em", "span"):  # markup kept, never escaped
        assert f"&lt;{tag} " not in response.text and f"&lt;{tag}&gt;" not in response.text
    return words(response.text)


def assert_translated(
    client: TestClient, path: str, language: str, said: list[str], english: list[str]
) -> None:
    """``path`` read in ``language`` says each of ``said`` and none of ``english``, which
    the same page says to an English reader."""
    in_english = read(client, path, "en")
    for sentence in english:
        assert sentence in in_english, (path, "en", sentence)
    translated = read(client, path, language)
    for sentence in said:
        assert sentence in translated, (path, language, sentence)
    for sentence in english:
        assert sentence not in translated, (path, language, sentence)


def expense_titled(client: TestClient, title: str) -> int:
    expenses = client.get("/v1/treasury/expenses").json()["expenses"]
    found: int = next(e["id"] for e in expenses if e["title"] == title)
    return found


def test_the_expenses_read_in_french(client: TestClient) -> None:
    assert_translated(
        client,
        "/treasury/expenses",
        "fr",
        [
            "Dépenses",
            "Personne n'approuve ni ne paie sa propre dépense.",
            "Tous les fonds",
            "En attente d'approbation",
            "Déposée par",
        ],
        [
            "Nobody approves or pays their own expense.",
            "Every fund",
            "Waiting for approval",
            "Claimed by",
            "treasurers approve it",
            "To claim an expense, sign in with your key",
        ],
    )


def test_an_expense_and_why_a_member_cannot_decide_in_spanish(
    client: TestClient, demo: Demo
) -> None:
    path = f"/treasury/expenses/{expense_titled(client, 'Rain barrel')}"
    sign_in(client, demo[1]["farah"])
    assert_translated(
        client,
        path,
        "es",
        [
            "Ya lo aprobaste; necesita la aprobación de 1 tesorero más.",
            "Historial",
            "Enviado para aprobación por",
            "Se paga una vez aprobado.",
            "Lo que puedes hacer",
        ],
        [
            "You have approved it; it needs 1 more treasurer's approval.",
            "History",
            "Submitted for approval by",
            "It is paid once it is approved.",
            "What you can do",
            "To be paid to",
            "Receipts",
        ],
    )


def test_the_ledger_the_transfer_and_a_new_expense_in_portuguese_and_arabic(
    client: TestClient, demo: Demo
) -> None:
    assert_translated(
        client,
        "/treasury/ledger?account=node",
        "pt",
        [
            "O livro-razão: Tesouraria geral",
            "Receita: mensalidades",
            "Decidido pela assembleia",
            "Provar",
            "Para auditores:",
        ],
        [
            "The ledger: General treasury",
            "Income: dues",
            "Decided by the assembly",
            "Every movement of money, newest first.",
            "For auditors:",
            "Download the receipt",
        ],
    )
    sign_in(client, demo[1]["amara"])
    assert_translated(
        client,
        "/treasury/transfer",
        "ar",
        ["أرسل مالًا من حسابك", "الخزينة العامة", "وقّع وأرسل"],
        [
            "Send money from your account",
            "The general treasury",
            "Sign and send",
            "What for (public)",
            "Back to the treasury",
        ],
    )
    assert_translated(
        client,
        "/treasury/expenses/new",
        "ar",
        ["ما اشتريته", "بلا بند ميزانية", "أضف بندًا"],
        [
            "What you bought",
            "No budget line",
            "Add an item",
            "Pay it to",
            "Receipts: only their SHA-256 digests are sent",
        ],
    )


def test_the_census_reads_in_portuguese(client: TestClient) -> None:
    assert_translated(
        client,
        "/census",
        "pt",
        [
            "Censo",
            "Quantos somos, quantos participaram",
            "Fui contado?",
            "Ao longo do tempo",
            "Membros que agiram no período",
            "O censo da rede",
        ],
        [
            "How many we are, how many took part",
            "Am I counted?",
            "Over time",
            "Members who acted in the epoch",
            "The member list is not published",
            "The network census",
            "Sign in to check that you are counted.",
        ],
    )


def test_the_network_pages_read_in_spanish_and_french(client: TestClient) -> None:
    assert_translated(
        client,
        "/network",
        "es",
        [
            "La red",
            "Testimonio",
            "Pruebas de bifurcación",
            "Los lugares de la red en un mapa",
            "Lo que hace desde la línea de órdenes quien opera el nodo",
        ],
        [
            "Recognition, witnessing and mirrors are how nodes vouch",
            "The network's places on a map",
            "Fork evidence",
            "Our members visiting elsewhere",
            "What the node's operator does from the command line",
            "Restore a lost database",
        ],
    )
    assert_translated(
        client,
        "/network/precincts",
        "fr",
        ["Votes du réseau ici", "Les membres votent ici, sur leur propre nœud"],
        ["Network votes here", "Members vote here, on their own node", "from the command line"],
    )
    assert_translated(
        client,
        "/network/votes",
        "fr",
        ["Votes du réseau"],
        ["Network votes", "The network"],
    )
    assert_translated(
        client,
        "/network/map",
        "es",
        ["Los lugares de la red", "Por nodo"],
        ["The network's places", "By node", "Other nodes' places are as they last answered."],
    )


def test_my_credentials_read_in_french(client: TestClient, demo: Demo) -> None:
    sign_in(client, demo[1]["amara"])
    assert_translated(
        client,
        "/me/credentials",
        "fr",
        [
            "Mes attestations",
            "Rôle : steward",
            "en vigueur",
            "Présenter à un vérificateur",
            "Code QR contenant cette attestation",
        ],
        [
            "My credentials",
            "Role: steward",
            "in force",
            "Present to a verifier",
            "QR code holding this credential",
            "Anyone can check them without asking the node",
        ],
    )


def test_the_api_documentation_pages_speak_the_readers_language(client: TestClient) -> None:
    swagger = client.get("/docs", headers={"Accept-Language": "ar"})
    assert swagger.headers["content-language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in swagger.text
    assert "· توثيق واجهة البرمجة</title>" in swagger.text
    assert "API documentation" not in swagger.text
    redoc = client.get("/redoc", headers={"Accept-Language": "pt"})
    assert "· Referência da API</title>" in redoc.text and "API reference" not in redoc.text
    english = client.get("/redoc", headers={"Accept-Language": "en"})
    assert (
        "· API reference</title>" in english.text and '<html lang="en" dir="ltr">' in english.text
    )

"""Mutual aid, campaigns, funding rounds and pools, and mutual credit in the reader's
language (docs/languages.md): each family's pages read in one other language, with the
words the read models make (statuses, settlements, accounts) and the charts' titles;
members' own content stays as written. Every English sentence checked is first found on
the English page, so a sentence that stops being shown fails here rather than passing."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient

from commonweal.core.language import speaking
from commonweal.node.read_models.said import Said, ngettext, pgettext
from tests.web.pages import Demo, sign_in


def read(client: TestClient, path: str, language: str) -> str:
    """The page at ``path`` with the switcher's choice of ``language``, unescaped."""
    client.cookies.set("cw_lang", language)
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.text[:1000])
    assert answer.headers["content-language"] == language
    return html.unescape(answer.text)


def in_both(
    client: TestClient, path: str, language: str, english: list[str], translated: list[str]
) -> None:
    """Each of ``english`` is on the English page and gone from the ``language`` one, where
    each of ``translated`` is."""
    original = read(client, path, "en")
    other = read(client, path, language)
    for sentence in english:
        assert sentence in original, (path, "not on the English page", sentence)
        assert sentence not in other, (path, language, "left in English", sentence)
    for sentence in translated:
        assert sentence in other, (path, language, "missing", sentence)


def first(client: TestClient, path: str, key: str, **match: Any) -> dict[str, Any]:
    items = client.get(path).json()[key]
    found: dict[str, Any] = next(i for i in items if all(i[k] == v for k, v in match.items()))
    return found


def test_mutual_aid_in_spanish(client: TestClient, demo: Demo) -> None:
    in_both(
        client,
        "/aid",
        "es",
        [
            "Ask for help, offer it, and take up what others ask or offer.",
            "3 open requests and 3 open offers right now.",
            "to ask for help, offer it or take it up. Your key stays in your browser",
            "Requests and offers",
            "Find my area from this device's location",
            "high urgency",
            "Offered by ",
        ],
        [
            "<h1>Ayuda mutua</h1>",
            "3 solicitudes abiertas y 3 ofertas abiertas ahora mismo.",
            "Inicia sesión</a> para pedir ayuda, ofrecerla o aceptarla.",
            "Averiguar mi zona por la ubicación de este dispositivo",
            "urgencia alta",
            ">Childcare swap, Tuesdays or Thursdays<",  # a member's words, as written
        ],
    )
    lift = first(client, "/v1/aid/posts", "posts", title="Lift to the hospital on Thursday morning")
    in_both(
        client,
        f"/aid/{lift['id']}",
        "es",
        ["in time-bank hours: 1 h 30 min", ">settled<", "Answered by", "passed between the two"],
        ["en horas del banco de tiempo: 1 h 30 min", ">saldada<", "Respondida por"],
    )
    sign_in(client, demo[1]["amara"])  # she asked for childcare, which was taken up
    childcare = first(client, "/v1/aid/posts", "posts", title="Childcare on Tuesday mornings")
    in_both(
        client,
        f"/aid/{childcare['id']}",
        "es",
        [
            'data-confirm="Release the claim? The request opens again',
            "You received the help. Settle it",
            "In mutual credit, from you to ",
            ">taken up<",
        ],
        [
            'data-confirm="¿Liberar la reclamación? La solicitud vuelve a abrirse',
            "Recibiste la ayuda. Sáldala",
            "(tú)",
        ],
    )
    in_both(
        client,
        "/aid/new?kind=offer",
        "es",
        ['placeholder="Weekday mornings; Saturday 10–14"', "A request: I need help"],
        ['placeholder="Mañanas entre semana; sábado de 10 a 14"', "Una oferta: puedo ayudar"],
    )
    in_both(client, "/aid/mine", "es", ["You took up"], ["Lo que aceptaste"])


def test_campaigns_in_french(client: TestClient, demo: Demo) -> None:
    in_both(
        client,
        "/campaigns",
        "fr",
        [
            "Crowdfund together, all or nothing",
            "pledged of 25,000.00 EUR",
            "6 of 5 people pledged",
            "Every campaign",
            "open for pledges",
        ],
        [
            "Financez ensemble, tout ou rien",
            "promis sur 25\u202f000,00 EUR",  # in the reader's digits
            "6 personnes sur 5 se sont engagées",
            "Crowdfund the riverside meadow",  # the campaign's own title
        ],
    )
    mural = first(client, "/v1/campaigns", "campaigns", title="A street mural on the workshop wall")
    in_both(
        client,
        f"/campaigns/{mural['id']}",
        "fr",
        [
            "nobody was charged; every pledge was refunded, and ",
            "The deal",
            "What the close moved",
            f"campaign {mural['id']}'s escrow",
            "Did not reach its goal",
        ],
        [
            "personne n'a été prélevé ; chaque engagement a été remboursé, et ",
            f"séquestre de la campagne {mural['id']}",
            "N'a pas atteint son objectif",
        ],
    )
    sign_in(client, demo[1]["bruno"])
    meadow = first(client, "/v1/campaigns", "campaigns", title="Crowdfund the riverside meadow")
    in_both(
        client,
        f"/campaigns/{meadow['id']}",
        "fr",
        ["Held in escrow: collected only if", 'data-done="Your pledge is in escrow'],
        ["Sous séquestre : prélevé seulement si", 'data-done="Votre engagement est sous séquestre'],
    )
    in_both(
        client,
        "/campaigns/new",
        "fr",
        ["Bonus you pay each pledger if the goal is missed", "days from now."],
        ["Prime que vous versez à chaque participant", "jours à partir de maintenant."],
    )


def test_funding_rounds_and_pools_in_portuguese(client: TestClient, demo: Demo) -> None:
    in_both(
        client,
        "/rounds",
        "pt",
        ["Two ways the community shares out money together.", "points staked", "funding round"],
        ["Duas formas de a comunidade repartir dinheiro", "pontos apostados"],
    )
    rounds = client.get("/v1/rounds").json()["rounds"]
    spring = next(r for r in rounds if r["title"] == "Spring projects")
    in_both(
        client,
        f"/rounds/{spring['id']}",
        "pt",
        [
            "How the matching works",
            "quadratic funding, capped per project",
            "% of the matching)",
            'aria-label="Match per project"',  # the chart, drawn while the page renders
            "(this round)",
        ],
        [
            "Como funciona a contrapartida",
            "financiamento quadrático com teto por projeto",
            'aria-label="Contrapartida por projeto"',
            "(esta rodada)",
        ],
    )
    sign_in(client, demo[1]["amara"])
    pool = next(r for r in rounds if r["title"] == "Commons fund")
    in_both(
        client,
        f"/rounds/{pool['id']}",
        "pt",
        [
            "How conviction works",
            "gathering conviction",
            "if support stays as it is.",
            "Conviction (solid) against the threshold (dashed)",
        ],
        [
            "Como funciona a convicção",
            "acumulando convicção",
            "se o apoio continuar como está.",
            "Convicção de “Seeds and compost for spring” ao longo do tempo",
        ],
    )


def test_mutual_credit_in_arabic(client: TestClient, demo: Demo) -> None:
    in_both(
        client,
        "/credit",
        "ar",
        ["In a mutual-credit unit members pay each other directly", "members take part"],
        ["في وحدة الائتمان المتبادل يدفع الأعضاء بعضهم لبعض مباشرة", "يشارك", "Time-bank hour"],
    )
    in_both(
        client,
        "/credit/HOUR",
        "ar",
        [
            "Everyone's position",
            "Balances: credit to the right, below zero to the left",
            'aria-label="Balances in HOUR"',
            "Pay, or record what you owe",
            "Past clearings",
        ],
        [
            "مراكز الجميع",
            "الأرصدة: الدائنة إلى اليمين",
            "ادفع، أو سجّل ما عليك من دين",
            "المقاصّات السابقة",
        ],
    )
    sign_in(client, demo[1]["amara"])
    in_both(
        client,
        "/credit/HOUR/clearing",
        "ar",
        ["When debts run in a circle", "of debt</button>", "The cycles it sets off"],
        ["عندما تدور الديون في حلقة", "الحلقات التي تقاصّها"],
    )


def test_sentences_of_the_read_models_stay_english_until_shown() -> None:
    """What a read model returns is its English (for the API, the CLI and equality) and is
    said in the reader's language only where a page writes it."""
    words = ngettext("%(num)d day", "%(num)d days", 3)
    settled = pgettext("aid post", "settled")
    assert isinstance(words, Said) and words == "3 days" and settled == "settled"
    with speaking("fr"):
        assert words == "3 days"  # a str, compared as English
        assert words.__html__() == "3 jours" and settled.__html__() == "réglée"
    assert re.fullmatch(r"[0-9] days", words.__html__())  # English outside any page

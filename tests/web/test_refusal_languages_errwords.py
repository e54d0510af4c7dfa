"""The words the node puts into a refusal are said in the reader's language too: the action a
shared guard names and a phase's name (``Word``, domain/words.py), and the limits that were
f-strings; what members wrote is inserted as written, never translated, even when it equals a
message of the catalogues (docs/languages.md). ``detail_en`` keeps the exact English."""

from __future__ import annotations

from fastapi.testclient import TestClient

from commonweal.core.language import speaking, translations
from commonweal.domain.words import W_, WP_, Word, either
from commonweal.node.read_models import said
from commonweal.web.app import create_app
from commonweal.web.problem_words import translated
from tests.community import Community
from tests.web.test_refusal_languages_errcom import refuse

DRAFT = "governance.proposal.drafted"
BALLOT = "governance.ballot.cast"


def test_a_wrong_phase_refusal_says_its_action_and_phases_in_french_and_arabic(
    community: Community,
) -> None:
    body = {"kind": "choice", "topic": "commons", "title": "Door colour", "text": "Red."}
    proposal = community.act("alice", DRAFT, body).index
    ballot = {"proposal": proposal, "ballot": {"choice": "yes"}}
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        english = refuse(client, community, BALLOT, ballot)
        french = refuse(client, community, BALLOT, ballot, "fr")
        arabic = refuse(client, community, BALLOT, ballot, "ar")
    said = f"proposal {proposal} is in its draft phase: you cannot vote now (only during voting)"
    assert english["code"] == "wrong_phase" and english["detail"] == said
    assert "detail_en" not in english and "lang" not in english
    assert french["code"] == arabic["code"] == "wrong_phase"
    assert french["detail"] == (
        f"la proposition {proposal} est à l’étape « brouillon » : vous ne pouvez pas voter "
        "maintenant (uniquement à l’étape : vote en cours)"
    )
    assert french["detail_en"] == said
    assert arabic["detail"] == (
        f"المقترح {proposal} في مرحلة «مسودة»: لا يمكنك الآن التصويت (فقط في مرحلة: قيد التصويت)"
    )
    assert arabic["detail_en"] == said


def test_a_limit_that_was_an_f_string_is_said_in_french_and_arabic(community: Community) -> None:
    plan = {
        "title": "Garden day",
        "starts": "2031-05-01T09:00:00Z",
        "ends": "2031-05-01T12:00:00Z",
        "capacity": 200_000,
    }
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        english = refuse(client, community, "gatherings.gathering.scheduled", plan)
        french = refuse(client, community, "gatherings.gathering.scheduled", plan, "fr")
        arabic = refuse(client, community, "gatherings.gathering.scheduled", plan, "ar")
        spanish = refuse(client, community, "gatherings.gathering.scheduled", plan, "es")
    said = "capacity must be 0 (no limit) to 100,000"
    assert english["detail"] == said and "detail_en" not in english
    # the limit in each reader's marks: a French reader never reads "100,000" as a hundred
    assert french["detail"] == "capacity doit aller de 0 (sans limite) à 100\u202f000"
    assert spanish["detail"].endswith(" 100.000")
    assert arabic["detail"] == "يجب أن تكون capacity من 0 (بلا حد) إلى 100,000"
    assert french["detail_en"] == arabic["detail_en"] == said


def test_what_members_wrote_is_never_translated_and_words_are() -> None:
    """A title equal to a message of the catalogues ("Members") stays as written; the action
    (a ``Word``) beside it is translated, and the English is byte for byte the same."""
    assert translations("fr").gettext("Members") == "Membres"  # the title is a msgid
    template = "only the stewards of %(title)s may %(doing)s"
    params = {"title": "Members", "doing": WP_("to do", "describe it")}
    english = template % params
    assert english == "only the stewards of Members may describe it"
    body = {"status": 403, "code": "not_steward", "detail": english}
    french = translated(body, "fr", (template, params))
    assert french["detail"] == "seuls les intendants de Members peuvent le décrire"
    assert french["detail_en"] == english
    arabic = translated(body, "ar", (template, params))
    assert arabic["detail"] == "لا يحق إلا لقيّمي Members وصفه"
    # a Word inside a Word, and a list of phases joined with "or", in the reader's words
    phases = either([WP_("proposal phase", "draft"), WP_("proposal phase", "discussion")])
    assert phases == "draft or discussion" and isinstance(phases, Word)
    said = W_("proposal %(id)s is in its %(phase)s phase", id=7, phase=phases)
    assert said == "proposal 7 is in its draft or discussion phase"
    nested = translated(
        {"status": 409, "code": "wrong_phase", "detail": str(said)},
        "pt",
        (
            "%(said)s: you cannot %(doing)s now (only during %(allowed)s)",
            {
                "said": said,
                "doing": WP_("to do", "revise it"),
                "allowed": phases,
            },
        ),
    )
    assert nested["detail"] == (
        "a proposta 7 está na fase «rascunho ou em discussão»: agora não pode revê-la "
        "(só na fase: rascunho ou em discussão)"
    )


def test_an_error_page_says_the_refusals_detail_in_the_readers_language(
    community: Community,
) -> None:
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        english = client.get("/proposals/99999")
        spanish = client.get("/proposals/99999", headers={"Accept-Language": "es"})
    assert english.status_code == spanish.status_code == 404
    assert "There is no proposal 99999." in english.text
    assert "No existe la propuesta 99999." in spanish.text
    assert "There is no proposal 99999" not in spanish.text


def test_a_refusal_a_page_shows_says_its_words_in_the_pages_language() -> None:
    """The commons pages show a rule's refusal as a read model's sentence (``said.refusal``):
    English as a str, the page's language where the template writes it, Words included."""
    sentence = said.refusal(
        "only its organisers may %(doing)s", {"doing": WP_("to do", "cancel it")}
    )
    assert sentence == "only its organisers may cancel it"
    with speaking("fr"):
        assert sentence.translated() == "seuls ses organisateurs peuvent annuler"
    with speaking("ar"):
        assert sentence.translated() == "لا يحق إلا لمنظّميه الإلغاء"
    assert sentence.translated() == "only its organisers may cancel it"
    quoted = said.refusal_sentence(
        "only its organisers may %(doing)s", {"doing": WP_("to do", "cancel it")}
    )
    assert quoted == "Only its organisers may cancel it."  # as the pages quoted it before
    with speaking("fr"):
        assert quoted.translated() == "Seuls ses organisateurs peuvent annuler."

"""Refusals of governance (proposals, delegations, ballots) and of the shared body fields in
the reader's language (docs/languages.md): the detail is the catalogue's translation of the
refusal's template, filled with the same parameters; ``detail_en`` keeps the English, which
is unchanged for a reader who asks for none."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from commonweal.web.app import create_app
from tests.community import Community


def refuse(
    client: TestClient,
    community: Community,
    event_type: str,
    body: dict[str, Any],
    language: str | None = None,
    author: str = "alice",
) -> dict[str, Any]:
    """Post the author's event (at their next seq, which a refusal leaves unused); the problem."""
    seq = community.events.seqs.get(author, 0) + 1
    event = community.events.raw(author, type=event_type, body=body, seq=seq)
    headers = {"Accept-Language": language} if language else {}
    answer = client.post("/v1/events", content=event, headers=headers)
    assert 400 <= answer.status_code < 500, answer.text
    problem: dict[str, Any] = answer.json()
    return problem


DRAFT = "governance.proposal.drafted"


def test_a_draft_on_an_unknown_topic_is_refused_in_french_and_arabic(
    community: Community,
) -> None:
    body = {"kind": "choice", "topic": "weather", "title": "Sun", "text": "Please."}
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        english = refuse(client, community, DRAFT, body)
        french = refuse(client, community, DRAFT, body, "fr")
        arabic = refuse(client, community, DRAFT, body, "ar")
    said = english["detail"]
    assert said.startswith("there is no topic 'weather': try ")
    assert "detail_en" not in english and "lang" not in english
    topics = said.removeprefix("there is no topic 'weather': try ")
    assert french["lang"] == "fr" and french["code"] == english["code"] == "invalid_body"
    assert french["detail"] == f"il n’y a pas de sujet 'weather' : essayez {topics}"
    assert french["detail_en"] == said
    assert arabic["detail"] == f"لا يوجد موضوع 'weather': جرّب {topics}"
    assert arabic["detail_en"] == said


def test_body_fields_and_delegations_are_refused_in_spanish_and_portuguese(
    community: Community,
) -> None:
    long_title = {"kind": "choice", "topic": "commons", "title": "x" * 300, "text": "Red."}
    yourself = {"scope": "node", "trustee": community.did("alice")}
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        missing = refuse(client, community, DRAFT, {"kind": "choice"}, "es")
        too_long = refuse(client, community, DRAFT, long_title, "pt")
        english_long = refuse(client, community, DRAFT, long_title)
        myself = refuse(client, community, "governance.delegation.set", yourself, "es")
    assert missing["lang"] == "es" and missing["status"] == 422
    assert missing["detail"] == "title es obligatorio"
    assert missing["detail_en"] == "title is required"

    said = english_long["detail"]
    assert said.startswith("title may be at most ") and said.endswith("characters; got 300")
    most = said.removeprefix("title may be at most ").split(" ")[0]
    assert too_long["detail"] == f"title pode ter no máximo {most} caracteres; tem 300"
    assert too_long["detail_en"] == said

    assert myself["detail"] == "no puede delegar en usted mismo"
    assert myself["detail_en"] == "you cannot delegate to yourself"


def test_only_the_author_may_submit_in_french(community: Community) -> None:
    body = {"kind": "choice", "topic": "commons", "title": "Door colour", "text": "Red."}
    submit = {"proposal": community.act("alice", DRAFT, body).index}
    with TestClient(create_app(community.node, background_checkpoints=False)) as client:
        english = refuse(client, community, "governance.proposal.submitted", submit, None, "bob")
        french = refuse(client, community, "governance.proposal.submitted", submit, "fr", "bob")
        nowhere = {"proposal": 424242}
        absent = refuse(client, community, "governance.proposal.submitted", nowhere, "fr")
    assert english["code"] == french["code"] == "not_author" and french["status"] == 403
    assert english["detail"] == "only its author may submit a proposal"
    assert french["detail"] == "seul son auteur peut soumettre une proposition"
    assert french["detail_en"] == english["detail"]
    assert absent["status"] == 404 and absent["detail_en"] == "there is no proposal 424242"
    assert absent["detail"] == "il n’y a pas de proposition 424242"

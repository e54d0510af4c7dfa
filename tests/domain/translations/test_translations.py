"""Translations: a member translates a logged proposal, comment or aid post into another
language; each bad body is refused with its code and nothing logged; replay agrees."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from commonweal.domain.errors import InvalidBody
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION, parse_constitution
from commonweal.domain.translations.language import language_tag
from commonweal.domain.translations.records import TRANSLATIONS, translations_of
from commonweal.node.kernel.setup import init_node
from tests.builders import Clock, EventFactory
from tests.commons import verified
from tests.community import FOUNDERS, Community
from tests.governance import admit
from tests.mutual import post
from tests.translations import ADDED, body, hash_of, translate

KNOWN = sorted({a for kind in DEFAULT_CONSTITUTION["kinds"].values() for a in kind["actions"]})


def drafted(community: Community) -> str:
    """Alice drafts a proposal; the leaf hash of its entry."""
    return hash_of(
        community.act(
            "alice",
            "governance.proposal.drafted",
            {
                "kind": "decision",
                "topic": "general",
                "title": "Plant an orchard",
                "text": "Twelve fruit trees along the east fence.",
                "actions": [],
            },
        )
    )


def test_a_member_translates_a_proposal_and_replay_agrees(community: Community) -> None:
    original = drafted(community)
    first = translate(community, "bob", original, language="es")
    second = translate(community, "carol", original, language="pt-br")
    record = community.node.state.get(TRANSLATIONS, first)
    assert record["fields"] == {"title": "Plantar un huerto", "text": "Doce árboles frutales."}
    assert (record["author"], record["language"], record["kind"]) == (
        community.did("bob"),
        "es",
        "proposal",
    )
    assert record["original"] == original
    shown = translations_of(community.node.state, record["original_index"])
    assert [t["id"] for t in shown] == [first, second]
    assert shown[1]["language"] == "pt-BR"  # kept in RFC 5646's canonical case
    assert verified(community)


def test_comments_and_aid_posts_are_translated_with_their_own_words(
    community: Community,
) -> None:
    proposal = community.act(
        "alice",
        "governance.proposal.drafted",
        {"kind": "decision", "topic": "general", "title": "T", "text": "X", "actions": []},
    ).index
    comment = community.act(
        "bob", "governance.comment.posted", {"proposal": proposal, "text": "I am for it."}
    )
    translate(community, "carol", hash_of(comment), language="fr", text="Je suis pour.")
    request = community.node.store.entry(post(community, "alice", details="Tonight"))
    assert request is not None
    translate(community, "bob", hash_of(request), language="es", title="Sopa", details="Esta noche")
    offer = community.act("alice", "aid.offer.posted", {"title": "A ladder", "category": "tools"})
    translate(community, "bob", hash_of(offer), language="de", title="Eine Leiter")
    # a comment's translation with a title, an aid post's with text: not their words
    assert community.refused("carol", ADDED, body(hash_of(comment), "de")) == "invalid_body"
    assert (
        community.refused("bob", ADDED, body(hash_of(offer), "fr", text="Une échelle"))
        == "invalid_body"
    )
    assert verified(community)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"language": "en"}, "same_language"),  # the binding language of the default
        ({"language": "EN"}, "same_language"),
        ({"language": "english"}, "invalid_body"),
        ({"language": "en_US"}, "invalid_body"),
        ({"language": "de-1901-1901"}, "invalid_body"),
        ({"language": ""}, "invalid_body"),
        ({"language": 7}, "invalid_body"),
        ({"original": "not a hash"}, "invalid_body"),
        ({"original": "A" * 43 + "="}, "unknown_original"),
        ({"fields": {"title": "Solo el título"}}, "invalid_body"),
        ({"fields": {"title": "T", "text": "X", "details": "d"}}, "invalid_body"),
        ({"fields": {"title": "", "text": "X"}}, "invalid_body"),
        ({"fields": {"title": "T" * 201, "text": "X"}}, "invalid_body"),
        ({"fields": []}, "invalid_body"),
        ({"fields": {}}, "invalid_body"),
        ({"colour": "green"}, "invalid_body"),
    ],
)
def test_a_bad_translation_is_refused_with_its_code_and_nothing_logged(
    community: Community, change: dict, code: str
) -> None:
    original = drafted(community)
    size = community.node.store.count_entries()
    assert community.refused("bob", ADDED, {**body(original), **change}) == code
    assert community.node.store.count_entries() == size
    assert list(community.node.state.items(TRANSLATIONS)) == []


def test_only_logged_originals_of_a_translatable_type_are_translated(
    community: Community,
) -> None:
    admit(community, "dana")  # membership events are not translatable originals
    last = community.node.store.entry(community.node.store.count_entries() - 1)
    assert last is not None and last.type == "membership.vouch.given"
    assert community.refused("bob", ADDED, body(hash_of(last), "es")) == "unknown_original"
    # nor is a translation itself
    translation = community.act("bob", ADDED, body(drafted(community)))
    assert community.refused("carol", ADDED, body(hash_of(translation), "fr")) == (
        "unknown_original"
    )


def test_only_members_translate(community: Community) -> None:
    original = drafted(community)
    community.apply("erin")
    assert community.refused("erin", ADDED, body(original)) == "not_a_member"


def test_the_constitution_names_the_binding_language(
    tmp_path: Path, database_url: str | None, clock: Clock
) -> None:
    constitution = copy.deepcopy(DEFAULT_CONSTITUTION)
    constitution["language"] = "es"
    factory = EventFactory("", clock)
    node = init_node(
        tmp_path / "node",
        name="Comuna",
        database_url=database_url,
        clock=clock,
        founders=[factory.did(name) for name in FOUNDERS],
        constitution=constitution,
    )
    factory.node_did = node.identity.did
    community = Community(node, factory, clock)
    try:
        original = drafted(community)
        assert community.refused("bob", ADDED, body(original, "es")) == "same_language"
        translate(community, "bob", original, language="en", title="Orchard", text="Trees")
        assert verified(community)
    finally:
        node.close()


def test_a_constitution_with_a_malformed_binding_language_is_refused() -> None:
    constitution = {**copy.deepcopy(DEFAULT_CONSTITUTION), "language": "Spanish!"}
    with pytest.raises(InvalidBody, match="BCP 47"):
        parse_constitution(constitution, KNOWN)
    assert parse_constitution({**constitution, "language": "PT-br"}, KNOWN)["language"] == "pt-BR"


@pytest.mark.parametrize(
    ("tag", "canonical"),
    [
        ("es", "es"),
        ("pt-br", "pt-BR"),
        ("ZH-HANT-TW", "zh-Hant-TW"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("es-419", "es-419"),
        ("de-CH-1901", "de-CH-1901"),
        ("en-a-bbb-x-a-ccc", "en-a-bbb-x-a-ccc"),  # RFC 5646 appendix A
        ("x-whatever", "x-whatever"),
        ("i-klingon", "i-klingon"),
        ("zh-yue-HK", "zh-yue-HK"),
    ],
)
def test_well_formed_tags_are_kept_in_canonical_case(tag: str, canonical: str) -> None:
    assert language_tag(tag) == canonical


@pytest.mark.parametrize(
    "tag", ["de-419-DE", "a-DE", "ar-a-aaa-b-bbb-a-ccc", "en--US", "e", "ab-123456789", "é"]
)
def test_malformed_tags_are_refused(tag: str) -> None:  # RFC 5646 appendix A's bad ones
    with pytest.raises(InvalidBody):
        language_tag(tag)

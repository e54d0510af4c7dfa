"""Every registered event type and every permission reads as words: the tables cover the
program's registry and the permissions roles may hold."""

from __future__ import annotations

from commonweal.capabilities import PROGRAM
from commonweal.domain.membership.roles import PERMISSIONS
from commonweal.node.read_models.event_words import DANGLING, EVENT_WORDS, told
from commonweal.node.read_models.permission_words import PERMISSION_WORDS


def test_every_registered_event_type_has_words() -> None:
    registered = set(PROGRAM.registry().types)
    assert registered - set(EVENT_WORDS) == set(), "event types without words"
    assert set(EVENT_WORDS) - registered == set(), "words for event types nobody registers"


def test_the_words_read_as_sentences_with_and_without_a_title() -> None:
    for event_type in EVENT_WORDS:
        alone = told(event_type)
        assert alone and "{" not in alone and "." not in alone.replace("co.", ""), event_type
        assert alone.split()[-1] not in DANGLING, (event_type, alone)
        assert "  " not in alone, (event_type, alone)
        if "%(about)s" in EVENT_WORDS[event_type]:
            assert "“Spring fair”" in told(event_type, "Spring fair"), event_type


def test_examples() -> None:
    assert told("governance.ballot.cast", "Quiet hours") == "cast a ballot on “Quiet hours”"
    assert told("governance.ballot.cast") == "cast a ballot"
    assert told("governance.proposal.submitted") == "opened the proposal for discussion"
    assert told("kudos.given") == "logged kudos.given"


def test_every_permission_has_words() -> None:
    assert set(PERMISSION_WORDS) == set(PERMISSIONS)
    assert all(words and not words.endswith(".") for words in PERMISSION_WORDS.values())

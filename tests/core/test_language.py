"""The language every layer speaks in (core/language.py): chosen from tags and from a
command line's environment, and used by ``_()`` only inside ``speaking``."""

import pytest
from babel.support import NullTranslations

from commonweal.core import language
from commonweal.core.language import (
    _,
    current_language,
    language_of,
    language_of_environment,
    ngettext,
    speaking,
)


def test_tags_and_posix_locales_name_a_language_with_a_catalogue() -> None:
    assert language_of("pt-BR") == "pt"
    assert language_of("fr_FR.UTF-8") == "fr"
    assert language_of("ar_AE.UTF-8@latin") == "ar"
    assert language_of("de-DE") is None
    assert language_of("C") is None
    assert language_of("<script>") is None


def test_a_command_line_reads_lc_all_then_lc_messages_then_lang_then_the_node_default() -> None:
    assert language_of_environment({"LC_ALL": "es_ES.UTF-8", "LANG": "fr_FR.UTF-8"}) == "es"
    assert language_of_environment({"LC_MESSAGES": "pt_PT", "LANG": "fr_FR"}) == "pt"
    assert language_of_environment({"LANG": "C.UTF-8", "COMMONWEAL_LANGUAGE": "fr"}) == "en"
    assert language_of_environment({"COMMONWEAL_LANGUAGE": "ar"}) == "ar"
    assert language_of_environment({}) == "en"


def test_text_is_translated_only_while_speaking_and_english_after() -> None:
    assert _("Members") == "Members"
    with speaking("fr") as language:
        assert language == "fr" and current_language() == "fr"
        assert _("Members") == "Membres"
    assert current_language() == "en"
    with speaking("klingon"):
        assert current_language() == "en"


def test_placeholders_are_filled_after_translation() -> None:
    assert _("%(who)s and %(other)s", who="A", other="B") == "A and B"
    assert ngettext("%(num)d member", "%(num)d members", 1) == "1 member"
    assert ngettext("%(num)d member", "%(num)d members", 3) == "3 members"


def test_a_translation_that_does_not_fit_its_parameters_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Broken(NullTranslations):
        def gettext(self, message: str) -> str:
            return "%(nom)s a voté"  # a translator renamed the placeholder

    monkeypatch.setattr(language, "translations", lambda _language: Broken())
    with speaking("fr"):
        assert _("%(name)s voted", name="Amara") == "Amara voted"

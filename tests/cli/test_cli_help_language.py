"""``--help`` speaks the language its environment names: every help text of the command
tree is a message of the catalogues (context ``cli help``), put in its place by the
console entry point; in English the help is exactly what Typer shows."""

from __future__ import annotations

import sys
from io import BytesIO

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import NullTranslations, Translations
from typer.main import get_command

from commonweal.cli import help_words
from commonweal.cli.main import app
from commonweal.core import language
from commonweal.web import catalogues

SUMMARY = "Commonweal: civic infrastructure for network nations, on a verifiable log."
FRENCH = {
    SUMMARY: "Commonweal : une infrastructure civique pour les nations en réseau.",
    "Create and inspect signing keys.": "Créer et examiner des clés de signature.",
    "Create a key file and print its did:key.": "Créer un fichier de clé et afficher son did:key.",
    "Seal the key with a passphrase.": "Sceller la clé avec une phrase secrète.",
}


@pytest.fixture
def stub_french(monkeypatch: pytest.MonkeyPatch) -> None:
    """A French catalogue that translates only the help texts of ``FRENCH``."""
    catalog = Catalog(locale="fr")
    for english, french in FRENCH.items():
        catalog.add(english, french, context=help_words.CONTEXT)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    french = Translations(compiled)
    monkeypatch.setattr(
        language,
        "translations",
        lambda lang: french if lang == "fr" else NullTranslations(),
    )


def help_of(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    *args: str,
) -> str:
    """What ``commonweal <args> --help`` prints through the console entry point."""
    monkeypatch.setenv("LANG", lang)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setattr(sys, "argv", ["commonweal", *args, "--help"])
    with pytest.raises(SystemExit) as ended:
        help_words.run(app)
    assert ended.value.code == 0
    return capsys.readouterr().out


def test_help_in_french(
    stub_french: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = help_of(monkeypatch, capsys, "fr_FR.UTF-8")
    assert "Commonweal : une infrastructure civique pour les nations en réseau." in shown
    assert SUMMARY not in shown
    assert "Créer et examiner des clés de signature." in shown  # the group listed under its name
    assert "Print the installed version and exit." in shown  # untranslated: the English

    shown = help_of(monkeypatch, capsys, "fr_FR.UTF-8", "key", "new")
    assert "Créer un fichier de clé et afficher son did:key." in shown
    assert "Sceller la clé avec une phrase secrète." in shown
    assert "--encrypt" in shown  # options are named as they are


def test_help_in_english_is_what_typer_shows(
    stub_french: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in ((), ("key", "new"), ("vote",)):
        monkeypatch.setattr(sys, "argv", ["commonweal", *args, "--help"])
        monkeypatch.setenv("COLUMNS", "100")
        with pytest.raises(SystemExit):
            app()
        typer_shows = capsys.readouterr().out
        assert help_of(monkeypatch, capsys, "C", *args) == typer_shows
        assert help_of(monkeypatch, capsys, "en_GB.UTF-8", *args) == typer_shows
        # Spanish has no translation in the stub: every text stays, byte for byte.
        assert help_of(monkeypatch, capsys, "es_ES.UTF-8", *args) == typer_shows


def test_a_docstring_is_one_message_as_help_shows_it() -> None:
    texts = list(help_words.help_texts(get_command(app)))
    vote = next(t for t in texts if t.about == "commonweal vote")
    assert vote.message.startswith(
        "Vote on a proposal (again, to change your vote, until it closes).\n\n"
        "On a secret proposal the ballot is sealed and cast anonymously (docs/secret-ballots.md): "
        "once, "
    )
    assert vote.filename == "cli/governance_commands.py" and vote.lineno
    key_group = next(t for t in texts if t.about == "commonweal key")
    assert (key_group.message, key_group.filename) == (
        "Create and inspect signing keys.",
        "cli/key_commands.py",
    )
    encrypt = next(t for t in texts if t.about == "commonweal key new --encrypt")
    assert encrypt.message == "Seal the key with a passphrase."
    assert help_words.message_of("  One\n  line.\n\n  Two.\n") == "One line.\n\nTwo."


def test_the_help_texts_are_in_the_template() -> None:
    template = catalogues.extract()
    summary = template.get(SUMMARY, context=help_words.CONTEXT)
    assert summary is not None and ("cli/main.py", summary.locations[0][1]) in summary.locations
    assert summary.auto_comments == ["--help of commonweal"]
    ours = [m.id for m in template if m.context == help_words.CONTEXT]
    assert ours == list(dict.fromkeys(t.message for t in help_words.help_texts(get_command(app))))

"""The command line speaks the language its environment names (LC_ALL, LC_MESSAGES, LANG,
then COMMONWEAL_LANGUAGE): messages are translated, commands, options and JSON are not."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from commonweal.cli.main import app
from commonweal.core.language import current_language
from tests.cli.test_cli import run

runner = CliRunner()
FRENCH = {"LANG": "fr_FR.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
PLAIN = {"LANG": "C", "LC_ALL": "", "LC_MESSAGES": ""}


def test_a_success_message_in_french_and_in_english(tmp_path: Path) -> None:
    made = runner.invoke(
        app, ["init", "--name", "Guilde", "--data-dir", str(tmp_path / "fr")], env=FRENCH
    )
    assert made.exit_code == 0, made.output
    assert "Nœud Guilde créé dans " in made.output
    assert f"Servez-le avec : commonweal serve --data-dir {tmp_path / 'fr'}" in made.output
    assert current_language() == "en"  # the command's language ended with it

    made = runner.invoke(
        app, ["init", "--name", "Guild", "--data-dir", str(tmp_path / "en")], env=PLAIN
    )
    assert made.exit_code == 0, made.output
    assert "Created Guild in " in made.output
    assert f"Serve it with: commonweal serve --data-dir {tmp_path / 'en'}" in made.output


def test_an_error_in_french_and_in_english(tmp_path: Path) -> None:
    key = tmp_path / "me.key"
    assert runner.invoke(app, ["key", "new", str(key)], env=PLAIN).exit_code == 0
    again = runner.invoke(app, ["key", "new", str(key)], env=FRENCH)
    assert again.exit_code == 1
    assert f"erreur : {key} existe déjà ; choisissez un autre chemin" in again.output
    again = runner.invoke(app, ["key", "new", str(key)], env=PLAIN)
    assert f"error: {key} already exists; choose another path" in again.output


def test_the_installed_command_reads_its_environment(tmp_path: Path) -> None:
    key = tmp_path / "me.key"
    assert run("key", "new", str(key), env=PLAIN).returncode == 0
    told = run("key", "new", str(key), env={**PLAIN, "LC_ALL": "es_ES.UTF-8"})
    assert told.returncode == 1 and "ya existe; elige otra ruta" in told.stderr
    told = run("key", "new", str(key), env={**PLAIN, "LANG": "", "COMMONWEAL_LANGUAGE": "pt-BR"})
    assert told.returncode == 1 and "já existe; escolha outro caminho" in told.stderr
    told = run("key", "new", str(key), env=PLAIN)
    assert told.returncode == 1 and "already exists; choose another path" in told.stderr

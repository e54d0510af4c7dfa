"""Each command of ``commonweal`` is imported when it is called (cli/lazy.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from commonweal.capabilities import PROGRAM
from commonweal.cli.main import OWN_COMMANDS

HEAVY = ["fastapi", "sqlalchemy", "pyld", "commonweal.domain.catalog", "commonweal.web.app"]


def imported_after(*args: str) -> tuple[str, list[str]]:
    """Run ``commonweal ARGS`` in a fresh interpreter: its output and the commonweal.cli
    modules and heavy packages it imported."""
    script = (
        "import sys, json, contextlib, io\n"
        "from typer.testing import CliRunner\n"
        "from commonweal.cli.main import app\n"
        f"result = CliRunner().invoke(app, {list(args)!r})\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "cli = sorted(m for m in sys.modules if m.startswith('commonweal.cli.'))\n"
        "print(json.dumps([result.output, heavy + cli]))\n"
    )
    answer = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert answer.returncode == 0, answer.stderr
    output, modules = json.loads(answer.stdout)
    return output, modules


def test_the_version_imports_no_command() -> None:
    output, modules = imported_after("--version")
    assert not [m for m in HEAVY if m in modules]
    assert output.startswith("commonweal ")
    assert modules == ["commonweal.cli.help_words", "commonweal.cli.lazy", "commonweal.cli.main"]


def test_a_command_imports_its_own_module_only() -> None:
    output, modules = imported_after("proposal", "--help")
    assert "Usage:" in output and "list" in output
    commands = [m for m in modules if m.endswith("_commands")]
    assert "commonweal.cli.governance_commands" in commands
    for other in ("node_commands", "treasury_commands", "places_commands", "demo_commands"):
        assert f"commonweal.cli.{other}" not in commands
    assert "commonweal.web.app" not in modules


def test_the_help_lists_every_command_in_the_lists_order() -> None:
    output, _modules = imported_after("--help")
    listed = re.findall(r"^│ (\S+) {2,}", output.split("Commands")[1], re.MULTILINE)
    assert listed == [*OWN_COMMANDS, *PROGRAM.command_loaders(), "verify"]


def test_a_group_extended_by_other_capabilities_has_their_commands() -> None:
    output, modules = imported_after("credential", "--help")
    assert "derive" in output  # wallets' selective disclosure
    assert "commonweal.cli.disclosure_commands" in modules
    assert "commonweal.cli.community_credential_commands" in modules


SUBCOMMANDS = (
    "import json, sys\n"
    "from typer.main import get_command\n"
    "from commonweal.cli.main import app\n"
    "root = get_command(app)\n"
    "eager = sys.argv[1] == '*'\n"
    "if eager:\n"
    "    import pkgutil, importlib, commonweal.cli as cli\n"
    "    for module in pkgutil.iter_modules(cli.__path__):\n"
    "        importlib.import_module('commonweal.cli.' + module.name)\n"
    "names = list(root.commands) if eager else [sys.argv[1]]\n"
    "found = {}\n"
    "for name in names:\n"
    "    command = root.commands[name]\n"
    "    found[name] = sorted(getattr(command, 'commands', {}) or {})\n"
    "print(json.dumps(found))\n"
)


def subcommands(name: str) -> dict[str, list[str]]:
    answer = subprocess.run(
        [sys.executable, "-c", SUBCOMMANDS, name], capture_output=True, text=True
    )
    assert answer.returncode == 0, answer.stderr
    found: dict[str, list[str]] = json.loads(answer.stdout)
    return found


@pytest.mark.slow
def test_each_group_built_alone_has_every_command_it_has_with_everything_imported() -> None:
    """A command module that adds to another's group (``wallet present``) must be named in
    ``extends``: built alone, in a fresh process, each group has all its commands."""
    everything = subcommands("*")
    groups = [name for name, commands in everything.items() if commands]
    with ThreadPoolExecutor(max_workers=2) as pool:
        alone = dict(zip(groups, pool.map(lambda g: subcommands(g)[g], groups), strict=True))
    assert alone == {group: everything[group] for group in groups}
    assert "present" in alone["wallet"]

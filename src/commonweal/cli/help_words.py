"""The command line's help (``--help``) in the language its environment names.

Every help text of the command tree (a command's or group's ``help``, ``short_help`` and
``epilog``, and each parameter's ``help``; a command's help is its docstring, whole, as
Typer takes it) is a message of the catalogues in the context :data:`CONTEXT`
(``web/catalogues.py`` extracts them from the tree itself, so a docstring needs no mark).
The message is the text as ``--help`` shows it: paragraphs separated by a blank line,
the line breaks inside a paragraph joined by spaces (Typer joins them when it renders).
The first paragraph of a command's help is what its group lists beside its name.

The console entry point (:func:`run`) builds the click command and, when the environment's
language is not English, puts each help text's translation in its place before running;
in English it runs the command exactly as Typer would.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from typer.main import get_command

from commonweal.cli.lazy import Commands
from commonweal.core.language import SOURCE_LANGUAGE, language_of_environment, pgettext, speaking

CONTEXT = "cli help"
"""The catalogues' context of every help text (apart from the pages' messages)."""

FIELDS = ("help", "short_help", "epilog")
"""A command's or group's attributes that hold text shown by ``--help``."""

PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class HelpText:
    """One help text of the command tree: the message, where it is, what it helps with."""

    message: str
    filename: str | None
    lineno: int  # 0 when unknown (a group made by ``typer.Typer(help=…)``)
    about: str


def message_of(text: str) -> str:
    """``text`` as ``--help`` shows it, the catalogues' message: dedented, its paragraphs
    kept, the line breaks inside each joined by spaces."""
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def help_texts(command: Any, path: tuple[str, ...] = ("commonweal",)) -> Iterator[HelpText]:
    """Every help text of ``command`` and the commands under it, in the order ``--help``
    lists them (the command, its parameters, then each subcommand in turn)."""
    filename, lineno = _source(command)
    about = " ".join(path)
    for field in FIELDS:
        text = getattr(command, field, None)
        if text:
            yield HelpText(message_of(text), filename, lineno, about)
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            name = param.opts[0] if param.param_type_name == "option" else param.name.upper()
            yield HelpText(message_of(text), filename, lineno, f"{about} {name}")
    for name, sub in (getattr(command, "commands", None) or {}).items():
        yield from help_texts(sub, (*path, name))


def _source(command: Any) -> tuple[str | None, int]:
    """The file (from the package's root) and line of the function behind ``command``."""
    callback = getattr(command, "callback", None)
    if callback is None:
        # A group with no function of its own (``typer.Typer(help=…)``): its first command's file.
        subcommands = list((getattr(command, "commands", None) or {}).values())
        return (_source(subcommands[0])[0], 0) if subcommands else (None, 0)
    function = inspect.unwrap(callback)
    try:
        source = Path(inspect.getsourcefile(function) or "")
        return source.resolve().relative_to(PACKAGE).as_posix(), function.__code__.co_firstlineno
    except (TypeError, ValueError, AttributeError):
        return None, 0


def translate(command: Any, language: str) -> None:
    """Put the translation into ``language`` of every help text of ``command``'s tree in
    its place (a text with no translation stays as it is). A sub-command not yet imported
    (``cli/lazy.py``) is translated as it is built."""
    with speaking(language):
        for field in FIELDS:
            text = getattr(command, field, None)
            if text:
                setattr(command, field, _said(text))
        for param in command.params:
            if getattr(param, "help", None):
                param.help = _said(param.help)
    commands = getattr(command, "commands", None)
    if isinstance(commands, Commands):
        commands.on_load = lambda sub: translate(sub, language)
        subcommands = commands.built().values()
    else:
        subcommands = (commands or {}).values()
    for sub in subcommands:
        translate(sub, language)


def _said(text: str) -> str:
    message = message_of(text)
    translated = pgettext(CONTEXT, message)
    return text if translated == message else translated


def run(app: typer.Typer) -> Any:
    """Run ``app`` as the ``commonweal`` command, its help in the environment's language."""
    language = language_of_environment(os.environ)
    if language == SOURCE_LANGUAGE:
        return app()
    command = get_command(app)
    translate(command, language)
    return command()

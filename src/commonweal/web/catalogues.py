"""The translation catalogues' workflow: extract, update, check (docs/languages.md).

    python -m commonweal.web.catalogues update   # make i18n: extract, then merge into every .po
    python -m commonweal.web.catalogues check    # make lint: fail on a missing or fuzzy message

Messages are extracted from the templates (``{{ _("…") }}``) and from the Python of
``web``, ``capabilities``, ``node`` (read models' sentences, mails) and ``cli``
(``_()``, ``gettext()``, ``N_()`` marks, and the labels of ``NavEntry``), what the
domain's notices say (``said()``, ``said_counted()``), and the command line's help texts
(from its command tree, in the context ``cli help``: ``cli/help_words.py``): the template
is ``locale/messages.pot``, each language's catalogue
``locale/<lang>/LC_MESSAGES/messages.po``. ``update`` never guesses (no fuzzy
matching): a new message arrives empty and ``check`` names it until someone translates
it. ``check`` extracts afresh, so a message written in the source but not yet in a
catalogue counts as missing too.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from commonweal.web.i18n import LANGUAGES, SOURCE_LANGUAGE

PACKAGE = Path(__file__).resolve().parent.parent
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "messages.pot"
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "N_": None,
    "NP_": ((1, "c"), 2),
    "NN_": (1, 2),
    "NavEntry": (2,),
    "signed_in": (3,),
    # What notices say (domain/notifications/said.py), said in each recipient's language.
    "said": None,
    "said_counted": (1, 2),
    # Refusals (domain/errors.py, node/kernel/errors.py, core/events.py): their messages,
    # said to people.
    "InvalidBody": (1,),
    "Conflict": (1,),
    "NotPermitted": (1,),
    "NotFound": (1,),
    "OverBudget": (1,),
    "DomainError": (1,),
    "Rejected": (2,),
    "EventError": (2,),
    "EndpointRefused": (1,),
    # A credential's problems (core/vc: CredentialError and its modules' ``_require``).
    "CredentialError": (2,),
    "_require": (2,),
    # Words the node puts into a refusal's sentence (domain/words.py: an action, a phase).
    "W_": (1,),
    "WP_": ((1, "c"), 2),
}
METHODS = [
    ("web/templates/**.html", "jinja2"),
    ("web/**.py", "python"),
    ("capabilities/**.py", "python"),
    ("node/**.py", "python"),
    ("domain/**.py", "python"),
    ("cli/**.py", "python"),
    ("core/language.py", "python"),
    ("core/events.py", "python"),
    ("core/vc/**.py", "python"),
    ("domain/notifications/**.py", "python"),
]
OPTIONS = {"web/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
# The project's name for itself stays in the catalogue's header, never in a message.
PROJECT = "Commonweal"


@dataclass(frozen=True)
class Problem:
    """A message a catalogue lacks (``missing``) or holds only as a guess (``fuzzy``)."""

    language: str
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.language}: {self.kind}: {self.message!r}"


def extract(root: Path = PACKAGE) -> Catalog:
    """Every message of the templates and the web's Python, with where it is used."""
    catalog = Catalog(
        project=PROJECT,
        copyright_holder="the Commonweal contributors",
        fuzzy=False,
        creation_date=datetime(2026, 1, 1, tzinfo=UTC),
    )
    found = extract_from_dir(
        str(root),
        method_map=METHODS,
        options_map=OPTIONS,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    if root == PACKAGE:
        add_cli_help(catalog)
    return catalog


def add_cli_help(catalog: Catalog) -> None:
    """The command line's help texts, taken from its command tree (commands' docstrings,
    options' ``help=``) in the context ``cli help``, each with the command it helps with
    (``cli/help_words.py``)."""
    from typer.main import get_command

    from commonweal.cli import help_words
    from commonweal.cli.main import app

    for text in help_words.help_texts(get_command(app)):
        location = [(text.filename, text.lineno)] if text.filename else []
        known = catalog.get(text.message, context=help_words.CONTEXT) is not None
        catalog.add(
            text.message,
            None,
            location,
            auto_comments=() if known else (f"--help of {text.about}",),
            context=help_words.CONTEXT,
        )


def catalogue_path(language: str, locale_dir: Path = LOCALE) -> Path:
    return locale_dir / language / "LC_MESSAGES" / "messages.po"


def translated_languages() -> list[str]:
    return [language for language in LANGUAGES if language != SOURCE_LANGUAGE]


def update(locale_dir: Path = LOCALE, template: Catalog | None = None) -> list[Path]:
    """Write the template and merge it into every language's catalogue (new messages
    empty, messages gone from the source dropped); the paths written."""
    template = template or extract()
    locale_dir.mkdir(parents=True, exist_ok=True)
    written = [locale_dir / "messages.pot"]
    _write(written[0], template)
    for language in translated_languages():
        path = catalogue_path(language, locale_dir)
        if path.exists():
            with path.open("rb") as source:
                catalog = read_po(source, locale=language)
        else:
            catalog = Catalog(
                locale=language,
                project=PROJECT,
                copyright_holder="the Commonweal contributors",
                fuzzy=False,
            )
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, catalog)
        written.append(path)
    return written


def _write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as out:
        write_po(out, catalog, width=100, sort_by_file=False, omit_header=False)


def problems_in(
    catalog: Catalog, language: str, expected: Iterable[tuple[object, str | None]]
) -> list[Problem]:
    """What ``catalog`` lacks of the ``expected`` messages (id, context), holds as fuzzy,
    or translates with a placeholder the message does not have."""
    found: list[Problem] = []
    wanted = set()
    for message_id, context in expected:
        key = message_id if isinstance(message_id, str) else message_id[0]  # type: ignore[index]
        wanted.add((key, context))
        message = catalog.get(message_id, context=context)  # type: ignore[arg-type]
        if message is None or not _complete(message.string):
            found.append(Problem(language, "missing", str(key)))
        elif message.fuzzy:
            found.append(Problem(language, "fuzzy", str(key)))
        elif _strange_placeholders(message.id, message.string):
            found.append(Problem(language, "placeholder", str(key)))
    for message in catalog:
        key = message.id if isinstance(message.id, str) else message.id[0]
        if message.id and message.fuzzy and (key, message.context) not in wanted:
            found.append(Problem(language, "fuzzy", str(key)))
    return found


_PLACEHOLDER = re.compile(r"%\((\w+)\)")


def _strange_placeholders(message_id: object, string: object) -> bool:
    """Whether a translation names a ``%(name)s`` its English does not have (it could not
    be filled: the reader would get the English instead)."""
    ids = message_id if isinstance(message_id, tuple) else (message_id,)
    strings = string if isinstance(string, tuple) else (string,)
    known = {name for text in ids for name in _PLACEHOLDER.findall(str(text))}
    return any(set(_PLACEHOLDER.findall(str(text))) - known for text in strings)


def _complete(string: object) -> bool:
    if isinstance(string, tuple | list):
        return all(part for part in string)
    return bool(string)


def check(locale_dir: Path = LOCALE, template: Catalog | None = None) -> list[Problem]:
    """Every missing or fuzzy message, in every language's catalogue."""
    template = template or extract()
    expected = [(message.id, message.context) for message in template if message.id]
    found: list[Problem] = []
    for language in translated_languages():
        path = catalogue_path(language, locale_dir)
        if not path.exists():
            found.append(Problem(language, "missing", f"the whole catalogue {path}"))
            continue
        with path.open("rb") as source:
            catalog = read_po(source, locale=language)
        found.extend(problems_in(catalog, language, expected))
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        for path in update():
            print(f"wrote {path.relative_to(PACKAGE.parent.parent)}")
        command = "check"
    if command == "check":
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(
                f"{len(problems)} messages missing or fuzzy: translate them in "
                "src/commonweal/locale/<lang>/LC_MESSAGES/messages.po (docs/languages.md)",
                file=sys.stderr,
            )
            return 1
        print(f"catalogues complete: {', '.join(translated_languages())}")
        return 0
    print("usage: python -m commonweal.web.catalogues [update|check]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The page scripts' messages: every message a script says with t() or tn() is marked in
web/script_messages.py (so the catalogues hold it), and every page carries them in its
reader's language."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from commonweal.web import script_messages
from commonweal.web.script_messages import MESSAGES, PLURALS, messages_of

SCRIPTS = Path(script_messages.__file__).with_name("static") / "js"
LITERAL = r'"((?:[^"\\]|\\.)*)"'


def said_by_scripts() -> tuple[set[str], set[tuple[str, str]]]:
    singles: set[str] = set()
    plurals: set[tuple[str, str]] = set()
    for script in SCRIPTS.glob("*.js"):
        if script.name == "messages.js":
            continue
        text = script.read_text()
        for found in re.finditer(r"(?<![\w.])t\(\s*" + LITERAL, text):
            singles.add(json.loads(f'"{found.group(1)}"'))
        for found in re.finditer(r"(?<![\w.])tn\(\s*" + LITERAL + r",\s*" + LITERAL, text):
            plurals.add((json.loads(f'"{found.group(1)}"'), json.loads(f'"{found.group(2)}"')))
        assert not re.search(r"(?<![\w.])tn?\(\s*[`'a-z]", text), (
            f"{script.name}: t() of a non-literal"
        )
    return singles, plurals


def test_every_script_message_is_marked_and_none_is_left_over() -> None:
    singles, plurals = said_by_scripts()
    assert singles == set(MESSAGES)
    assert plurals == set(PLURALS)
    assert len(MESSAGES) == len(set(MESSAGES))


def test_english_pages_carry_no_translations_and_others_carry_theirs() -> None:
    assert messages_of("en") == "{}"
    french = json.loads(messages_of("fr"))
    assert (
        french["messages"]["Signing with your key and sending…"]
        == "Signature avec votre clé et envoi…"
    )
    assert set(french["messages"]) <= set(MESSAGES)
    digests = french["plurals"]["Computed the digest in this browser; the file stays here."]
    assert digests["one"].startswith("Empreinte calculée") and "%(num)s" in digests["other"]
    arabic = json.loads(messages_of("ar"))
    assert set(arabic["plurals"]["%(num)s more is farther than %(km)s km from your area."]) == {
        "zero",
        "one",
        "two",
        "few",
        "many",
        "other",
    }


def test_every_page_carries_the_messages_of_its_reader(client: TestClient) -> None:
    def carried(html: str) -> dict[str, object]:
        found = re.search(
            r'<script type="application/json" id="cw-messages">(.*?)</script>', html, re.S
        )
        assert found
        return json.loads(found.group(1))  # type: ignore[no-any-return]

    assert carried(client.get("/").text) == {}
    spanish = carried(client.get("/key", headers={"Accept-Language": "es"}).text)
    assert spanish["messages"]["Signing…"] == "Firmando…"  # type: ignore[index]

"""``commonweal translation …``: add a translation of a proposal, comment or aid post, and
list an original's translations."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape

from commonweal.cli.common import NodeUrl, Signer, console, fail, fetch, signing
from commonweal.core.language import N_, _

app = typer.Typer(
    help="Translations: members' translations of proposals, comments and aid posts.",
    no_args_is_help=True,
)
Original = typer.Argument(
    ...,
    help="The original: its log index (42) or its entry's leaf hash (base64, as /v1/events shows).",
)


def leaf_hash_of(node: str, original: str) -> str:
    """``original`` as a leaf hash: an index is looked up in the node's log."""
    if original.isdigit():
        entry: dict[str, Any] = fetch(node, f"/v1/events/{int(original)}")
        return str(entry["leaf_hash"])
    return original


@app.command("add")
@signing
def add(
    original: str = Original,
    language: str = typer.Option(
        ..., "--language", "-l", help="The translation's language: a BCP 47 tag (es, pt-BR)."
    ),
    title: str | None = typer.Option(None, "--title", help="The title (proposals, aid posts)."),
    text: str | None = typer.Option(None, "--text", help="The text (proposals, comments)."),
    details: str | None = typer.Option(None, "--details", help="An aid post's details."),
    *,
    signer: Signer,
) -> None:
    """Add your translation of an original (the original stays the binding text)."""
    fields = {
        name: value
        for name, value in (("title", title), ("text", text), ("details", details))
        if value is not None
    }
    if not fields:
        raise fail(_("give the translated words: --title, --text or --details"))
    body = {"original": leaf_hash_of(signer.node, original), "language": language, "fields": fields}
    signer.made("translations.translation.added", body, N_("Translation [bold]%(index)s[/] added."))


@app.command("list")
def list_translations(original: str = Original, node: str = NodeUrl) -> None:
    """The translations of an original, oldest first."""
    found = fetch(node, "/v1/translations", original=leaf_hash_of(node, original))
    source = found["original"]
    console.print(
        _(
            "%(value)s %(index)s (binding text: the %(binding_language)s original)",
            value=source["kind"].replace("_", " "),
            index=source["index"],
            binding_language=found["binding_language"],
        ),
        highlight=False,
    )
    if not found["translations"]:
        console.print(_("No translations yet."))
    for translation in found["translations"]:
        words = translation["fields"]
        console.print(
            f"{translation['id']:>6}  {translation['language']:<8} by {translation['author']}  "
            f"{escape(words.get('title') or words.get('text', ''))[:80]}",
            highlight=False,
        )

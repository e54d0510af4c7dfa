"""Translations: members' translations of proposals, comments and aid posts, beside the
binding original (docs/translations.md)."""

from __future__ import annotations

from commonweal.capability import Capability, Lazy, SubCommands, WebRouter

CAPABILITY = Capability(
    name="translations",
    event_types=Lazy("commonweal.domain.catalog", "translations"),
    status_by_code={"unknown_original": 404, "same_language": 409},
    api=(WebRouter("commonweal.web.translations_api"),),
    pages=(WebRouter("commonweal.web.translations_pages"),),
    cli=SubCommands({"translation": "commonweal.cli.translations_commands"}),
)

"""Mutual aid: requests and offers, claims, relayed messages, settlement."""

from __future__ import annotations

from commonweal.capability import Capability, Lazy, NavEntry, SubCommands, WebRouter

CAPABILITY = Capability(
    name="aid",
    event_types=Lazy("commonweal.domain.catalog", "aid"),
    status_by_code={"invalid_message": 422, "commitment_mismatch": 422},
    api=(WebRouter("commonweal.web.aid_api"),),
    pages=(WebRouter("commonweal.web.aid_pages"),),
    navigation=(NavEntry(30, "Mutual aid", "/aid"),),
    cli=SubCommands({"aid": "commonweal.cli.aid_commands"}),
)

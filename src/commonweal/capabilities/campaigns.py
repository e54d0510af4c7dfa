"""Campaigns: all-or-nothing pledges, here and carried across the network."""

from __future__ import annotations

from commonweal.capability import Capability, DueWork, Lazy, NavEntry, SubCommands, WebRouter

CAPABILITY = Capability(
    name="campaigns",
    event_types=Lazy("commonweal.domain.catalog", "campaigns"),
    api=(WebRouter("commonweal.web.campaigns_api", ("federation",)),),
    pages=(WebRouter("commonweal.web.campaigns_pages", ("federation",)),),
    navigation=(NavEntry(40, "Campaigns", "/campaigns"),),
    cli=SubCommands({"campaign": "commonweal.cli.campaigns_commands"}),
    due_work=(DueWork("campaigns", Lazy("commonweal.node.services.campaigns", "run_due")),),
)

"""Campaigns: all-or-nothing pledges, here and carried across the network."""

from __future__ import annotations

from commonweal.capability import Capability, DueWork, NavEntry, SubCommands, WebRouter
from commonweal.domain import catalog
from commonweal.node.services import campaigns

CAPABILITY = Capability(
    name="campaigns",
    event_types=catalog.campaigns,
    api=(WebRouter("commonweal.web.campaigns_api", ("federation",)),),
    pages=(WebRouter("commonweal.web.campaigns_pages", ("federation",)),),
    navigation=(NavEntry(40, "Campaigns", "/campaigns"),),
    cli=SubCommands({"campaign": "commonweal.cli.campaigns_commands"}),
    due_work=(DueWork("campaigns", campaigns.run_due),),
)

"""Mutual credit: limits, obligations, clearing, demurrage (its API is in treasury's router)."""

from __future__ import annotations

from commonweal.capability import Capability, DueWork, NavEntry, SubCommands, WebRouter
from commonweal.domain import catalog
from commonweal.node.services import credit

CAPABILITY = Capability(
    name="credit",
    event_types=catalog.credit,
    pages=(WebRouter("commonweal.web.credit_pages"),),
    navigation=(NavEntry(110, "Mutual credit", "/credit"),),
    cli=SubCommands({"credit": "commonweal.cli.credit_commands"}),
    due_work=(DueWork("credit", credit.run_due),),
)

"""Mutual credit: limits, obligations, clearing, demurrage (its API is in treasury's router)."""

from __future__ import annotations

from commonweal.capability import Capability, DueWork, Lazy, NavEntry, SubCommands, WebRouter

CAPABILITY = Capability(
    name="credit",
    event_types=Lazy("commonweal.domain.catalog", "credit"),
    pages=(WebRouter("commonweal.web.credit_pages"),),
    navigation=(NavEntry(110, "Mutual credit", "/credit"),),
    cli=SubCommands({"credit": "commonweal.cli.credit_commands"}),
    due_work=(DueWork("credit", Lazy("commonweal.node.services.credit", "run_due")),),
)

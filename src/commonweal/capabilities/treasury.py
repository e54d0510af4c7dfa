"""Treasury: the double-entry ledger, income, transfers, expenses with N-of-M approval, budgets.
Its API router serves ``/v1/credit`` too."""

from __future__ import annotations

from commonweal.capability import Capability, DemoChapter, Lazy, NavEntry, SubCommands, WebRouter

CAPABILITY = Capability(
    name="treasury",
    event_types=Lazy("commonweal.domain.catalog", "treasury"),
    api=(WebRouter("commonweal.web.treasury_api"),),
    pages=(WebRouter("commonweal.web.treasury_pages"),),
    navigation=(NavEntry(100, "Treasury", "/treasury"),),
    cli=SubCommands({"treasury": "commonweal.cli.treasury_commands"}),
    demo=(DemoChapter(10, Lazy("commonweal.demo.treasury", "tell")),),
)

"""Funding: quadratic-funding rounds and conviction-voting pools (URLs and commands say
``rounds`` and ``round``, as they always have)."""

from __future__ import annotations

from commonweal.capability import (
    Capability,
    DemoChapter,
    DueWork,
    Lazy,
    NavEntry,
    SubCommands,
    WebRouter,
)

CAPABILITY = Capability(
    name="funding",
    event_types=Lazy("commonweal.domain.catalog", "funding"),
    api=(WebRouter("commonweal.web.funding_api"),),
    pages=(WebRouter("commonweal.web.funding_pages"),),
    navigation=(NavEntry(50, "Funding", "/rounds"),),
    cli=SubCommands({"round": "commonweal.cli.funding_commands"}),
    due_work=(DueWork("rounds", Lazy("commonweal.node.services.funding", "run_due")),),
    demo=(
        DemoChapter(30, Lazy("commonweal.demo.funding", "tell")),
        DemoChapter(50, Lazy("commonweal.demo.funding", "recent")),
    ),
)

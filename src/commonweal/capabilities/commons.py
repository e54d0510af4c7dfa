"""Commons: shared resources, their rules, bookings, allocation rounds, sanctions, deposits."""

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
    name="commons",
    event_types=Lazy("commonweal.domain.catalog", "commons"),
    api=(WebRouter("commonweal.web.commons_api"),),
    pages=(WebRouter("commonweal.web.commons_pages"),),
    navigation=(NavEntry(60, "Commons", "/commons"),),
    cli=SubCommands({"commons": "commonweal.cli.commons_commands"}),
    due_work=(DueWork("commons", Lazy("commonweal.node.services.commons", "run_due")),),
    demo=(
        DemoChapter(20, Lazy("commonweal.demo.commons", "past")),
        DemoChapter(60, Lazy("commonweal.demo.commons", "upcoming")),
    ),
)

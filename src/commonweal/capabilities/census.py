"""The census: each node's figures, logged and recomputed, and the network's, proven."""

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
    name="census",
    event_types=Lazy("commonweal.domain.catalog", "census"),
    status_by_code={"not_counted": 404},
    api=(WebRouter("commonweal.web.census_api"),),
    pages=(WebRouter("commonweal.web.census_pages"),),
    navigation=(NavEntry(145, "Census", "/census"),),
    cli=SubCommands({"census": "commonweal.cli.census_commands"}),
    due_work=(DueWork("census", Lazy("commonweal.node.services.census", "run_due")),),
    demo=(
        DemoChapter(5, Lazy("commonweal.demo.census", "founding")),
        DemoChapter(12, Lazy("commonweal.demo.census", "treasury_year")),
        DemoChapter(22, Lazy("commonweal.demo.census", "spring")),
        DemoChapter(90, Lazy("commonweal.demo.census", "this_month")),
    ),
)

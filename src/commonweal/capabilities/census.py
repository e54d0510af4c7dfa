"""The census: each node's figures, logged and recomputed, and the network's, proven."""

from __future__ import annotations

from commonweal.capability import Capability, DemoChapter, DueWork, NavEntry, SubCommands, WebRouter
from commonweal.demo import census as demo
from commonweal.domain import catalog
from commonweal.node.services import census

CAPABILITY = Capability(
    name="census",
    event_types=catalog.census,
    status_by_code={"not_counted": 404},
    api=(WebRouter("commonweal.web.census_api"),),
    pages=(WebRouter("commonweal.web.census_pages"),),
    navigation=(NavEntry(145, "Census", "/census"),),
    cli=SubCommands({"census": "commonweal.cli.census_commands"}),
    due_work=(DueWork("census", census.run_due),),
    demo=(
        DemoChapter(5, demo.founding),
        DemoChapter(12, demo.treasury_year),
        DemoChapter(22, demo.spring),
        DemoChapter(90, demo.this_month),
    ),
)

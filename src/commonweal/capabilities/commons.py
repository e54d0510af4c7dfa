"""Commons: shared resources, their rules, bookings, allocation rounds, sanctions, deposits."""

from __future__ import annotations

from commonweal.capability import Capability, DemoChapter, DueWork, NavEntry, SubCommands, WebRouter
from commonweal.demo import commons as demo
from commonweal.domain import catalog
from commonweal.node.services import commons

CAPABILITY = Capability(
    name="commons",
    event_types=catalog.commons,
    api=(WebRouter("commonweal.web.commons_api"),),
    pages=(WebRouter("commonweal.web.commons_pages"),),
    navigation=(NavEntry(60, "Commons", "/commons"),),
    cli=SubCommands({"commons": "commonweal.cli.commons_commands"}),
    due_work=(DueWork("commons", commons.run_due),),
    demo=(DemoChapter(20, demo.past), DemoChapter(60, demo.upcoming)),
)

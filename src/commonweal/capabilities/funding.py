"""Funding: quadratic-funding rounds and conviction-voting pools (URLs and commands say
``rounds`` and ``round``, as they always have)."""

from __future__ import annotations

from commonweal.capability import Capability, DemoChapter, DueWork, NavEntry, SubCommands, WebRouter
from commonweal.demo import funding as demo
from commonweal.domain import catalog
from commonweal.node.services import funding

CAPABILITY = Capability(
    name="funding",
    event_types=catalog.funding,
    api=(WebRouter("commonweal.web.funding_api"),),
    pages=(WebRouter("commonweal.web.funding_pages"),),
    navigation=(NavEntry(50, "Funding", "/rounds"),),
    cli=SubCommands({"round": "commonweal.cli.funding_commands"}),
    due_work=(DueWork("rounds", funding.run_due),),
    demo=(DemoChapter(30, demo.tell), DemoChapter(50, demo.recent)),
)

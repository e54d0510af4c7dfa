"""Places: the hubs, buildings and land a node holds, what funded them, and the map."""

from __future__ import annotations

from commonweal.capability import Capability, DemoChapter, Lazy, NavEntry, SubCommands, WebRouter

CAPABILITY = Capability(
    name="places",
    event_types=Lazy("commonweal.domain.catalog", "places"),
    api=(WebRouter("commonweal.web.places_api", ("federation",)),),
    # listed before federation, whose pages serve the rest of /network: /network/map
    pages=(WebRouter("commonweal.web.places_pages", ("federation",)),),
    navigation=(NavEntry(75, "Places", "/places"),),
    cli=SubCommands({"place": "commonweal.cli.places_commands"}),
    demo=(DemoChapter(35, Lazy("commonweal.demo.places", "tell")),),
)

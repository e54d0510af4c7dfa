"""The node itself: its profile events, the log's pages and links."""

from __future__ import annotations

from commonweal.capability import Capability, Lazy, NavEntry, WebRouter

CAPABILITY = Capability(
    name="node",
    event_types=Lazy("commonweal.domain.catalog", "node"),
    pages=(WebRouter("commonweal.web.log_pages"),),
    navigation=(
        NavEntry(0, "Home", "/"),
        NavEntry(120, "Verify", "/verify"),
        NavEntry(130, "Log", "/log"),
    ),
)

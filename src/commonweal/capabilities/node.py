"""The node itself: its profile events, the log's pages and links."""

from __future__ import annotations

from fastapi import APIRouter

from commonweal.capability import Capability, NavEntry, WebParts
from commonweal.domain import catalog


def _log_pages(parts: WebParts) -> APIRouter:
    from commonweal.web import log_pages

    return log_pages.router(parts.node)


CAPABILITY = Capability(
    name="node",
    event_types=catalog.node,
    pages=(_log_pages,),
    navigation=(
        NavEntry(0, "Home", "/"),
        NavEntry(120, "Verify", "/verify"),
        NavEntry(130, "Log", "/log"),
    ),
)

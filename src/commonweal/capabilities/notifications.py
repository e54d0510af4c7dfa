"""Notifications: mail and Web Push from the log to the members who must hear, and Atom feeds.

No event types: a notification is private node data (the outbox, preferences), decided
from the public log (docs/notifications.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commonweal.capability import Capability, DueWork, Lazy, WebParts

if TYPE_CHECKING:
    from fastapi import APIRouter


def _api(parts: WebParts) -> APIRouter:
    from commonweal.web import notifications_api

    return notifications_api.router(parts.node)


def _feeds(parts: WebParts) -> APIRouter:
    from commonweal.web import feeds

    return feeds.router(parts.node)


def _pages(parts: WebParts) -> APIRouter:
    from commonweal.web import notifications_api

    return notifications_api.pages(parts.node)


CAPABILITY = Capability(
    name="notifications",
    status_by_code={
        "invalid_preferences": 400,
        "invalid_push_subscription": 400,
        "unsubscribe_invalid": 403,
        "unsubscribe_expired": 410,
    },
    api=(_api, _feeds),
    pages=(_pages,),
    due_work=(
        DueWork("notifications", Lazy("commonweal.node.services.notifications", "run_due")),
        DueWork("push", Lazy("commonweal.node.services.push", "run_due")),
    ),
)

"""The log explorer: the latest signed checkpoint, the entries, and your own receipts,
each proven in the browser (signature, leaf hash, inclusion, checkpoint signature)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from commonweal.node.kernel import queries
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import receipts
from commonweal.node.read_models.names import Names
from commonweal.web.bounds import MAX_INTEGER
from commonweal.web.rendering import page_router, render, viewer

PAGE = 50


def router(node: Node) -> APIRouter:
    """Log pages over ``node``."""
    pages = page_router()

    @pages.get("/log", response_class=HTMLResponse)
    def log(
        request: Request, before: int | None = Query(None, ge=0, le=MAX_INTEGER)
    ) -> HTMLResponse:
        me = viewer(request, node)
        latest = queries.latest_checkpoint(node)
        entries = receipts.page(node, before, PAGE)
        return render(
            request,
            node,
            "log.html",
            {
                "checkpoint": latest[1] if latest else None,
                "checkpoint_row": latest[0] if latest else None,
                "entries": entries,
                "older": entries[-1].index if entries and entries[-1].index > 0 else None,
                "newer": (before + PAGE) if before is not None and before < node.size else None,
                "mine": receipts.by_author(node, me["did"], 20) if me else [],
                "types": node.registry.types,
                "size": node.size,
                "who": Names(node).knowing(e.event["author"] for e in entries),
            },
            me=me,
        )

    return pages

"""Server-rendered pages (Jinja2). The home page shows the node and its log at a glance."""

from __future__ import annotations

import base64
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from commonweal.core.rfc3339 import parse_utc
from commonweal.node import queries
from commonweal.node.service import Node

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters["b64"] = lambda value: base64.b64encode(value).decode()
TEMPLATES.env.filters["short"] = lambda text, n=16: text if len(text) <= n + 1 else text[:n] + "…"
TEMPLATES.env.filters["when"] = lambda text: parse_utc(text).strftime("%-d %b %Y, %H:%M:%S UTC")


def router(node: Node) -> APIRouter:
    """Page routes over ``node``."""
    pages = APIRouter()

    @pages.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        latest = queries.latest_checkpoint(node)
        return TEMPLATES.TemplateResponse(
            request,
            "home.html",
            {
                "profile": queries.profile(node),
                "node": node,
                "size": node.size,
                "checkpoint": latest[1] if latest else None,
                "checkpoint_row": latest[0] if latest else None,
                "events": queries.recent_events(node, 20),
                "types": node.registry.types,
            },
        )

    @pages.get("/events/{index}", response_class=HTMLResponse)
    def event_page(request: Request, index: int) -> HTMLResponse:
        logged = queries.logged_event(node, index)
        proof = (
            queries.inclusion(node, index, None)
            if index < queries.checked_size(node, None)
            else None
        )
        return TEMPLATES.TemplateResponse(
            request,
            "event.html",
            {
                "profile": queries.profile(node),
                "node": node,
                "logged": logged,
                "proof": proof,
                "types": node.registry.types,
            },
        )

    return pages

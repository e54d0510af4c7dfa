"""The language switcher, and reading what a reader typed in their own format.

- ``GET /language/<lang>?next=/path``: keep ``lang`` for this browser (cookie
  ``cw_lang``, a year) and go back to ``next`` (a path on this node).
- ``POST /v1/locale/read``: ``{"amounts": ["86,40", …], "times": ["2026-12-07T18:05", …]}``
  → ``{"language", "time_zone", "amounts": ["86.40", …], "times": ["2026-12-07T14:05", …]}``:
  amounts in the reader's format as canonical decimal text, wall-clock times in the
  reader's zone in UTC. The pages' signed forms send their amount and time fields here
  before building the event (forms.js), so the log only holds canonical values. A text
  that cannot be read one way only is refused (``not_readable``, 422) with how to write it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.web import i18n, local_format
from commonweal.web.api import json_body, json_response, read_body
from commonweal.web.rendering import reader_of, viewer

MAX_READ_BYTES = 8_000
MAX_VALUES = 50
YEAR = 365 * 24 * 3600


def _local_path(target: str | None) -> str:
    """``target`` when it is a path on this node, else the home page (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target[:2000]


def router(node: Node) -> APIRouter:
    """The switcher and the reading route over ``node``."""
    routes = APIRouter()

    @routes.get("/language/{language}", include_in_schema=False)
    def switch(request: Request, language: str, next: str | None = None) -> Response:
        response = RedirectResponse(_local_path(next), status_code=303)
        if language in i18n.LANGUAGES:
            response.set_cookie(
                i18n.LANGUAGE_COOKIE,
                language,
                max_age=YEAR,
                samesite="lax",
                secure=request.url.scheme == "https",
            )
        return response

    @routes.post("/v1/locale/read")
    async def read(request: Request) -> Response:
        document = json_body(await read_body(request, MAX_READ_BYTES))
        amounts, times = _lists(document)
        reader = reader_of(request, node, viewer(request, node))
        try:
            read_amounts = [local_format.read_amount(text, reader) for text in amounts]
            read_times = [local_format.read_wall_clock(text, reader) for text in times]
        except local_format.NotReadable as error:
            raise Rejected.saying("not_readable", error) from None
        return json_response(
            {
                "language": reader.language,
                "time_zone": reader.zone.key,
                "amounts": read_amounts,
                "times": read_times,
            }
        )

    return routes


def _lists(document: object) -> tuple[list[str], list[str]]:
    if not isinstance(document, dict) or set(document) - {"amounts", "times"}:
        raise Rejected("invalid_request", 'the body is {"amounts": [...], "times": [...]}')
    found: list[list[str]] = []
    for name in ("amounts", "times"):
        values = document.get(name, [])
        if (
            not isinstance(values, list)
            or len(values) > MAX_VALUES
            or not all(isinstance(value, str) for value in values)
        ):
            raise Rejected(
                "invalid_request",
                "%(name)s is a list of at most %(max_values)s strings",
                name=name,
                max_values=MAX_VALUES,
            )
        found.append(values)
    return found[0], found[1]

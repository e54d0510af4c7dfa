"""Cursors for paginated lists: opaque to clients, refused clearly when malformed.

A cursor is the base64url (unpadded) of a small JSON array naming the last item a
page showed; a client passes back the ``next`` it was given and never builds one. A
list answered without a cursor is its first page, so clients written before pages
existed still get an answer (and a ``next`` to go on from). docs/protocol.md, Pages.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson
from fastapi import Query, Request
from fastapi.responses import Response

from commonweal.node.kernel.errors import Rejected

MAX_CURSOR_CHARS = 512
"""A cursor is short; anything longer is not one this node gave out."""

CURSOR = Query(
    None,
    max_length=MAX_CURSOR_CHARS,
    description="The `next` cursor of the previous page; absent for the first page.",
)


def encode_cursor(position: tuple[Any, ...] | list[Any]) -> str:
    """The opaque cursor for ``position``."""
    return base64.urlsafe_b64encode(orjson.dumps(list(position))).rstrip(b"=").decode()


def decode_cursor(cursor: str, shape: tuple[type, ...]) -> tuple[Any, ...]:
    """The position a cursor names, each part of the type ``shape`` gives, or a 400
    ``invalid_cursor``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = orjson.loads(raw)
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        parts = None
    if (
        not isinstance(parts, list)
        or len(parts) != len(shape)
        or not all(type(part) is kind for part, kind in zip(parts, shape, strict=True))
    ):
        raise Rejected("invalid_cursor", "cursor is not one this list gave out; start without it")
    return tuple(parts)


def next_url(request: Request, cursor: str) -> str:
    """This request's URL with ``cursor`` in place of its own: the next page."""
    return str(request.url.include_query_params(cursor=cursor))


def link_header(request: Request, cursor: str | None) -> dict[str, str]:
    """An RFC 8288 ``Link: <…>; rel="next"`` header when there is a next page."""
    return {"Link": f'<{next_url(request, cursor)}>; rel="next"'} if cursor else {}


def paged(
    request: Request, name: str, items: list[Any], position: tuple[Any, ...] | list[Any] | None
) -> Response:
    """``{name: items, "next": cursor}`` as JSON, with the RFC 8288 ``Link`` to the next
    page when there is one (``position``: where the next page starts after)."""
    from commonweal.web.api import json_response  # web.api pages its own lists with this

    following = encode_cursor(position) if position is not None else None
    response = json_response({name: items, "next": following})
    response.headers.update(link_header(request, following))
    return response


def limit_query(default: int, most: int) -> Any:
    """The ``limit`` parameter of a paged list: from 1 to ``most``, ``default`` if absent."""
    return Query(default, ge=1, le=most, description=f"Items per page, at most {most}.")

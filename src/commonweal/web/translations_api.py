"""Translations over HTTP: the translations of one original, named by its leaf hash.

Adding one is a signed event for ``POST /v1/events`` (``translations.translation.added``,
docs/translations.md). The leaf hash is standard base64, so it travels as a query
parameter (``?original=``, percent-encoded) rather than a path segment.
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from commonweal.node.kernel.service import Node
from commonweal.node.services import translations
from commonweal.web.api import json_response


def router(node: Node) -> APIRouter:
    """Translations routes over ``node``."""
    api = APIRouter()

    @api.get("/v1/translations")
    def listing(original: str = Query(min_length=1, max_length=64)) -> Response:
        return json_response(translations.listing(node, original))

    return api

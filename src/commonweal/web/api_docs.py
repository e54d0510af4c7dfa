"""``/docs`` (Swagger UI) and ``/redoc`` (Redoc): the OpenAPI document, readable in a browser.

Both are served from the node's own origin, from copies installed from npm at build
time (``make vendor``: exact versions in ``web/package-lock.json``, copied into
``web/static/vendor/``), under the same strict Content-Security-Policy as every page:
no inline script (both viewers are started by ``static/js/api-docs.js``), nothing from
another origin. Two additions on these two pages only: ``worker-src blob:``, for the
search worker Redoc builds from its own bundle, and on ``/redoc`` a fresh style nonce
per response, which Redoc puts on the ``<style>`` elements it writes (it styles itself
with styled-components), and the hashes of the two it writes before it can (see
:data:`REDOC_STYLE_HASHES`) — styles, never scripts. When the assets are not installed (a
development install without npm) the pages say so plainly; they never fall back to a CDN.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from commonweal.web import i18n
from commonweal.web.i18n import LANGUAGE_COOKIE, ZONE_COOKIE
from commonweal.web.rendering import PAGE_HEADERS, TEMPLATES

VENDOR = Path(__file__).parent / "static" / "vendor"

ASSETS = {
    "swagger": ("swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css"),
    "redoc": ("redoc/redoc.standalone.js",),
}
"""The vendored files each viewer needs, under ``static/vendor/``."""

REDOC_STYLE_HASHES = (
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
)
"""The two ``<style>`` elements Redoc 2.5.4's bundle writes as it loads, before it can be
given the nonce: its scrollbar's stylesheet, and an empty one. Only these exact texts are
allowed (a new Redoc version may change them: the browser test names the new hash)."""


def docs_csp(style_nonce: str | None = None) -> str:
    """The pages' policy, with workers the viewers' own bundles build and, for Redoc,
    the ``<style>`` elements that carry this response's nonce or the known hashes."""
    policy = PAGE_HEADERS["Content-Security-Policy"] + "; worker-src 'self' blob:"
    if style_nonce:
        allowed = " ".join((f"'nonce-{style_nonce}'", *REDOC_STYLE_HASHES))
        policy = policy.replace("style-src 'self'", f"style-src 'self' {allowed}")
    return policy


def assets_installed(viewer: str, vendor: Path = VENDOR) -> bool:
    """Whether every file ``viewer`` needs was installed into the package."""
    return all((vendor / name).is_file() for name in ASSETS[viewer])


def router(title: str, vendor: Path = VENDOR) -> APIRouter:
    """The two documentation pages of an app titled ``title``."""
    api = APIRouter(include_in_schema=False)

    def page(request: Request, viewer: str) -> HTMLResponse:
        installed = assets_installed(viewer, vendor)
        nonce = secrets.token_urlsafe(18) if viewer == "redoc" else None
        # the page's own words in the reader's language (the viewers themselves are English)
        reader = i18n.choose_reader(
            chosen=request.cookies.get(LANGUAGE_COOKIE),
            preferences=None,
            accept_language=request.headers.get("accept-language"),
            browser_zone=request.cookies.get(ZONE_COOKIE),
        )
        context = {"viewer": viewer, "installed": installed, "title": title, "reader": reader}
        with i18n.reading_as(reader):
            response = TEMPLATES.TemplateResponse(
                request,
                "api-docs.html",
                {**context, "style_nonce": nonce},
                status_code=200 if installed else 503,
            )
        response.headers.update(PAGE_HEADERS)
        response.headers["Content-Language"] = reader.language
        response.headers["Vary"] = "Accept-Language, Cookie"
        response.headers["Content-Security-Policy"] = docs_csp(nonce)
        return response

    @api.get("/docs")
    def swagger(request: Request) -> HTMLResponse:
        return page(request, "swagger")

    @api.get("/redoc")
    def redoc(request: Request) -> HTMLResponse:
        return page(request, "redoc")

    return api

"""axe-core (from npm, read from web/node_modules) run on a page, and the pages of a node
found by following its links: what the accessibility test walks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page

AXE = Path(__file__).resolve().parents[3] / "web" / "node_modules" / "axe-core" / "axe.min.js"
"""The axe-core the lockfile pins (``cd web && npm ci``); never vendored into the package."""

SERIOUS = ("serious", "critical")
ALSO = ("landmark-unique",)
"""Rules of lesser impact the check asserts too: two landmarks of one name on a page."""

SKIPPED = re.compile(
    r"^/(static|feeds|v1|docs|redoc|contexts|tile|checkpoint|healthz|readyz|metrics|"
    r"\.well-known|openapi)|\.(svg|json|csv|atom|txt|png)$|/qr\.svg$|/export"
)
"""What is not a page of the node's own: assets, feeds, the wire API, and /docs and /redoc
(Swagger UI's and Redoc's own pages, vendored as they are published)."""

KIND = re.compile(r"did:key:z[1-9A-HJ-NP-Za-km-z]+|\d+")


def kind_of(path: str) -> str:
    """A page's kind: its path with the numbers and DIDs in it made alike and its query's
    names without their values, so that ``/proposals/3`` and ``/proposals/7`` are one kind
    of page, and ``/members?status=applicant`` and ``?status=member`` another."""
    parts = urlsplit(path)
    names = sorted({pair.partition("=")[0] for pair in parts.query.split("&") if pair})
    return KIND.sub("_", parts.path) + ("?" + "&".join(names) if names else "")


@dataclass
class Finding:
    path: str
    width: int
    problems: list[str] = field(default_factory=list)


def with_axe(context: BrowserContext) -> None:
    """axe-core in every page of ``context``, before the page's own scripts (as an init
    script, which the pages' Content-Security-Policy does not stop: no page loosens it)."""
    context.add_init_script(script=AXE.read_text(encoding="utf-8"))


def run_axe(page: Page) -> list[str]:
    """The serious and critical violations axe-core finds on the page (and those of
    :data:`ALSO`), in words."""
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return [
        f"axe {v['impact']} {v['id']}: {', '.join(v['nodes'])}"
        for v in result
        if v["impact"] in SERIOUS or v["id"] in ALSO
    ]


def overflow(page: Page) -> list[str]:
    """Horizontal overflow of the whole page (what a phone would scroll sideways)."""
    extra = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return [f"overflows by {extra} px"] if extra > 0 else []


def same_site_links(page: Page, base: str) -> list[str]:
    """The paths (with their query) of the node's own pages this page links to."""
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href]:not([download])",
        "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)",
    )
    origin = urlsplit(base)
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIPPED.search(parts.path):
            found.append(path)
    return found


def walk(
    page: Page, base: str, start: list[str], *, per_kind: int = 2, limit: int = 400
) -> list[str]:
    """The pages reached from ``start`` by following links, at most ``per_kind`` of a kind."""
    seen: set[str] = set()
    kinds: dict[str, int] = {}
    queue = list(start)
    pages: list[str] = []
    while queue and len(pages) < limit:
        path = queue.pop(0)
        kind = kind_of(path)
        if path in seen or kinds.get(kind, 0) >= per_kind:
            continue
        seen.add(path)
        response = page.goto(base + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        pages.append(path)
        queue.extend(p for p in same_site_links(page, base) if p not in seen)
    return pages

"""The places pages: ``/places`` (this node's places, on a map and in a list), one place,
and ``/network/map`` (every recognised node's places on one map); docs/web.md.

The map is an SVG drawn here: the world outline is served once from ``/map/world.svg``
(``web/world_map.py``, from the vendored ``world-atlas``; cached by the browser, and drawn
in the page's SVG by ``<use>``, so its coastlines stay thin however far the view zooms) and the
places are markers placed by the equirectangular projection, each a link with a title,
listed beside the map too. Nothing is fetched from outside the node.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape

from commonweal.core.language import _
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services import places
from commonweal.node.services.federation import network_places
from commonweal.node.services.federation.service import Federation
from commonweal.web import i18n, local_format, world_map
from commonweal.web.bounds import Id
from commonweal.web.i18n import N_
from commonweal.web.rendering import page_router, reader_of, render, viewer

# Marked for the catalogues; translated where shown ({{ _(words.kinds[k]) }}, a marker's title).
KIND_WORDS = {
    "hub": N_("Co-living hub"),
    "building": N_("Building"),
    "land": N_("Land"),
    "garden": N_("Garden"),
    "workshop": N_("Workshop"),
    "office": N_("Office"),
    "other": N_("Place"),
}
TENURE_WORDS = {
    "owned": N_("Owned"),
    "leased": N_("Leased"),
    "shared": N_("Shared with others"),
    "co_owned": N_("Co-owned"),
}


def markers(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every place of ``nodes`` with its position on the map and where its link goes."""
    found = []
    for number, entry in enumerate(nodes):
        for place in entry["places"]:
            x, y = world_map.project(place["location"])
            href = (
                f"/places/{place['id']}"
                if entry["here"]
                else f"{entry['url']}/places/{place['id']}"
            )
            found.append(
                {
                    **place,
                    "x": x,
                    "y": y,
                    "href": href,
                    "node_name": entry["name"],
                    "here": entry["here"],
                    "colour": number % 8,
                }
            )
    return found


def marker_svg(shown: list[dict[str, Any]], radius: float) -> Markup:
    """The markers as SVG: a link per place, with a title and an accessible name.

    Written here rather than in the template: the network map draws hundreds of them,
    and a template's attribute lookups cost more than the rest of the page."""
    parts = []
    for m in shown:
        label = f"{m['name']}, {m['node_name']}" if m["node_name"] else m["name"]
        owner = f" ({m['node_name']})" if m["node_name"] else ""
        area = _("%(area)s m²", area=local_format.number(m["area_m2"], i18n.current()))
        title = f"{m['name']}{owner}: {_(KIND_WORDS[m['kind']])}, {area}"
        elsewhere = "" if m["here"] else " elsewhere"
        parts.append(
            f'<a href="{escape(m["href"])}" class="marker colour-{m["colour"]}{elsewhere}" '
            f'data-place="{m["id"]}" data-x="{m["x"]}" data-y="{m["y"]}" '
            f'aria-label="{escape(label)}"><title>{escape(title)}</title>'
            f'<circle cx="{m["x"]}" cy="{m["y"]}" r="{radius}"/></a>'
        )
    return Markup("\n".join(parts))


def view_box(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """The part of the map to show: every point with a margin, at least :data:`MIN_SPAN`
    wide, in the map's 2:1 shape, inside the map (the whole world when they are spread)."""
    width, height = world_map.WIDTH, world_map.HEIGHT
    if not points:
        return 0.0, 0.0, float(width), float(height)
    xs, ys = [x for x, _y in points], [y for _x, y in points]
    span = max(max(xs) - min(xs), 2 * (max(ys) - min(ys)), MIN_SPAN) * MARGIN
    if span >= width:
        return 0.0, 0.0, float(width), float(height)
    left = min(max((min(xs) + max(xs) - span) / 2, 0), width - span)
    top = min(max((min(ys) + max(ys) - span / 2) / 2, 0), height - span / 2)
    return round(left, 2), round(top, 2), round(span, 2), round(span / 2, 2)


MIN_SPAN = 30.0
"""The narrowest part of the map shown, in viewBox units (about eleven degrees of longitude)."""
MARGIN = 1.4


def _map(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    shown = markers(nodes)
    box = view_box([(m["x"], m["y"]) for m in shown])
    radius = round(box[2] * 8 / world_map.WIDTH, 3)
    return {
        "markers": marker_svg(shown, radius),
        "count": len(shown),
        "width": world_map.WIDTH,
        "height": world_map.HEIGHT,
        "view_box": " ".join(f"{n:g}" for n in box),
        "outline": world_map.available(),
    }


@contextmanager
def reading_for(request: Request, node: Node) -> Iterator[None]:
    """The markers' titles in the page's reader's language and number format."""
    with i18n.reading_as(reader_of(request, node, viewer(request, node))):
        yield


def router(federation: Federation) -> APIRouter:
    """Places pages over ``federation``'s node."""
    node = federation.node
    pages = page_router()
    words = {"kinds": KIND_WORDS, "tenures": TENURE_WORDS}

    @pages.get("/places", response_class=HTMLResponse)
    def listing(request: Request) -> HTMLResponse:
        here = places.listing(node)
        mine = [{"here": True, "name": "", "url": "", "places": here["places"]}]
        with reading_for(request, node):
            shown = _map(mine)
        return render(
            request,
            node,
            "places.html",
            {
                "places": here["places"],
                "footprint": here["footprint"],
                "map": shown,
                "words": words,
            },
        )

    @pages.get("/places/{place_id}", response_class=HTMLResponse)
    def place(request: Request, place_id: Id) -> HTMLResponse:
        record = places.place_view(node, place_id)
        with reading_for(request, node):
            shown = _map([{"here": True, "name": "", "url": "", "places": [record]}])
        return render(
            request,
            node,
            "place.html",
            {
                "place": record,
                "map": shown,
                "words": words,
                "unit_records": {
                    f["unit"]: {"exponent": f["exponent"]}
                    for f in record["funded_by"]
                    if f["kind"] == "entry"
                },
            },
        )

    @pages.get("/network/map", response_class=HTMLResponse)
    def network_map(request: Request) -> HTMLResponse:
        network = network_places.network_places(federation)
        with reading_for(request, node):
            shown = _map(network["nodes"])
        return render(
            request, node, "network-map.html", {"network": network, "map": shown, "words": words}
        )

    @pages.get("/map/world.svg")
    def world() -> Response:
        outline = world_map.outline()
        if outline is None:
            raise Rejected("not_found", "the world map's outline is not installed (make vendor)")
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {world_map.WIDTH} '
            f'{world_map.HEIGHT}"><path id="land" d="{outline}" fill="#d5e3cf" '
            'stroke="#8aa281" stroke-width=".8" vector-effect="non-scaling-stroke" '
            'fill-rule="evenodd"/></svg>'
        )
        return Response(
            svg,
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    return pages

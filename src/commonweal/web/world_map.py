"""The world map the places pages draw: an SVG outline of the countries, and where a place goes.

The outline is Natural Earth's 1:110m countries as ``world-atlas`` publishes them in
TopoJSON (npm, copied into ``static/vendor/world-atlas/`` by ``make vendor``; never
fetched at run time). It is decoded here — delta-encoded, quantised arcs, joined into
rings — and projected once per process into one SVG path. Without the vendored file the
map still shows every place, on an empty sea, and the page says the outline is missing.

The projection is equirectangular (plate carrée): ``x`` grows with longitude and ``y``
with southing, linearly, so a marker's position is exact arithmetic on the place's
micro-degrees and anyone can check it. Rings that cross the antimeridian are unwrapped
and drawn on both sides; one that circles a pole (Antarctica) is closed along it.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from commonweal.domain.places.location import MICRO, micro_degrees

WIDTH, HEIGHT = 1000, 500
"""The map's SVG viewBox: 360° of longitude across, 180° of latitude down."""
ATLAS = Path(__file__).parent / "static" / "vendor" / "world-atlas" / "countries-110m.json"

Point = tuple[float, float]


def project(location: dict[str, str]) -> tuple[float, float]:
    """Where a ``{"lat", "lon"}`` location (decimal strings of degrees) goes on the map,
    in viewBox units, to two decimals."""
    lat = micro_degrees(location["lat"], "lat")
    lon = micro_degrees(location["lon"], "lon")
    x = (lon + 180 * MICRO) * WIDTH / (360 * MICRO)
    y = (90 * MICRO - lat) * HEIGHT / (180 * MICRO)
    return round(x, 2), round(y, 2)


def available(atlas: Path = ATLAS) -> bool:
    """Whether the atlas is vendored (a page asks this; drawing it waits for ``/map/world.svg``)."""
    return atlas.is_file()


@cache
def outline(atlas: Path = ATLAS) -> str | None:
    """The countries as one SVG path (``d``), or None when the atlas is not vendored."""
    try:
        topology = orjson.loads(atlas.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    arcs = _decoded_arcs(topology)
    parts: list[str] = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        for ring in _rings(geometry):
            parts.extend(_ring_paths(_ring_points(arcs, ring)))
    return "".join(parts)


def _decoded_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Every arc in longitude and latitude (TopoJSON's quantised delta encoding undone)."""
    transform = topology.get("transform")
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0.0
        points = []
        for dx, dy, *_rest in arc:
            if transform:
                x, y = x + dx, y + dy
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((float(dx), float(dy)))
        decoded.append(points)
    return decoded


def _rings(geometry: dict[str, Any]) -> Iterator[list[int]]:
    if geometry.get("type") == "Polygon":
        yield from geometry["arcs"]
    elif geometry.get("type") == "MultiPolygon":
        for polygon in geometry["arcs"]:
            yield from polygon


def _ring_points(arcs: list[list[Point]], ring: list[int]) -> list[Point]:
    """A ring's points: its arcs joined, a negative index (``~i``) meaning arc ``i`` reversed."""
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _ring_paths(points: list[Point]) -> list[str]:
    """SVG subpaths for one ring, unwrapped across the antimeridian."""
    if len(points) < 3:
        return []
    unwrapped = [points[0]]
    for lon, lat in points[1:]:
        previous = unwrapped[-1][0]
        while lon - previous > 180:
            lon -= 360
        while lon - previous < -180:
            lon += 360
        unwrapped.append((lon, lat))
    if abs(unwrapped[-1][0] - unwrapped[0][0]) > 180:  # it goes round a pole: close along it
        pole = -90.0 if sum(lat for _lon, lat in unwrapped) < 0 else 90.0
        unwrapped += [(unwrapped[-1][0], pole), (unwrapped[0][0], pole)]
    lons = [lon for lon, _lat in unwrapped]
    shifts = [0.0]
    if min(lons) < -180:
        shifts.append(360.0)
    if max(lons) > 180:
        shifts.append(-360.0)
    return [_subpath(unwrapped, shift) for shift in shifts]


def _subpath(points: list[Point], shift: float) -> str:
    scale_x, scale_y = WIDTH / 360, HEIGHT / 180
    coords = [
        f"{(lon + shift + 180) * scale_x:.1f},{(90 - lat) * scale_y:.1f}" for lon, lat in points
    ]
    return "M" + "L".join(coords) + "Z"

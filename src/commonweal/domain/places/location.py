"""Where a place is: WGS 84 latitude and longitude, carried as decimal strings.

Floats never travel on the wire (docs/protocol.md, ``float_not_allowed``), so a
coordinate is a decimal string of at most six fraction digits (``"48.8566"``,
``"-0.1276"``), about 11 cm at the equator. Rules and readers keep it as an integer of
micro-degrees, so sums and comparisons are exact, and write it back in one spelling.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.fields import only

MICRO = 1_000_000
"""Micro-degrees in a degree."""
_DECIMAL = re.compile(r"^(-?)(\d{1,3})(?:\.(\d{1,6}))?$")
LIMITS = {"lat": 90, "lon": 180}
"""The largest absolute latitude and longitude, in degrees."""


@dataclass(frozen=True, slots=True)
class Location:
    """A point, in micro-degrees north (``lat``) and east (``lon``)."""

    lat: int
    lon: int

    def as_body(self) -> dict[str, str]:
        """The wire form: ``{"lat": "48.8566", "lon": "2.3522"}``."""
        return {"lat": degrees_text(self.lat), "lon": degrees_text(self.lon)}


def micro_degrees(text: Any, axis: str) -> int:
    """A decimal string of degrees as an integer of micro-degrees, inside the axis's range.

    ``axis`` is ``lat`` (−90 to 90) or ``lon`` (−180 to 180). Anything else is refused
    with ``invalid_coordinates``.
    """
    limit = LIMITS[axis]
    match = _DECIMAL.match(text) if isinstance(text, str) else None
    if match is None:
        raise _not_decimal(axis)
    sign, whole, fraction = match.groups()
    value = int(whole) * MICRO + int((fraction or "").ljust(6, "0"))
    value = -value if sign else value
    if not -limit * MICRO <= value <= limit * MICRO:
        raise _outside(axis, text, limit)
    return value


def _not_decimal(axis: str) -> InvalidBody:
    """The refusal of a coordinate that is not a decimal string (said per axis, so that
    a translation names the latitude or the longitude in its own words)."""
    if axis == "lat":
        return InvalidBody(
            "location.lat: the latitude must be a decimal string of degrees with at most "
            'six fraction digits, like "48.8566" (floats are not allowed)',
            code="invalid_coordinates",
        )
    return InvalidBody(
        "location.lon: the longitude must be a decimal string of degrees with at most "
        'six fraction digits, like "48.8566" (floats are not allowed)',
        code="invalid_coordinates",
    )


def _outside(axis: str, text: str, limit: int) -> InvalidBody:
    """The refusal of a coordinate beyond the axis's range."""
    if axis == "lat":
        return InvalidBody(
            "location.lat: the latitude %(text)s is outside -%(limit)s to %(limit)s degrees",
            code="invalid_coordinates",
            text=text,
            limit=limit,
        )
    return InvalidBody(
        "location.lon: the longitude %(text)s is outside -%(limit)s to %(limit)s degrees",
        code="invalid_coordinates",
        text=text,
        limit=limit,
    )


def degrees_text(value: int) -> str:
    """Micro-degrees as the shortest decimal string of degrees (``48856600`` → ``"48.8566"``)."""
    whole, fraction = divmod(abs(value), MICRO)
    text = f"{whole}.{fraction:06d}".rstrip("0").rstrip(".")
    return f"-{text}" if value < 0 and text != "0" else text


def parse_location(value: Any) -> Location:
    """``{"lat": "<degrees>", "lon": "<degrees>"}``."""
    if not isinstance(value, Mapping):
        raise InvalidBody(
            'location must be an object like {"lat": "48.8566", "lon": "2.3522"}',
            code="invalid_coordinates",
        )
    only(value, {"lat", "lon"}, {"lat", "lon"}, where="location")
    return Location(micro_degrees(value["lat"], "lat"), micro_degrees(value["lon"], "lon"))

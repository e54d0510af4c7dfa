"""Coarse places as geohash prefixes, and the distance between two of them.

A post says where only as a geohash of at most ``MAX_PRECISION`` characters: a
cell about 4.9 km × 4.9 km at five characters, never a street address. Matching
measures the great-circle distance between the centres of two cells, rounded to
whole kilometres; it is a read-side estimate and never enters the log.
"""

from __future__ import annotations

import math

ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz"
MAX_PRECISION = 5
"""The finest cell a post may name (≈ 4.9 km × 4.9 km)."""
EARTH_RADIUS_KM = 6371.0088


def is_area(text: str) -> bool:
    """Whether ``text`` is a geohash of 1 to MAX_PRECISION characters."""
    return 0 < len(text) <= MAX_PRECISION and all(c in ALPHABET for c in text)


def centre(cell: str) -> tuple[float, float]:
    """The (latitude, longitude) at the centre of a geohash cell."""
    lat_lo, lat_hi, lon_lo, lon_hi = -90.0, 90.0, -180.0, 180.0
    even = True
    for char in cell:
        bits = ALPHABET.index(char)
        for shift in range(4, -1, -1):
            bit = (bits >> shift) & 1
            if even:
                mid = (lon_lo + lon_hi) / 2
                lon_lo, lon_hi = (mid, lon_hi) if bit else (lon_lo, mid)
            else:
                mid = (lat_lo + lat_hi) / 2
                lat_lo, lat_hi = (mid, lat_hi) if bit else (lat_lo, mid)
            even = not even
    return (lat_lo + lat_hi) / 2, (lon_lo + lon_hi) / 2


def encode(latitude: float, longitude: float, precision: int = MAX_PRECISION) -> str:
    """The geohash cell of a point, ``precision`` characters long (for clients and tests)."""
    lat_lo, lat_hi, lon_lo, lon_hi = -90.0, 90.0, -180.0, 180.0
    chars: list[str] = []
    bits, value, even = 0, 0, True
    while len(chars) < precision:
        if even:
            mid = (lon_lo + lon_hi) / 2
            bit = longitude >= mid
            lon_lo, lon_hi = (mid, lon_hi) if bit else (lon_lo, mid)
        else:
            mid = (lat_lo + lat_hi) / 2
            bit = latitude >= mid
            lat_lo, lat_hi = (mid, lat_hi) if bit else (lat_lo, mid)
        value, bits, even = value * 2 + bit, bits + 1, not even
        if bits == 5:
            chars.append(ALPHABET[value])
            bits, value = 0, 0
    return "".join(chars)


def distance_km(a: str, b: str) -> int:
    """Whole kilometres between the centres of two cells (haversine)."""
    (lat1, lon1), (lat2, lon2) = centre(a), centre(b)
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h))))

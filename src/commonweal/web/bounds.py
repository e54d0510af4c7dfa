"""The ranges of the integers the HTTP API accepts in paths and query strings.

Every identifier, index, size and count is at most :data:`MAX_INTEGER` (2^53 − 1, the
largest integer JSON carries exactly, and far from the 2^63 where SQLite and
PostgreSQL overflow, even after the arithmetic a page does on it). A number out of
range is refused with a 400 problem naming the parameter and the range (web.problems),
never passed to the database. docs/protocol.md lists the ranges.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_INTEGER = 2**53 - 1
"""The largest identifier, index or size a request may name."""

MAX_DISTANCE_KM = 20_038
"""Half the Earth's circumference: no two places are farther apart."""

Id = Annotated[
    int,
    Path(ge=0, le=MAX_INTEGER, description="An identifier or index: 0 to 2^53 − 1."),
]
"""An integer in a path: a row's identifier or a log index."""

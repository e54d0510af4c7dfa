"""The request being served: its id, and the refusal code its answer carried.

The observing edge (web/observed.py) puts a :class:`RequestInfo` in a context
variable for each request; problem responses (web/problems.py) read the id into
their body and note their code in it, and every log line written meanwhile
carries the id (web/logs.py). The object is shared, not copied, so a code noted
in a worker thread's copy of the context is still seen by the edge.
"""

from __future__ import annotations

import itertools
import os
import re
from contextvars import ContextVar
from dataclasses import dataclass

REQUEST_ID_HEADER = "X-Request-ID"

WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._~:+/=-]{1,128}")
"""An incoming id is kept if it is 1–128 characters of this set (safe in logs and headers)."""


@dataclass(slots=True)
class RequestInfo:
    """One request's id, and the problem code of its answer (if it was refused)."""

    id: str
    code: str | None = None


CURRENT: ContextVar[RequestInfo | None] = ContextVar("commonweal_request", default=None)


_PREFIX = os.urandom(8).hex()
_SERIAL = itertools.count()


def new_request_id() -> str:
    """32 hex digits: this process's random prefix and a serial number (unique, and cheaper
    than fresh randomness per request)."""
    return f"{_PREFIX}{next(_SERIAL) & 0xFFFFFFFFFFFFFFFF:016x}"


def request_id_from(header: bytes | None) -> str:
    """The client's ``X-Request-ID`` if it is well formed, else a fresh one."""
    if header is not None:
        try:
            candidate = header.decode("ascii")
        except UnicodeDecodeError:
            candidate = ""
        if WELL_FORMED_ID.fullmatch(candidate):
            return candidate
    return new_request_id()


def current_request_id() -> str | None:
    """The id of the request being served here, if any."""
    info = CURRENT.get()
    return info.id if info is not None else None


def note_problem(code: str) -> str | None:
    """Record that the answer is a refusal with ``code``; return the request id."""
    info = CURRENT.get()
    if info is None:
        return None
    info.code = code
    return info.id

"""Structured logs: every line one JSON object (or readable text on a terminal).

The code logs through the standard library (``logging.getLogger(__name__)``,
details in ``extra=``); this module makes structlog format those records, adds
the time, level and logger name, and the id of the request being served
(web/request_context.py) to every line written while a request is served.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Literal, TextIO

import orjson
import structlog
from structlog.typing import EventDict, WrappedLogger

from commonweal.web.request_context import current_request_id

LogFormat = Literal["json", "console", "auto"]
LEVELS = ("debug", "info", "warning", "error")


def add_request_id(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
    """The request id, on every line written while a request is served."""
    request_id = current_request_id()
    if request_id is not None:
        event.setdefault("request_id", request_id)
    return event


def drop_color_message(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
    """uvicorn's copy of its message with terminal colour codes: noise in a log file."""
    event.pop("color_message", None)
    return event


def _json(event: EventDict, **_kwargs: Any) -> str:
    return orjson.dumps(event, default=str).decode()


def configure(
    *, log_format: LogFormat = "auto", level: str = "info", stream: TextIO | None = None
) -> None:
    """Send every log record of this process to ``stream`` (stderr), formatted.

    ``auto`` writes JSON unless ``stream`` is a terminal. Call it once per process,
    before serving; the records of uvicorn and the libraries go the same way.
    """
    out = stream or sys.stderr
    if log_format == "auto":
        log_format = "console" if out.isatty() else "json"
    renderer: Any = (
        structlog.processors.JSONRenderer(serializer=_json)
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            add_request_id,
            drop_color_message,
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *([structlog.processors.format_exc_info] if log_format == "json" else []),
            renderer,
        ],
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))  # "Context impl…"
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True

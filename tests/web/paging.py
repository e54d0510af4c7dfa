"""Walking a paged list as a client does, and counting what one request asks the database."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from commonweal.node.kernel.service import Node


def walk(
    client: TestClient, path: str, name: str, between: Callable[[], None] | None = None
) -> list[Any]:
    """Every item of the list ``name`` at ``path``, following the ``Link`` header from page
    to page (and checking it names the body's ``next``); ``between`` runs after page one."""
    seen: list[Any] = []
    response = client.get(path)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        seen.extend(body[name])
        if between is not None:
            between()
            between = None
        if body["next"] is None:
            assert "link" not in response.headers
            return seen
        link = re.fullmatch(r'<([^>]+)>; rel="next"', response.headers["link"])
        assert link is not None and body["next"] in link.group(1)
        response = client.get(link.group(1))


FOLLOWING_THREADS = ("log-follower", "log-listener")
"""The threads that follow the log beside the requests (node/kernel/follower.py): what
they read is the process's, not the page's."""


def statements_for(client: TestClient, node: Node, path: str) -> tuple[int, int]:
    """How many SQL statements answering ``GET path`` ran, and how many values they were
    given (a query naming every member grows with the node even if it is one query)."""
    counted: list[int] = []

    def count(_conn: Any, _cursor: Any, _statement: str, parameters: Any, *_args: Any) -> None:
        if threading.current_thread().name not in FOLLOWING_THREADS:
            counted.append(len(parameters) if parameters else 0)

    event.listen(node.store.engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
        assert response.status_code == 200, response.text
    finally:
        event.remove(node.store.engine, "before_cursor_execute", count)
    return len(counted), sum(counted)


def refused_cursor(client: TestClient, path: str) -> None:
    """``path`` refuses a cursor it did not give out: 400 ``invalid_cursor`` (API) or a page
    saying so (HTML); an API list refuses a bad ``limit`` with 400 ``invalid_request``."""
    joiner = "&" if "?" in path else "?"
    for cursor in ("not-a-cursor!", "WyJ4IiwieSIsInoiXQ"):  # ["x","y","z"]: the wrong shape
        response = client.get(f"{path}{joiner}cursor={cursor}")
        assert response.status_code == 400, (path, response.text)
        if path.startswith("/v1/"):
            assert response.json()["code"] == "invalid_cursor"
        else:
            assert "cursor is not one this list gave out" in response.text.lower()
    if path.startswith("/v1/"):
        assert client.get(f"{path}{joiner}limit=0").json()["code"] == "invalid_request"

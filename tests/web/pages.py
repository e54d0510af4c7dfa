"""Helpers for the in-process page tests: one seeded demo node for every module that
only reads it, a signed-in session without the browser, and a page read with checks."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from commonweal.demo.seed import create_demo, member_dids
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import open_node
from commonweal.web.app import create_app
from commonweal.web.session import COOKIE, SignedIn

Demo = tuple[Node, dict[str, str]]
"""The demo node and its members' DIDs by name."""


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The seeded demo, built once: the page tests read it and log nothing to it."""
    data_dir = tmp_path_factory.mktemp("pages") / "demo"
    create_demo(data_dir).close()
    node = open_node(data_dir)
    size = node.size
    yield node, member_dids(data_dir)
    assert node.size == size, "a page test wrote to the shared demo node"
    node.close()


@pytest.fixture
def client(demo: Demo) -> Iterator[TestClient]:
    """The demo node's app, signed out."""
    with TestClient(create_app(demo[0], background_checkpoints=False)) as test_client:
        yield test_client


def sign_in(client: TestClient, did: str) -> None:
    """Give ``client`` the session cookie a signed challenge would have earned ``did``."""
    sessions = client.app.state.sessions  # type: ignore[attr-defined]
    client.cookies.set(COOKIE, sessions.cookie_value(SignedIn(did, int(time.time()) + 600)))


def page(client: TestClient, path: str, status: int = 200) -> str:
    """The HTML at ``path``, which answers ``status`` with one ``h1``."""
    response = client.get(path)
    assert response.status_code == status, (path, response.text[:2000])
    assert response.headers["content-type"].startswith("text/html"), path
    text: str = response.text
    assert text.count("<h1") == 1, path
    return text

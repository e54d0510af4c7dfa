"""/docs and /redoc from the node's own origin (web.api_docs); without the assets, a plain
page says so, and nothing is ever loaded from a CDN."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from commonweal.web import api_docs
from commonweal.web.app import create_app


def _docs_app(vendor: Path) -> TestClient:
    app = FastAPI(docs_url=None, redoc_url=None)
    app.include_router(api_docs.router("Commonweal node", vendor))
    return TestClient(app)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_without_the_assets_the_page_says_so_and_loads_nothing_from_elsewhere(
    tmp_path: Path, path: str
) -> None:
    response = _docs_app(tmp_path / "vendor").get(path)
    assert response.status_code == 503
    assert "installed without the API documentation" in response.text
    assert "make vendor" in response.text and "/openapi.json" in response.text
    assert "http" not in response.text.replace('href="/openapi.json"', "")
    assert "<script" not in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_with_the_assets_only_the_nodes_own_files_are_named(tmp_path: Path, path: str) -> None:
    vendor = tmp_path / "vendor"
    for viewer in api_docs.ASSETS.values():
        for name in viewer:
            (vendor / name).parent.mkdir(parents=True, exist_ok=True)
            (vendor / name).write_text("/* stand-in */")
    response = _docs_app(vendor).get(path)
    assert response.status_code == 200
    assert "cdn" not in response.text and "https://" not in response.text
    assert 'src="/static/vendor/' in response.text
    assert 'src="/static/js/api-docs.js"' in response.text
    assert "<script>" not in response.text  # no inline script
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe" not in policy


def test_redoc_style_nonce_is_new_for_every_response(tmp_path: Path) -> None:
    client = _docs_app(tmp_path)
    policies = {client.get("/redoc").headers["content-security-policy"] for _ in range(3)}
    assert len(policies) == 3


def test_the_node_serves_its_own_docs_not_fastapis(node) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(node, background_checkpoints=False)) as client:
        for path, viewer in (("/docs", "swagger"), ("/redoc", "redoc")):
            response = client.get(path)
            assert "cdn.jsdelivr.net" not in response.text
            assert response.status_code == (200 if api_docs.assets_installed(viewer) else 503)
        assert client.get("/openapi.json").status_code == 200

"""The one public URL: checked, defaulted from the served address, and chosen in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commonweal.node.kernel.public_url import (
    PublicUrlError,
    check_public_url,
    default_public_url,
    public_url_of,
)
from commonweal.node.kernel.setup import SETTINGS_FILE, SetupError, init_node, open_node
from commonweal.node.services.credentials import STATUS_LIST_PATH, status_list_url
from tests.builders import Clock


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://commons.example", "https://commons.example"),
        ("https://commons.example/", "https://commons.example"),
        ("http://127.0.0.1:8200", "http://127.0.0.1:8200"),
        ("https://example.org/our-commons/", "https://example.org/our-commons"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_a_good_public_url_is_kept_without_its_trailing_slash(given: str, kept: str) -> None:
    assert check_public_url(given) == kept


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("", "absolute http:// or https://"),
        ("commons.example", "absolute http:// or https://"),
        ("ftp://commons.example", "absolute http:// or https://"),
        ("https://", "absolute http:// or https://"),
        ("https://commons.example/?page=1", "no query"),
        ("https://commons.example/#top", "no query (?) or fragment"),
        ("https://commons.example/?", "no query"),
        ("https://admin:secret@commons.example", "user name or password"),
        ("https://commons.example:99999", "is not a URL"),
        ("https://commons example.org", "spaces"),
    ],
)
def test_a_bad_public_url_is_refused_saying_why(given: str, says: str) -> None:
    with pytest.raises(PublicUrlError) as refused:
        check_public_url(given)
    assert says in str(refused.value)


def test_the_default_is_the_served_address_or_a_did_web_domain() -> None:
    assert default_public_url("127.0.0.1", 8200) == "http://127.0.0.1:8200"
    assert default_public_url("::1", 8000) == "http://[::1]:8000"
    assert default_public_url("0.0.0.0", 80, "commons.example") == "https://commons.example"


def test_init_keeps_the_public_url_and_open_chooses_in_order(tmp_path: Path, clock: Clock) -> None:
    data = tmp_path / "node"
    init_node(data, name="Commons", url="https://a.example/", clock=clock).close()
    assert json.loads((data / SETTINGS_FILE).read_text())["public_url"] == "https://a.example"
    served = "http://127.0.0.1:8200"
    for given, expected in (
        ("https://b.example", "https://b.example"),
        (None, "https://a.example"),
    ):
        node = open_node(data, public_url=given, default_public_url=served)
        assert node.config.public_url == expected == public_url_of(node)
        assert status_list_url(node) == expected + STATUS_LIST_PATH
        node.close()


def test_without_a_recorded_url_the_profile_then_the_served_address(
    tmp_path: Path, clock: Clock
) -> None:
    """A node made before node.json kept the public URL announced it only in its profile."""
    served = "http://127.0.0.1:8200"
    announced = tmp_path / "announced"
    init_node(announced, name="Old", url="https://old.example", clock=clock).close()
    settings = json.loads((announced / SETTINGS_FILE).read_text())
    del settings["public_url"]
    (announced / SETTINGS_FILE).write_text(json.dumps(settings))
    node = open_node(announced, default_public_url=served)
    assert node.config.public_url == "https://old.example"
    node.close()
    silent = tmp_path / "silent"
    init_node(silent, name="Quiet", clock=clock).close()
    node = open_node(silent, default_public_url=served)
    assert status_list_url(node) == served + STATUS_LIST_PATH
    node.close()


def test_a_bad_public_url_is_refused_before_anything_is_written(
    tmp_path: Path, clock: Clock
) -> None:
    with pytest.raises(SetupError) as refused:
        init_node(tmp_path / "node", name="Commons", url="commons.example", clock=clock)
    assert "must be an absolute http:// or https:// URL" in str(refused.value)
    assert not (tmp_path / "node").exists()
    init_node(tmp_path / "ok", name="Commons", clock=clock).close()
    with pytest.raises(SetupError) as refused:
        open_node(tmp_path / "ok", public_url="https://commons.example/#x")
    assert "fragment" in str(refused.value)

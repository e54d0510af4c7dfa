"""The real ``commonweal place`` commands against a live node: the same refusals as the API,
and the same places read back."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.node.kernel.setup import init_node, write_key_file
from tests.cli.test_cli import run
from tests.server import ServerProcess


@pytest.mark.slow
def test_places_from_the_command_line(tmp_path: Path) -> None:
    keys = {name: SigningKey.generate() for name in ("ada", "ben")}
    files = {name: tmp_path / f"{name}.key" for name in keys}
    for name, key in keys.items():
        write_key_file(files[name], key, None)
    ada = did_key_from_public_key(keys["ada"].public_key)
    init_node(tmp_path / "node", name="CLI Places", founders=[ada]).close()
    server = ServerProcess(tmp_path / "node").start()

    def cli(*args: str, who: str | None = None):  # type: ignore[no-untyped-def]
        signer = ("--key", str(files[who])) if who else ()
        return run("place", *args, "--node", server.url, *signer)

    where = ("--name", "Harbour hub", "--kind", "hub", "--area", "640", "--since", "2025-03-01")
    try:
        size = httpx.get(f"{server.url}/v1/events").json()["size"]
        for bad, code in (
            (("--lat", "91", "--lon", "0", "--tenure", "owned"), "invalid_coordinates"),
            (("--lat", "10", "--lon", "10", "--tenure", "rented"), "unknown_tenure"),
        ):
            refused = cli("register", *where, *bad, who="ada")
            assert refused.returncode == 1 and code in refused.stderr, refused.stderr
        negative = cli(
            "register", "--name", "Hole", "--kind", "land", "--area", "-5", "--since",
            "2025-03-01", "--lat", "1", "--lon", "1", "--tenure", "owned", who="ada",
        )  # fmt: skip
        assert negative.returncode == 1 and "negative_area" in negative.stderr
        assert httpx.get(f"{server.url}/v1/events").json()["size"] == size  # nothing logged

        registered = cli(
            "register", *where, "--lat", "53.5461", "--lon", "9.9661", "--tenure", "co_owned",
            "--shares", "1/3", "--beds", "8", "--seats", "30", who="ada",
        )  # fmt: skip
        assert registered.returncode == 0, registered.stderr
        place = registered.stdout.split("Place ")[1].split(" ")[0]
        listed = cli("list")
        assert "Harbour hub" in listed.stdout and "co_owned 1/3" in listed.stdout
        assert "213 m² ours" in listed.stdout  # a third of 640, rounded down
        updated = cli("update", place, "--seats", "45", "--tenure", "leased", who="ada")
        assert updated.returncode == 0, updated.stderr
        shown = cli("show", place)
        assert "45 seats" in shown.stdout and "leased" in shown.stdout
        api = httpx.get(f"{server.url}/v1/places/{place}").json()
        assert api["capacity"] == {"beds": 8, "seats": 45} and api["shares"] is None
        assert cli("close", place, "--reason", "Sold", who="ada").returncode == 0
        assert "Harbour hub" not in cli("list").stdout
        assert "Harbour hub (closed)" in cli("list", "--closed").stdout
        assert "CLI Places" in cli("list", "--network").stdout
    finally:
        server.stop()

"""A steward's federation requests from the command line, against live nodes: the
node adds the other node on its next sync round; a non-steward is refused; an unsafe
address is refused by the rules before anything is fetched."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.node.kernel.setup import init_node, write_key_file
from tests.builders import WITHOUT_WRITE_POLICY
from tests.cli.test_cli import run
from tests.server import ServerProcess


@pytest.mark.slow
def test_a_steward_asks_the_node_from_the_command_line(tmp_path: Path) -> None:
    ada, stranger = SigningKey.generate(), SigningKey.generate()
    files = {"ada": tmp_path / "ada.key", "stranger": tmp_path / "stranger.key"}
    write_key_file(files["ada"], ada, None)
    write_key_file(files["stranger"], stranger, None)
    founders = [did_key_from_public_key(ada.public_key)]
    init_node(
        tmp_path / "here", name="Here", founders=founders, constitution=WITHOUT_WRITE_POLICY
    ).close()
    other = init_node(tmp_path / "there", name="Over There")
    there_did = other.identity.did
    other.close()
    here = ServerProcess(tmp_path / "here").start()
    there = ServerProcess(tmp_path / "there").start()

    def cli(*args: str, who: str | None = None):  # type: ignore[no-untyped-def]
        signer = ("--key", str(files[who])) if who else ()
        return run(*args, "--node", here.url, *signer)

    try:
        refused = cli("peer", "request", there.url, who="stranger")
        assert refused.returncode == 1 and "federation.recognize" in refused.stderr
        unsafe = cli("peer", "request", "https://10.0.0.5", who="ada")
        assert unsafe.returncode == 1 and "private" in unsafe.stderr
        asked = cli("peer", "request", there.url, who="ada")
        assert asked.returncode == 0, asked.stderr
        synced = cli("peer", "request-sync", who="ada")
        assert synced.returncode == 0, synced.stderr
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            listed = httpx.get(f"{here.url}/v1/federation/requests").json()
            if listed["pending"] == 0:
                break
            time.sleep(0.2)
        assert listed["pending"] == 0
        peers = httpx.get(f"{here.url}/v1/federation/peers").json()["peers"]
        assert [p["node"] for p in peers] == [there_did]
        shown = cli("peer", "requests")
        assert "peer " + there.url in shown.stdout and "added Over There" in shown.stdout
        assert "sync" in shown.stdout and "done" in shown.stdout
    finally:
        here.stop()
        there.stop()

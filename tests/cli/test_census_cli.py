"""The real ``commonweal census`` commands against a live node."""

from __future__ import annotations

import json
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

DAILY = {**WITHOUT_WRITE_POLICY, "census": {"every_seconds": 86_400}}


@pytest.mark.slow
def test_census_from_the_command_line(tmp_path: Path) -> None:
    keys = {name: SigningKey.generate() for name in ("ada", "ben", "stranger")}
    files = {name: tmp_path / f"{name}.key" for name in keys}
    for name, key in keys.items():
        write_key_file(files[name], key, None)
    founders = [did_key_from_public_key(keys[n].public_key) for n in ("ada", "ben")]
    init_node(tmp_path / "node", name="CLI Census", founders=founders, constitution=DAILY).close()
    server = ServerProcess(tmp_path / "node").start()

    def cli(*args: str, who: str | None = None):  # type: ignore[no-untyped-def]
        signer = ("--key", str(files[who])) if who else ()
        return run(*args, "--node", server.url, *signer)

    def epochs() -> int:
        return len(httpx.get(f"{server.url}/v1/census").json()["censuses"])

    def wait_for_epochs(count: int) -> None:
        deadline = time.monotonic() + 20
        while epochs() < count and time.monotonic() < deadline:
            time.sleep(0.2)
        assert epochs() >= count

    try:
        wait_for_epochs(1)  # the constitution's rhythm: the first census at once
        asked = cli("census", "take", "--note", "before the assembly", who="ada")
        assert asked.returncode == 0, asked.stderr
        wait_for_epochs(2)
        refused = cli("census", "take", who="stranger")
        assert refused.returncode == 1 and "node.profile" in refused.stderr

        shown = json.loads(cli("census", "show", "--epoch", "2", "--json").stdout)
        assert shown["reason"] == "requested" and shown["figures"]["members"] == 2
        assert "Censuses" in cli("census", "show").stdout

        proved = cli("census", "prove", who="ben")
        assert proved.returncode == 0, proved.stderr
        assert "is counted in the census of epoch 2" in proved.stdout
        outsider = cli("census", "prove", "--epoch", "1", who="stranger")
        assert outsider.returncode == 1 and "did not count" in outsider.stderr

        audited = run("census", "audit", server.url)
        assert audited.returncode == 0, audited.stderr  # no network census yet: nothing fails
    finally:
        server.stop()

"""The real ``commonweal translation`` commands against a live node: a translation added by
the original's index, listed back, the same refusals as the API, and verify replaying it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from commonweal.client.http import NodeClient
from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.node.kernel.setup import init_node, write_key_file
from tests.cli.test_cli import run
from tests.server import ServerProcess


@pytest.mark.slow
def test_translations_from_the_command_line(tmp_path: Path) -> None:
    keys = {name: SigningKey.generate() for name in ("ada", "ben")}
    files = {name: tmp_path / f"{name}.key" for name in keys}
    for name, key in keys.items():
        write_key_file(files[name], key, None)
    founders = [did_key_from_public_key(key.public_key) for key in keys.values()]
    init_node(tmp_path / "node", name="CLI Translations", founders=founders).close()
    server = ServerProcess(tmp_path / "node").start()

    def cli(*args: str, who: str | None = None):  # type: ignore[no-untyped-def]
        signer = ("--key", str(files[who])) if who else ()
        return run("translation", *args, "--node", server.url, *signer)

    try:
        with NodeClient(server.url) as client:
            drafted = client.sign_and_submit(
                keys["ada"],
                "governance.proposal.drafted",
                {"kind": "decision", "topic": "general", "title": "Fix the roof",
                 "text": "Before winter.", "actions": []},
            )  # fmt: skip
        original = str(drafted["index"])
        size = httpx.get(f"{server.url}/v1/events").json()["size"]
        for args, code in (
            (("-l", "en", "--title", "Fix", "--text", "Now"), "same_language"),
            (("-l", "es_ES", "--title", "Arreglar", "--text", "Ya"), "invalid_body"),
            (("-l", "es", "--text", "Sin título"), "invalid_body"),
        ):
            refused = cli("add", original, *args, who="ben")
            assert refused.returncode == 1 and code in refused.stderr, refused.stderr
        unknown = cli("add", "Z" * 43 + "=", "-l", "es", "--text", "x", who="ben")
        assert unknown.returncode == 1 and "unknown_original" in unknown.stderr
        assert httpx.get(f"{server.url}/v1/events").json()["size"] == size  # nothing logged

        added = cli(
            "add", original, "-l", "es", "--title", "Arreglar el tejado",
            "--text", "Antes del invierno.", who="ben",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        assert "Translation" in added.stdout and "added" in added.stdout
        listed = cli("list", original)
        assert listed.returncode == 0, listed.stderr
        assert "binding text: the en original" in listed.stdout
        assert "es" in listed.stdout and "Arreglar el tejado" in listed.stdout
        by_hash = cli("list", drafted["leaf_hash"])
        assert "Arreglar el tejado" in by_hash.stdout
    finally:
        server.stop()
    verified = run("verify", str(tmp_path / "node"))
    assert verified.returncode == 0, verified.stdout + verified.stderr

"""Secret ballots through the CLI against a live server, and a search for leaks.

Members vote with ``commonweal vote`` on a secret proposal (token, seal, one-time key),
a member teller publishes a key and decrypts with ``commonweal teller``, the node
closes, each voter checks their receipt, ``commonweal verify`` passes. Then every
file the node wrote (database, WAL, server log) is searched for anything that would
link a voter to their ballot: a voter's DID near their one-time key or token.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from commonweal.node.kernel.setup import init_node, write_key_file
from tests.cli.test_cli import run
from tests.server import ServerProcess

NAMES = ("ada", "ben", "cy")


def _wait(until: object, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if until():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise TimeoutError("the node did not get there")


@pytest.mark.slow
def test_secret_vote_through_the_cli_leaves_no_link(tmp_path: Path) -> None:
    keys = {name: SigningKey.generate() for name in NAMES}
    files = {}
    for name, key in keys.items():
        files[name] = tmp_path / f"{name}.key"
        write_key_file(files[name], key, None)
    dids = {name: did_key_from_public_key(key.public_key) for name, key in keys.items()}
    constitution = json.loads(json.dumps(DEFAULT_CONSTITUTION))
    constitution["kinds"]["decision"].update(
        discussion_seconds=60, voting_seconds=600, ballot="secret"
    )
    node = init_node(
        tmp_path / "node", name="Secret", founders=list(dids.values()), constitution=constitution
    )
    node.close()
    offset = tmp_path / "offset"
    offset.write_text("0")
    server = ServerProcess(
        tmp_path / "node",
        args=["--test-clock-file", str(offset), "--no-rate-limit", "--log-level", "debug"],
        env={"COMMONWEAL_ALLOW_TEST_CLOCK": "yes-this-is-a-test"},
    ).start()
    try:
        url = server.url
        as_ = {name: ("--key", str(files[name]), "--node", url) for name in NAMES}
        wallets = {name: ("--wallet", str(tmp_path / f"wallet-{name}")) for name in NAMES}
        role = run(
            "event",
            "submit",
            "membership.role.defined",
            '{"name": "teller", "permissions": []}',
            *as_["ada"],
        )
        assert role.returncode == 0, role.stderr
        granted = run(
            "event",
            "submit",
            "membership.role.granted",
            json.dumps({"member": dids["cy"], "role": "teller"}),
            *as_["ada"],
        )
        assert granted.returncode == 0, granted.stderr
        made = run(
            "proposal",
            "new",
            "--title",
            "Elect a steward",
            "--text",
            "Cy.",
            "--submit",
            *as_["ada"],
        )
        assert made.returncode == 0, made.stderr
        proposal = json.loads(made.stdout.split("\n}")[0] + "\n}")["index"]
        teller = run("teller", "key", str(proposal), *as_["cy"], *wallets["cy"])
        assert teller.returncode == 0, teller.stderr
        offset.write_text("61")
        _wait(lambda: httpx.get(f"{url}/v1/proposals/{proposal}/secret").status_code == 200)
        for name in NAMES:  # everyone takes a token first, then casts later, in another order
            took = run("vote", str(proposal), "--token", *as_[name], *wallets[name])
            assert took.returncode == 0 and "You hold your token" in took.stdout, took.stderr
        for name, choice in (("cy", "yes"), ("ada", "yes"), ("ben", "no")):
            voted = run("vote", str(proposal), choice, *as_[name], *wallets[name])
            assert voted.returncode == 0, voted.stderr
            assert "one-time key" in voted.stdout
        again = run("vote", str(proposal), "no", "--delay", "0", *as_["ada"], *wallets["ada"])
        assert again.returncode == 1 and "token_used" in again.stderr
        offset.write_text("700")
        _wait(lambda: httpx.get(f"{url}/v1/proposals/{proposal}").json()["phase"] == "voting")
        decrypted = run("teller", "decrypt", str(proposal), *as_["cy"], *wallets["cy"])
        assert decrypted.returncode == 0, decrypted.stderr
        _wait(lambda: httpx.get(f"{url}/v1/proposals/{proposal}").json()["phase"] == "closed")
        result = httpx.get(f"{url}/v1/proposals/{proposal}/result").json()["result"]
        assert result["counts"] == {"yes": 2, "no": 1, "abstain": 0}
        assert result["secret"]["tellers"] == sorted(
            [dids["cy"], httpx.get(f"{url}/.well-known/commonweal").json()["did"]]
        )
        checked = run("vote", str(proposal), "--check", "--node", url, *wallets["ben"])
        assert checked.returncode == 0, checked.stderr
        report = json.loads(checked.stdout)
        assert report["in_log"] and report["counted"] and report["decrypted_as"] == {"choice": "no"}
    finally:
        server.stop()
    verified = run("verify", str(tmp_path / "node"))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    _search_for_links(tmp_path, dids)


def _search_for_links(tmp_path: Path, dids: dict[str, str]) -> None:
    """No record the node keeps, and no line it logged, holds both a voter's DID and
    anything of their ballot: its nullifier, token message, or one-time key."""
    secrets_of = {}
    for name in NAMES:
        receipt = next((tmp_path / f"wallet-{name}" / "secret-ballots").glob("*.receipt.json"))
        kept = json.loads(receipt.read_text())
        token = next((tmp_path / f"wallet-{name}" / "secret-ballots").glob("*.token.json"))
        message = json.loads(token.read_text())["message"]
        secrets_of[dids[name]] = (kept["nullifier"], message, str(kept["ballot"]))
    database = tmp_path / "node" / "node.db"
    records: list[str] = []
    with sqlite3.connect(database) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                records.append(" ".join(_text(v) for v in row))
    records += (tmp_path / "node" / "server.log").read_text().splitlines()
    found_ballot_parts = 0
    for record in records:
        for did, (nullifier, message, _index) in secrets_of.items():
            has_ballot = nullifier in record or message in record
            found_ballot_parts += has_ballot
            assert not (did in record and has_ballot), f"a record links {did} to its ballot"
    assert found_ballot_parts >= len(NAMES)  # the search looked where ballots are
    with sqlite3.connect(database) as conn:
        kept_keys = conn.execute("SELECT * FROM private_ballot_keys").fetchall()
    assert kept_keys and not any(
        did in _text(v) for row in kept_keys for v in row for did in dids.values()
    )


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

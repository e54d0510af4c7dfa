"""The real ``commonweal`` command: init, key, event submit, log, verify."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from commonweal.cli.main import app

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a user would."""
    command = [str(Path(sys.executable).parent / "commonweal"), *args]
    return subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120
    )


def test_init_then_verify(tmp_path: Path) -> None:
    data = tmp_path / "node"
    created = run("init", "--name", "Harbour Guild", "--data-dir", str(data))
    assert created.returncode == 0, created.stderr
    assert "did:key:z6Mk" in created.stdout
    assert stat.S_IMODE(os.stat(data / "node.key").st_mode) == 0o600
    verified = run("verify", str(data))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "verified" in verified.stdout
    again = run("init", "--name", "Other", "--data-dir", str(data))
    assert again.returncode == 1 and "already holds a node" in again.stderr


def test_encrypted_node_key(tmp_path: Path) -> None:
    data = tmp_path / "node"
    env = {"COMMONWEAL_PASSPHRASE": "a long passphrase"}
    assert (
        run("init", "--name", "Sealed", "--encrypt", "--data-dir", str(data), env=env).returncode
        == 0
    )
    assert b"seed" not in (data / "node.key").read_bytes().replace(b"sealed", b"")
    without = runner.invoke(
        app, ["log", "checkpoint", "--data-dir", str(data)], env={"COMMONWEAL_PASSPHRASE": ""}
    )
    assert without.exit_code == 1 and "passphrase" in without.output
    with_it = runner.invoke(app, ["log", "checkpoint", "--data-dir", str(data)], env=env)
    assert with_it.exit_code == 0 and "commonweal/z6Mk" in with_it.output


def test_checkpoint_settings(tmp_path: Path) -> None:
    data = tmp_path / "node"
    args = ["init", "--name", "C", "--data-dir", str(data), "--checkpoint-every-events", "50"]
    assert runner.invoke(app, args).exit_code == 0
    assert json.loads((data / "node.json").read_text())["checkpoint_every_events"] == 50
    bad = [
        "init",
        "--name",
        "C",
        "--data-dir",
        str(tmp_path / "b"),
        "--checkpoint-every-events",
        "0",
    ]
    refused = runner.invoke(app, bad)
    assert refused.exit_code == 1 and "positive" in refused.output
    assert not (tmp_path / "b" / "node.json").exists()


def test_init_names_founders_and_policy(tmp_path: Path) -> None:
    from commonweal.node.kernel.setup import open_node
    from commonweal.node.services import membership

    founder = runner.invoke(app, ["key", "new", str(tmp_path / "f.key")]).output.strip()
    data = tmp_path / "node"
    args = [
        "init",
        "--name",
        "F",
        "--data-dir",
        str(data),
        "--founder",
        founder,
        "--admission",
        "open",
    ]
    assert runner.invoke(app, args).exit_code == 0
    node = open_node(data)
    try:
        (entry,) = membership.directory(node)
        assert entry["did"] == founder and entry["roles"] == ["steward"]
        assert node.state.get("membership.policy", "policy")["admission"] == "open"
    finally:
        node.close()
    bad = ["init", "--name", "G", "--data-dir", str(tmp_path / "g"), "--admission", "lottery"]
    refused = runner.invoke(app, bad)
    assert refused.exit_code == 1 and "admission must be one of" in refused.output


def test_key_new_and_show(tmp_path: Path) -> None:
    path = tmp_path / "me.key"
    made = runner.invoke(app, ["key", "new", str(path)])
    assert made.exit_code == 0
    did = made.output.strip()
    assert did.startswith("did:key:z6Mk")
    shown = runner.invoke(app, ["key", "show", str(path)])
    assert did in shown.output and "seed" not in shown.output
    assert runner.invoke(app, ["key", "new", str(path)]).exit_code == 1


def test_log_proof_prints_a_tlog_proof(tmp_path: Path) -> None:
    data = tmp_path / "node"
    assert runner.invoke(app, ["init", "--name", "P", "--data-dir", str(data)]).exit_code == 0
    result = runner.invoke(app, ["log", "proof", "0", "--data-dir", str(data)])
    assert result.exit_code == 0
    assert result.output.startswith("c2sp.org/tlog-proof@v1\nindex 0\n")


def test_verify_reports_tampering_with_exit_1(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, update

    from commonweal.store.schema import log_entries

    data = tmp_path / "node"
    assert runner.invoke(app, ["init", "--name", "T", "--data-dir", str(data)]).exit_code == 0
    engine = create_engine(f"sqlite:///{data / 'node.db'}")
    with engine.begin() as conn:
        conn.execute(update(log_entries).values(leaf=b'{"event":{},"received":"x"}'))
    engine.dispose()
    result = run("verify", str(data))
    assert result.returncode == 1
    assert "leaf 0" in result.stdout and "verification failed" in result.stdout


def test_missing_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["verify", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and "not a node data directory" in result.output


@pytest.mark.slow
def test_demo_creates_a_verifiable_node(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--data-dir", str(tmp_path / "demo"), "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000/" in result.output
    verified = run("verify", str(tmp_path / "demo"))
    assert verified.returncode == 0, verified.stdout
    assert json.loads((tmp_path / "demo" / "node.json").read_text())["origin"].startswith(
        "commonweal/"
    )

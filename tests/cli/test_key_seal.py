"""``commonweal key seal``: a plain or sealed key file sealed in place, same key, same DID."""

from __future__ import annotations

import stat
from pathlib import Path

from typer.testing import CliRunner

from commonweal.cli.main import app
from commonweal.node.kernel.setup import SetupError, read_key_file

runner = CliRunner()


def test_a_plain_key_is_sealed_in_place_and_keeps_its_did(tmp_path: Path) -> None:
    path = tmp_path / "me.key"
    assert runner.invoke(app, ["key", "new", str(path)]).exit_code == 0
    before = read_key_file(path, None)
    sealed = runner.invoke(app, ["key", "seal", str(path), "--new-passphrase", "harbour lights"])
    assert sealed.exit_code == 0, sealed.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_key_file(path, "harbour lights").seed == before.seed
    try:
        read_key_file(path, None)
    except SetupError:
        pass
    else:
        raise AssertionError("a sealed key must not open without its passphrase")
    assert not list(tmp_path.glob(".*sealing"))


def test_a_sealed_key_changes_passphrase_and_a_wrong_one_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "node.key"
    made = runner.invoke(app, ["key", "new", str(path), "--encrypt", "--passphrase", "old one"])
    assert made.exit_code == 0, made.output
    original = path.read_bytes()
    wrong = runner.invoke(
        app, ["key", "seal", str(path), "--passphrase", "not it", "--new-passphrase", "new one"]
    )
    assert wrong.exit_code == 1 and "Traceback" not in wrong.output
    assert path.read_bytes() == original
    changed = runner.invoke(
        app, ["key", "seal", str(path), "--passphrase", "old one", "--new-passphrase", "new one"]
    )
    assert changed.exit_code == 0, changed.output
    assert read_key_file(path, "new one").seed == read_key_file_seed(original)


def read_key_file_seed(data: bytes) -> bytes:
    from commonweal.core.keys import load_key_file

    return load_key_file(data, "old one").seed

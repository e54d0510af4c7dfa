"""The command line's side of the web: wallet exports a browser reads, the test clock's locks."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from commonweal.cli.main import app
from commonweal.node.kernel.movable_clock import ENABLE_VALUE, ENABLE_VARIABLE
from commonweal.node.kernel.setup import init_node

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """The command, in-process (the subprocess tests elsewhere cover the installed script)."""
    return runner.invoke(app, list(args), env={ENABLE_VARIABLE: "", **(env or {})})


def test_a_wallet_exports_for_the_browser_and_imports_a_browser_backup(tmp_path: Path) -> None:
    env = {"COMMONWEAL_WALLET": str(tmp_path / "laptop"), "COMMONWEAL_PASSPHRASE": "wallet pass!"}
    did = run("wallet", "new", env=env).stdout.strip()
    exported = run("wallet", "export", "--for-browser", env=env)
    assert exported.exit_code == 0, exported.output
    document = json.loads(exported.stdout)
    assert did not in exported.output and document["encrypted"]["kdf"] == "pbkdf2-sha256"
    backup = tmp_path / "backup.json"
    backup.write_text(exported.stdout)
    phone = {**env, "COMMONWEAL_WALLET": str(tmp_path / "phone")}
    imported = run("wallet", "import", str(backup), "--old-passphrase", "wallet pass!", env=phone)
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.strip() == did


def test_serve_refuses_the_test_clock_outside_a_test(tmp_path: Path) -> None:
    init_node(tmp_path / "node", name="Guild").close()
    args = ("serve", "--data-dir", str(tmp_path / "node"), "--test-clock-file", str(tmp_path / "c"))
    plain = run(*args, "--port", "1")
    assert plain.exit_code == 1 and ENABLE_VARIABLE in plain.output
    exposed = run(*args, "--host", "0.0.0.0", "--port", "1", env={ENABLE_VARIABLE: ENABLE_VALUE})
    assert exposed.exit_code == 1 and "loopback" in exposed.output
    assert "--test-clock-file" not in run("serve", "--help").output

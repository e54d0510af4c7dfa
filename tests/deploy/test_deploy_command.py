"""``commonweal deploy``: the files it writes from a node's real settings, and what it refuses."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from commonweal.cli.main import app
from commonweal.deploy.render import CADDYFILE, ENV_FILE, SCHEDULER_UNIT, WEB_UNIT
from commonweal.node.kernel.setup import init_node

COMMONWEAL = Path(sys.executable).absolute().parent / "commonweal"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(COMMONWEAL), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("deploy") / "node"
    init_node(folder, name="Deployed Commons").close()
    return folder


def arguments(data_dir: Path, output: Path, *extra: str) -> list[str]:
    return [
        "deploy", "--data-dir", str(data_dir), "--domain", "node.example.org",
        "--output", str(output), *extra,
    ]  # fmt: skip


def deploy(data_dir: Path, output: Path, *extra: str) -> Result:
    """The command in-process (the installed program is run once, in the first test)."""
    return CliRunner().invoke(app, arguments(data_dir, output, *extra))


def test_writes_the_units_the_environment_and_the_caddyfile(data_dir: Path, tmp_path: Path) -> None:
    output = tmp_path / "deploy"
    result = run(*arguments(data_dir, output, "--port", "8123", "--email", "admin@example.org"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in output.iterdir()) == sorted(
        [WEB_UNIT, SCHEDULER_UNIT, ENV_FILE, CADDYFILE]
    )
    web = (output / WEB_UNIT).read_text()
    assert (
        f"ExecStart={COMMONWEAL} serve --data-dir {data_dir} --host 127.0.0.1 --port 8123 "
        "--trusted-proxy 127.0.0.1 --no-scheduler\n"
    ) in web
    scheduler = (output / SCHEDULER_UNIT).read_text()
    assert f"ExecStart={COMMONWEAL} scheduler --data-dir {data_dir}\n" in scheduler
    for unit in (web, scheduler):
        for line in (
            "User=commonweal",
            "ProtectSystem=strict",
            f"ReadWritePaths={data_dir}",
            "NoNewPrivileges=yes",
            "PrivateTmp=yes",
            "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
            "LimitNOFILE=65536",
            "Restart=on-failure",
            "EnvironmentFile=/etc/commonweal/commonweal.env",
        ):
            assert f"\n{line}\n" in unit
    env = (output / ENV_FILE).read_text()
    assert "\nCOMMONWEAL_PUBLIC_URL=https://node.example.org\n" in env
    assert "\n#COMMONWEAL_PASSPHRASE=\n" in env  # the key is not sealed
    assert stat.S_IMODE((output / ENV_FILE).stat().st_mode) == 0o600
    caddyfile = (output / CADDYFILE).read_text()
    assert "\temail admin@example.org\n" in caddyfile
    assert "\nnode.example.org {\n" in caddyfile
    assert "\treverse_proxy 127.0.0.1:8123 {\n" in caddyfile
    assert "tls internal" not in caddyfile  # a public node gets a public certificate
    assert "systemctl enable --now commonweal-web.service commonweal-scheduler.service" in (
        result.stdout
    )


def test_one_process_and_a_sealed_key(tmp_path: Path) -> None:
    sealed = tmp_path / "sealed"
    init_node(sealed, name="Sealed", passphrase="a long passphrase").close()
    output = tmp_path / "deploy"
    result = deploy(sealed, output, "--one-process", "--user", "civic")
    assert result.exit_code == 0, result.output
    assert not (output / SCHEDULER_UNIT).exists()
    web = (output / WEB_UNIT).read_text()
    assert "--no-scheduler" not in web and "\nUser=civic\n" in web
    assert "\nCOMMONWEAL_PASSPHRASE=\n" in (output / ENV_FILE).read_text()


def test_refuses_to_overwrite_without_force(data_dir: Path, tmp_path: Path) -> None:
    output = tmp_path / "deploy"
    output.mkdir()
    (output / CADDYFILE).write_text("# the operator's own\n")
    (output / "notes.txt").write_text("kept\n")
    refused = deploy(data_dir, output)
    assert refused.exit_code == 1
    assert f"{output} already holds Caddyfile: pass --force" in refused.output
    assert sorted(p.name for p in output.iterdir()) == [CADDYFILE, "notes.txt"]
    assert (output / CADDYFILE).read_text() == "# the operator's own\n"
    forced = deploy(data_dir, output, "--force")
    assert forced.exit_code == 0, forced.output
    assert "reverse_proxy" in (output / CADDYFILE).read_text()
    assert (output / "notes.txt").read_text() == "kept\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--domain", "https://node.example.org"], "--domain must be the host name"),
        (["--domain", "node.example.org:8443"], "--domain must be the host name"),
        (["--domain", "node.example.org/path"], "--domain must be the host name"),
        (["--domain", "localhost"], "--domain must be the host name"),
        (["--domain", "192.0.2.10"], "--domain must be the host name"),
        (["--domain", "-bad-.example.org"], "--domain must be the host name"),
        (["--domain", "node.example.org {\n}"], "--domain must be the host name"),
        (["--user", "root"], "--user root is refused"),
        (["--user", "Bad User"], "--user must be a system user name"),
        (["--port", "443"], "--port 443 is taken by Caddy"),
        (["--port", "70000"], "--port must be between 1 and 65535"),
        (["--email", "not an address"], "--email must be an address"),
        (["--executable", "/nowhere/commonweal"], "no commonweal program at /nowhere/commonweal"),
        (["--env-file", "etc/commonweal.env"], "--env-file must be an absolute path"),
    ],
)
def test_refuses_bad_input_clearly(
    data_dir: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    output = tmp_path / "deploy"
    result = deploy(data_dir, output, *args)
    assert result.exit_code == 1
    assert message in result.output.replace("\n", " ")
    assert "Traceback" not in result.output
    assert not output.exists()


def test_refuses_a_folder_that_is_not_a_node(tmp_path: Path) -> None:
    result = deploy(tmp_path / "empty", tmp_path / "deploy")
    assert result.exit_code == 1
    assert "is not a node data directory (run `commonweal init`)" in result.output
    spaced = tmp_path / "with space"
    init_node(spaced, name="Spaced").close()
    result = deploy(spaced, tmp_path / "deploy")
    assert result.exit_code == 1 and "--data-dir must be an absolute path" in result.output
    assert not (tmp_path / "deploy").exists()

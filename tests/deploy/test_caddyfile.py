"""The Caddyfile for a public node, as Debian's caddy reads it (no server started)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from commonweal.deploy.render import CADDYFILE, deployment_for, render
from commonweal.node.kernel.setup import init_node
from tests.deploy.tools import caddy


@pytest.fixture
def caddyfile(tmp_path: Path) -> Path:
    init_node(tmp_path / "node", name="Caddy Commons").close()
    deployment = deployment_for(
        tmp_path / "node",
        domain="node.example.org",
        executable=Path(sys.executable).absolute().parent / "commonweal",
        email="admin@example.org",
    )
    [text] = [f.text for f in render(deployment) if f.name == CADDYFILE]
    path = tmp_path / CADDYFILE
    path.write_text(text)
    return path


def run_caddy(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``caddy ARGS`` with its storage and config under ``tmp_path``."""
    home = {"XDG_DATA_HOME": "data", "XDG_CONFIG_HOME": "config", "HOME": "."}
    env = {**os.environ, **{name: str(tmp_path / value) for name, value in home.items()}}
    return subprocess.run(
        [caddy(), *args], capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path
    )


def validate(caddyfile: Path) -> subprocess.CompletedProcess[str]:
    config = ["--config", str(caddyfile), "--adapter", "caddyfile"]
    return run_caddy(caddyfile.parent, "validate", *config)


def test_caddy_validates_the_public_caddyfile(caddyfile: Path, tmp_path: Path) -> None:
    validated = validate(caddyfile)
    assert validated.returncode == 0, validated.stderr
    assert "Valid configuration" in validated.stdout + validated.stderr
    formatted = run_caddy(tmp_path, "fmt", str(caddyfile))
    assert formatted.stdout == caddyfile.read_text()  # as `caddy fmt` writes it


def test_caddy_refuses_a_damaged_caddyfile(caddyfile: Path, tmp_path: Path) -> None:
    caddyfile.write_text(caddyfile.read_text().replace("header_up", "header_upp"))
    validated = validate(caddyfile)
    assert validated.returncode != 0
    assert "header_upp" in validated.stderr

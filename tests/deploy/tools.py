"""The outside programs the deployment tests run: Debian's caddy and systemd-analyze.

Missing, they skip the tests that need them, except under CI (``CI=true``), where a
missing program fails: `make install` installs caddy, and systemd is on every Debian.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SYSTEMD_ANALYZE = Path("/usr/bin/systemd-analyze")


def require_program(name: str, how: str) -> str:
    """The path of ``name``, or skip (fail under CI) saying how to install it."""
    found = shutil.which(name)
    if found is None:
        message = f"this test needs {name} ({how})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def caddy() -> str:
    return require_program("caddy", "as root: make install, or apt-get install caddy")


def systemd_analyze() -> str:
    found = require_program(str(SYSTEMD_ANALYZE), "Debian's systemd package")
    return found


def verify_units(units: list[Path]) -> list[str]:
    """What ``systemd-analyze verify`` finds wrong with ``units``: the lines it printed
    about them, and its exit status if it failed. Empty means the units are sound.

    systemd only warns (and exits 0) on an unknown key or a value it cannot parse, and
    ignores the line: so any line naming one of the units counts as a finding.
    """
    result = subprocess.run(
        [systemd_analyze(), "verify", "--man=no", "--recursive-errors=no", *map(str, units)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    names = [unit.name for unit in units]
    lines = (result.stdout + result.stderr).splitlines()
    findings = [line for line in lines if any(name in line for name in names)]
    if result.returncode != 0:
        findings.append(f"systemd-analyze exited with {result.returncode}: {lines}")
    return findings

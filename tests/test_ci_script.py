"""``.ci/run`` is honest: no PostgreSQL means a failed run, not a silently smaller suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_ci_fails_when_postgresql_is_unreachable(tmp_path: Path) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    marker = tmp_path / "make-ran"
    # a stand-in for make, so that nothing of the suite runs if the script went on
    (fake_bin / "make").write_text(f"#!/bin/sh\ntouch {marker}\n")
    (fake_bin / "make").chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{fake_bin}:{os.environ['PATH']}",
        "PGPORT": str(free_port()),  # nobody listens there
        "CI_POSTGRES_WAIT": "0",
    }
    run = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode != 0
    assert "PostgreSQL is not reachable" in run.stderr
    assert not marker.exists()


def _pytest(test: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "COMMONWEAL_TEST_POSTGRES_URL")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("test", "env"),
    [
        (
            "tests/web/browser/test_smoke.py::test_pages_load_and_browser_crypto_matches_the_node",
            {"COMMONWEAL_CHROMIUM": "/nonexistent/chromium"},
        ),
        (
            "tests/test_problem_codes.py::test_a_repeated_attestation_and_vouch_answer_409_over_http",
            {},
        ),
    ],
    ids=["browser", "postgres"],
)
def test_a_missing_service_skips_outside_ci_and_fails_in_ci(test: str, env: dict[str, str]) -> None:
    outside = _pytest(test, **env)
    assert outside.returncode == 0, outside.stdout[-2000:]
    assert "skipped" in outside.stdout
    inside = _pytest(test, CI="true", **env)
    assert inside.returncode == 1, inside.stdout[-2000:]
    assert "CI=true" in inside.stdout and "skipped" not in inside.stdout.splitlines()[-1]

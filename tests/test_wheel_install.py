"""The built wheel, installed as a user would: a fresh virtual environment in a temporary
folder, dependencies from the package index, no checkout and no test vectors beside it.

It runs ``init``, ``serve``, a sign-in (the challenge and signed presentation the pages
send), a signed event over HTTP and ``verify``. The environment is built once per test
session.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.server import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "src")

SIGN_IN = """
import sys
import httpx
import commonweal
from commonweal.core.keys import load_key_file
from commonweal.core.rfc3339 import format_utc
from commonweal.core.vc.verify import create_presentation
from datetime import UTC, datetime

assert commonweal.__file__.startswith(sys.prefix), commonweal.__file__
base, key_file = sys.argv[1], sys.argv[2]
key = load_key_file(open(key_file, "rb").read(), None)
json = {"Content-Type": "application/json"}
with httpx.Client(base_url=base, timeout=30) as client:
    challenge = client.post("/session/challenge", headers=json, content=b"{}").json()
    answer = create_presentation(
        key, [], challenge=challenge["challenge"], domain=challenge["domain"],
        created=format_utc(datetime.now(UTC)),
    )
    signed_in = client.post("/session", json=answer)
    print(signed_in.status_code, signed_in.text)
    print(client.get("/session").json()["did"])
"""


@dataclass(frozen=True)
class Installed:
    """A virtual environment holding only the wheel and its dependencies."""

    bin: Path
    env: dict[str, str]

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / "commonweal"), *args],
            cwd=cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )


def _clean_env() -> dict[str, str]:
    """The environment without anything pointing at this checkout or its vectors."""
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    return {
        k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("COMMONWEAL_")
    }


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel from a copy of the sources (so the checkout gets no build/ or
    egg-info), then install it into a fresh virtual environment."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(origin, source / name)
    wheels = tmp_path_factory.mktemp("wheels")
    env = _clean_env()
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(wheels), str(source)],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = wheels.glob("commonweal-*.whl")
    venv = tmp_path_factory.mktemp("venv")
    python = shutil.which("python3.11") or sys.executable
    subprocess.run([python, "-m", "venv", str(venv)], check=True, env=env, timeout=120)
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        cwd=wheels,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]
    return Installed(venv / "bin", env)


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder with no checkout and no vectors above it."""
    folder = tmp_path_factory.mktemp("elsewhere")
    assert not any((parent / "shared" / "vectors").exists() for parent in folder.parents)
    return folder


@pytest.fixture(scope="module")
def served(installed: Installed, elsewhere: Path) -> Iterator[str]:
    """``commonweal init`` then ``commonweal serve`` from the installed wheel."""
    created = installed.run("init", "--name", "Wheel Commons", "--data-dir", "node", cwd=elsewhere)
    assert created.returncode == 0, created.stdout + created.stderr
    port = free_port()
    with (elsewhere / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [str(installed.bin / "commonweal"), "serve", "--data-dir", "node", "--port", str(port)],
            cwd=elsewhere,
            env=installed.env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (elsewhere / "server.log").read_text()
            try:
                if httpx.get(url + "/.well-known/commonweal", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the installed server did not start"
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_the_installed_program_names_its_version(installed: Installed, elsewhere: Path) -> None:
    shown = installed.run("--version", cwd=elsewhere)
    assert shown.returncode == 0 and shown.stdout.startswith("commonweal "), shown.stderr


def test_a_signed_event_over_http_then_verify(
    installed: Installed, elsewhere: Path, served: str
) -> None:
    made = installed.run("key", "new", "author.key", cwd=elsewhere)
    assert made.returncode == 0, made.stderr
    body = '{"digest": "sha256:' + "ab" * 32 + '", "title": "Minutes of the first assembly"}'
    submitted = installed.run(
        "event",
        "submit",
        "notary.document.attested",
        body,
        "--key",
        "author.key",
        "--node",
        served,
        cwd=elsewhere,
    )
    assert submitted.returncode == 0, submitted.stdout + submitted.stderr
    index = json.loads(submitted.stdout)["index"]
    logged = httpx.get(f"{served}/v1/events/{index}", timeout=10).json()["event"]
    assert logged["type"] == "notary.document.attested"
    remote = installed.run("verify", served, cwd=elsewhere)
    assert remote.returncode == 0, remote.stdout + remote.stderr
    local = installed.run("verify", "node", cwd=elsewhere)
    assert local.returncode == 0, local.stdout + local.stderr
    assert "verified" in local.stdout


def test_sign_in_as_the_pages_do(installed: Installed, elsewhere: Path, served: str) -> None:
    """The challenge, then a presentation signed with the member's key (what the page's
    script sends): the JSON-LD contexts it needs come from the package itself."""
    made = installed.run("key", "new", "member.key", cwd=elsewhere)
    assert made.returncode == 0, made.stderr
    (elsewhere / "sign_in.py").write_text(SIGN_IN)
    signed_in = subprocess.run(
        [str(installed.bin / "python"), "sign_in.py", served, "member.key"],
        cwd=elsewhere,
        env=installed.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert signed_in.returncode == 0, signed_in.stderr
    status, did = signed_in.stdout.splitlines()[0], signed_in.stdout.splitlines()[-1]
    assert status.startswith("200 "), status
    assert did.startswith("did:key:z6Mk")


def test_the_pages_speak_arabic_from_the_installed_catalogues(served: str) -> None:
    """The catalogues ship in the wheel: nothing from the repository is beside it."""
    page = httpx.get(f"{served}/proposals", headers={"Accept-Language": "ar"}, timeout=10)
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "<h1>المقترحات</h1>" in page.text
    french = httpx.post(
        f"{served}/v1/locale/read", json={"amounts": ["86,40"]}, headers={"Accept-Language": "fr"}
    )
    assert french.json()["amounts"] == ["86.40"]

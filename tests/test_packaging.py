"""What the wheel declares and carries: run-time imports, package data, the version, and a
clear word when PostgreSQL support is not installed."""

from __future__ import annotations

import ast
import glob
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from typer.testing import CliRunner

from commonweal import __version__
from commonweal.cli.main import app

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "commonweal"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(requirements: list[str]) -> set[str]:
    return {_normalised(re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0]) for r in requirements}


def _imported_modules() -> set[str]:
    """The top-level modules the package imports, outside the standard library and itself."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"commonweal"}


def test_every_run_time_import_is_a_declared_dependency() -> None:
    """Every import is a dependency, or the ``postgres`` extra's (imported only where the
    node's store is PostgreSQL)."""
    optional = PYPROJECT["project"]["optional-dependencies"]["postgres"]
    declared = _declared(PYPROJECT["project"]["dependencies"]) | _declared(optional)
    distributions = packages_distributions()
    undeclared = {
        module: distributions.get(module, [module])
        for module in _imported_modules()
        if not any(_normalised(d) in declared for d in distributions.get(module, [module]))
    }
    assert not undeclared, f"imported at run time but not in [project] dependencies: {undeclared}"


def test_postgres_driver_is_the_postgres_extra_only() -> None:
    assert "psycopg" not in _declared(PYPROJECT["project"]["dependencies"])
    assert "psycopg" in _declared(PYPROJECT["project"]["optional-dependencies"]["postgres"])


def test_package_data_covers_every_file_the_program_reads() -> None:
    """Every file in the package that is not a module is matched by a package-data glob,
    so the wheel carries templates, static files, migrations and JSON-LD contexts."""
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["commonweal"]
    carried = {
        Path(match).resolve()
        for pattern in patterns
        for match in glob.glob(str(PACKAGE / pattern), recursive=True)
    }
    data_files = {
        path.resolve()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc")
    }
    missing = sorted(str(p.relative_to(PACKAGE.resolve())) for p in data_files - carried)
    assert not missing, f"not carried by the wheel: {missing}"
    assert any(p.suffix == ".html" for p in carried) and any(p.suffix == ".js" for p in carried)


def test_version_comes_from_the_distribution() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"commonweal {__version__}"
    assert __version__ == PYPROJECT["project"]["version"]


@pytest.mark.parametrize("command", ["init", "serve"])
def test_postgresql_without_psycopg_says_what_to_install(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` now fails
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/nowhere"
    data = tmp_path / "node"
    if command == "serve":
        assert (
            CliRunner().invoke(app, ["init", "--name", "N", "--data-dir", str(data)]).exit_code == 0
        )
    args = [command, "--data-dir", str(data), "--database-url", url]
    result = CliRunner().invoke(app, [*args, *(["--name", "N"] if command == "init" else [])])
    assert result.exit_code == 1, result.output
    assert "pip install 'commonweal[postgres]'" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an error
    if command == "init":
        assert not (data / "node.key").exists()


@pytest.mark.parametrize("command", ["verify", "upgrade"])
def test_postgresql_without_psycopg_is_plain_for_verify_and_upgrade(
    command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/nowhere"
    data = tmp_path / "node"
    assert CliRunner().invoke(app, ["init", "--name", "N", "--data-dir", str(data)]).exit_code == 0
    args = [url] if command == "verify" else ["--data-dir", str(data), "--database-url", url]
    result = CliRunner().invoke(app, [command, *args])
    assert result.exit_code == 1, result.output
    assert "pip install 'commonweal[postgres]'" in result.output
    assert "Traceback" not in result.output

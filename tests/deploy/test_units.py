"""``systemd-analyze verify`` on the units ``commonweal deploy`` writes; and proof that the
check catches a broken unit, so its silence on ours means something."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from commonweal.deploy.render import SCHEDULER_UNIT, WEB_UNIT, deployment_for, render, write
from commonweal.node.kernel.setup import init_node
from tests.deploy.tools import verify_units


@pytest.fixture(scope="module")
def units(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The two units, for a real node, running the commonweal of this environment."""
    folder = tmp_path_factory.mktemp("units")
    init_node(folder / "node", name="Unit Commons").close()
    deployment = deployment_for(
        folder / "node",
        domain="node.example.org",
        executable=Path(sys.executable).absolute().parent / "commonweal",
    )
    written = write(folder / "deploy", render(deployment))
    return [path for path in written if path.name in (WEB_UNIT, SCHEDULER_UNIT)]


def test_the_generated_units_verify(units: list[Path]) -> None:
    assert [unit.name for unit in units] == [WEB_UNIT, SCHEDULER_UNIT]
    assert verify_units(units) == []


@pytest.mark.parametrize(
    ("line", "broken"),
    [
        ("Restart=on-failure", "Restart=sometimes"),
        ("ProtectSystem=strict", "ProtectSytem=strict"),
        ("LimitNOFILE=65536", "LimitNOFILE=lots"),
        ("RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "RestrictAddressFamilies=AF_PIGEON"),
        ("[Service]", "[Servce]"),
    ],
)
def test_the_check_catches_a_broken_unit(
    units: list[Path], tmp_path: Path, line: str, broken: str
) -> None:
    web = units[0].read_text()
    assert f"\n{line}\n" in web
    damaged = tmp_path / WEB_UNIT
    damaged.write_text(web.replace(f"\n{line}\n", f"\n{broken}\n"))
    assert verify_units([damaged]) != []


def test_the_check_catches_a_missing_program(units: list[Path], tmp_path: Path) -> None:
    web = units[0].read_text()
    executable = str(Path(sys.executable).absolute().parent / "commonweal")
    damaged = tmp_path / WEB_UNIT
    damaged.write_text(web.replace(f"ExecStart={executable} ", "ExecStart=/nowhere/commonweal "))
    findings = verify_units([damaged])
    assert any("/nowhere/commonweal" in finding for finding in findings), findings

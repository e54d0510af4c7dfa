"""docs/architecture.md's picture draws the layers the import contracts (.importlinter) check."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_picture_draws_the_contracts_layers_in_order() -> None:
    contracts = configparser.ConfigParser()
    contracts.read(ROOT / ".importlinter")
    layers = [
        [name.strip().removeprefix("commonweal.") for name in line.split("|")]
        for line in contracts["importlinter:contract:layers"]["layers"].split("\n")
        if line.strip()
    ]
    doc = (ROOT / "docs" / "architecture.md").read_text()
    picture = doc.split("```\n", 2)[1].split("```")[0]
    drawn = [
        [name.strip().removeprefix("commonweal.") for name in line.split("   ")[0].split("·")]
        for line in picture.splitlines()
        if re.match(r"^[a-z]", line)
    ]
    assert drawn == layers
    for package in {name for layer in layers for name in layer}:
        assert (ROOT / "src" / "commonweal" / package).exists() or (
            ROOT / "src" / "commonweal" / f"{package}.py"
        ).exists()

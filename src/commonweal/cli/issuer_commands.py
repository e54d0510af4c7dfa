"""Issuer tokens and open credential kinds: what automation may have the node sign."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import typer

from commonweal.cli.common import DataDir, console, fail
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from commonweal.node.kernel.setup import SetupError, add_issuer_token


def with_open_kinds(names: list[str]) -> dict[str, Any] | None:
    """The default constitution with an open credential kind per name (None: no change)."""
    if not names:
        return None
    constitution = copy.deepcopy(DEFAULT_CONSTITUTION)
    constitution["credentials"] = {name: {"open": True} for name in names}
    return constitution


def issuer_token(
    data_dir: Path = DataDir,
    kind: list[str] = typer.Option(
        [], "--kind", help="Scope the token to this community credential kind (repeat)."
    ),
) -> None:
    """Create a bearer token that may call POST /credentials/issue (printed once)."""
    try:
        console.print(add_issuer_token(data_dir, kind))
    except SetupError as error:
        raise fail(str(error)) from None

"""Wallets: selective disclosure (ecdsa-sd-2023), OpenID4VCI issuance and OpenID4VP
presentation, so a member's credentials go into and out of standard wallet apps."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from commonweal.capability import Capability, WebRouter

if TYPE_CHECKING:
    import typer


def _cli(_command: typer.Typer) -> None:
    """``commonweal credential derive`` joins the ``credential`` commands membership adds."""
    import_module("commonweal.cli.disclosure_commands")


CAPABILITY = Capability(
    name="wallets",
    api=(WebRouter("commonweal.web.selective_api"), WebRouter("commonweal.web.openid_api")),
    pages=(WebRouter("commonweal.web.wallet_pages"),),
    cli=_cli,
)

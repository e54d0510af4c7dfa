"""Wallets: selective disclosure (ecdsa-sd-2023), OpenID4VCI issuance and OpenID4VP
presentation, so a member's credentials go into and out of standard wallet apps."""

from __future__ import annotations

from commonweal.capability import Capability, SubCommands, WebRouter

CAPABILITY = Capability(
    name="wallets",
    api=(WebRouter("commonweal.web.selective_api"), WebRouter("commonweal.web.openid_api")),
    pages=(WebRouter("commonweal.web.wallet_pages"),),
    # ``commonweal credential derive`` joins membership's ``credential`` group
    cli=SubCommands({}, extends={"credential": ("commonweal.cli.disclosure_commands",)}),
)

"""The member's page for taking credentials into a wallet app (OpenID4VCI credential offers,
shown as QR codes) and the node's page asking a wallet for a presentation (OpenID4VP)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from commonweal.node.kernel.service import Node
from commonweal.node.services.openid4vci import CONFIGURATIONS, Issuer, offer_uri
from commonweal.web.qr import qr_svg
from commonweal.web.rendering import page_router, render, signed_in


def router(node: Node) -> APIRouter:
    """``GET /me/credentials/wallet``."""
    pages = page_router()
    issuer = Issuer(node)

    @pages.get("/me/credentials/wallet", response_class=HTMLResponse)
    def wallet_offers(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "take your credentials into a wallet app")
        offers = []
        for config_id in CONFIGURATIONS:
            uri = offer_uri(issuer.offer(me["did"], [config_id]))
            offers.append(
                {
                    "id": config_id,
                    "uri": uri,
                    "qr": qr_svg(uri, "Credential offer"),
                    "selective": config_id.endswith("_sd"),
                }
            )
        return render(request, node, "wallet.html", {"offers": offers}, me=me)

    return pages

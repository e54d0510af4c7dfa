"""The member's page for taking credentials into a wallet app (OpenID4VCI credential offers,
shown as QR codes) and signing in with a wallet app (an OpenID4VP request as a QR code;
the page polls for the outcome, which opens the session)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from commonweal.node.kernel.service import Node
from commonweal.node.services.openid4vci import CONFIGURATIONS, Issuer, offer_uri
from commonweal.node.services.openid4vp import Verifier
from commonweal.web.qr import qr_svg
from commonweal.web.rendering import page_router, render, signed_in, viewer


def router(node: Node) -> APIRouter:
    """``GET /me/credentials/wallet`` and ``GET /sign-in/wallet``."""
    pages = page_router()
    issuer, verifier = Issuer(node), Verifier(node)

    @pages.get("/sign-in/wallet", response_class=HTMLResponse)
    def sign_in_with_a_wallet(request: Request) -> HTMLResponse:
        started = verifier.create("sign_in", by_reference=True)
        uri = started["authorization_request"]
        context = {
            "started": started,
            "uri": uri,
            "qr": qr_svg(uri, "Sign-in request"),
            "signed_in_as": (viewer(request, node) or {}).get("did"),
        }
        return render(request, node, "wallet-sign-in.html", context)

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

"""The community's credentials in the browser: what a member holds, and what they may
request, issue and endorse (``/me/community-credentials``).

Requesting and issuing commit to the claims in the page (a salted commitment, as an
application's profile) and sign the event with the member's key in the browser
(``static/js/community-credentials.js``); endorsing is a plain signed form.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from commonweal.domain.credentials.kinds import PASSPORT
from commonweal.domain.credentials.records import defined_kinds
from commonweal.domain.membership.records import MEMBERS
from commonweal.node.kernel.service import Node
from commonweal.node.services import community_credentials as community
from commonweal.web.rendering import page_router, render, signed_in


def router(node: Node) -> APIRouter:
    """The member's community credentials page."""
    pages = page_router()

    @pages.get("/me/community-credentials", response_class=HTMLResponse)
    def my_community_credentials(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "see your community credentials")
        return render(
            request, node, "community-credentials.html", page_context(node, me["did"]), me=me
        )

    return pages


def page_context(node: Node, did: str) -> dict[str, Any]:
    """What the page shows ``did``: their credentials, the kinds, the requests they may
    endorse, and the kinds they may issue or request."""
    with node.reading() as state:
        kinds = defined_kinds(state)
        record = state.get(MEMBERS, did) or {}
    roles = set(record.get("roles", []))
    held = []
    for row in community.issued_rows(node, did):
        vc = community.credential(node, row)
        held.append(
            {
                "row": row,
                "title": kinds.get(row["kind"], {}).get("title", row["kind"]),
                "credential": vc,
            }
        )
    issuable = {
        name: rules
        for name, rules in kinds.items()
        if name != PASSPORT
        and isinstance(rules["issuers"], dict)
        and rules["issuers"].get("role") in roles
    }
    requestable = {
        name: rules
        for name, rules in kinds.items()
        if rules["issuers"] == "vote"
        or (isinstance(rules["issuers"], dict) and "endorsements" in rules["issuers"])
    }
    to_endorse = [
        {
            **row,
            "title": kinds.get(row["kind"], {}).get("title", row["kind"]),
            "needed": kinds.get(row["kind"], {}).get("issuers", {}).get("endorsements"),
        }
        for row in community.requests(node)
        if row["subject"] != did
        and did not in row["endorsers"]
        and isinstance(kinds.get(row["kind"], {}).get("issuers"), dict)
        and "endorsements" in kinds[row["kind"]]["issuers"]
    ]
    revocable = [
        {**row, "title": kinds[row["kind"]]["title"]}
        for row in community.issued_rows(node)
        if row["kind"] in issuable and row["revocable"] and row["revoked"] is None
    ]
    return {
        "held": held,
        "revocable": revocable,
        "kinds": kinds,
        "issuable": issuable,
        "requestable": requestable,
        "to_endorse": to_endorse,
        "fields": {name: _fields(rules) for name, rules in kinds.items()},
    }


def _fields(rules: dict[str, Any]) -> list[dict[str, Any]]:
    """A form field per top-level claim: text, a whole number, or JSON for the rest."""
    claims = rules.get("claims", {"properties": {}})  # an open kind has no form
    required = set(claims.get("required", []))
    fields = []
    for name, schema in claims["properties"].items():
        kind = schema.get("type")
        fields.append(
            {
                "name": name,
                "label": schema.get("title") or name,
                "input": {"string": "text", "integer": "int", "number": "number"}.get(kind, "json"),
                "required": name in required,
            }
        )
    return fields

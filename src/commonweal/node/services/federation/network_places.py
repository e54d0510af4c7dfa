"""The network's places: this node's own, and every recognised node's, as last fetched.

The federation's sync round asks each recognised node for ``GET /v1/places`` (a plain
read, no signature needed) and keeps the answer in memory (``Federation.peer_places``),
checked member by member with the same coordinate reader the rules use, so a peer
cannot put a marker off the map or a float on the page. Pages and ``/v1/network/places``
read only what is kept: a slow or unreachable peer never delays a page, it is shown
with the time of its last answer (or its error).
"""

from __future__ import annotations

from typing import Any

from commonweal.core import strict_json
from commonweal.domain.errors import InvalidBody
from commonweal.domain.places.location import parse_location
from commonweal.domain.places.records import KINDS, TENURES
from commonweal.node.kernel import queries
from commonweal.node.services import places
from commonweal.node.services.federation.peer_client import PeerError
from commonweal.node.services.federation.service import Federation

MAX_PEER_PLACES = 2_000
"""At most this many places are kept from one peer."""
MAX_TEXT = 200
MAX_BYTES = 4 * 1024 * 1024
"""A listing larger than this is refused (2,000 places take well under 1 MiB)."""


def refresh(federation: Federation, peer: dict[str, Any]) -> int:
    """Fetch ``peer``'s places and keep them; the number kept.

    A failure is kept too (its message), beside the last good answer, and raised as
    :class:`PeerError` so the sync round reports it.
    """
    kept = federation.peer_places.get(peer["node"], {"places": [], "fetched_at": None})
    try:
        answer = federation.client(peer["url"], signed=False).get_ok("/v1/places")
        if len(answer.content) > MAX_BYTES:
            raise ValueError(f"the listing is over {MAX_BYTES:,} bytes")
        found = _checked(strict_json.loads(answer.content))
    except (PeerError, ValueError, InvalidBody) as error:
        federation.peer_places[peer["node"]] = {**kept, "error": str(error)[:300]}
        raise PeerError(f"places of {peer['url']}: {error}") from None
    federation.peer_places[peer["node"]] = {
        "places": found,
        "fetched_at": federation.stamp(),
        "error": None,
    }
    return len(found)


def _checked(document: Any) -> list[dict[str, Any]]:
    """A peer's listing, every place reduced to what the map and the list show."""
    if not isinstance(document, dict) or not isinstance(document.get("places"), list):
        raise ValueError("the answer is not a places listing")
    found = []
    for item in document["places"][:MAX_PEER_PLACES]:
        if not isinstance(item, dict):
            raise ValueError("a place is not an object")
        capacity: dict[str, Any] = (
            item["capacity"] if isinstance(item.get("capacity"), dict) else {}
        )
        found.append(
            {
                "id": _count(item.get("id")),
                "name": str(item.get("name", ""))[:MAX_TEXT],
                "kind": item["kind"] if item.get("kind") in KINDS else "other",
                "location": parse_location(item.get("location")).as_body(),
                "area_m2": _count(item.get("area_m2")),
                "capacity": {k: _count(capacity.get(k, 0)) for k in ("beds", "seats")},
                "tenure": item["tenure"] if item.get("tenure") in TENURES else "shared",
                "since": str(item.get("since", ""))[:10],
            }
        )
    return found


def _count(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise ValueError(f"{value!r} is not a count")
    return value


def network_places(federation: Federation) -> dict[str, Any]:
    """This node's places and each recognised node's, as kept: never a request to a peer."""
    node = federation.node
    name = queries.profile(node).get("name", "")
    nodes: list[dict[str, Any]] = [
        {
            "node": node.identity.did,
            "name": name,
            "url": "",
            "here": True,
            "places": places.places(node),
            "fetched_at": None,
            "error": None,
        }
    ]
    for peer in sorted(federation.recognitions(), key=lambda p: p["name"] or p["url"]):
        kept = federation.peer_places.get(peer["node"], {})
        nodes.append(
            {
                "node": peer["node"],
                "name": peer["name"] or peer["url"],
                "url": peer["url"],
                "here": False,
                "places": kept.get("places", []),
                "fetched_at": kept.get("fetched_at"),
                "error": kept.get("error"),
            }
        )
    return {
        "nodes": nodes,
        "places": sum(len(n["places"]) for n in nodes),
        "area_m2": sum(p["area_m2"] for n in nodes for p in n["places"]),
        "beds": sum(p["capacity"]["beds"] for n in nodes for p in n["places"]),
        "seats": sum(p["capacity"]["seats"] for n in nodes for p in n["places"]),
    }

"""What the campaign pages show, gathered from the campaign reads (``node.campaigns``).

Each campaign with its progress towards the goal (money, or people for a
threshold pledge), every pledger by the name they show (a pledge is a signed,
public event), what the viewer may do, and once it closed, who was charged, who
was refunded, and the bonus a failed dominant assurance contract paid.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.campaigns.events import CANCELLED_EVENT, PLEDGE_WITHDRAWN, PLEDGED
from commonweal.domain.campaigns.records import (
    ALL_OR_NOTHING,
    DOMINANT_ASSURANCE,
    HELD,
    OPEN,
    THRESHOLD,
    closes_at,
)
from commonweal.domain.timestamps import reached
from commonweal.node.kernel.dry_run import Verdict, ask_each
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import said
from commonweal.node.read_models.amounts import declared_units, percent
from commonweal.node.read_models.names import Names
from commonweal.node.services import campaigns
from commonweal.node.services.aid import now
from commonweal.node.services.federation import campaign_counts
from commonweal.node.services.federation.service import Federation

KIND_WORDS = {
    ALL_OR_NOTHING: said._("all or nothing"),
    DOMINANT_ASSURANCE: said._("dominant assurance contract"),
    THRESHOLD: said._("threshold pledge"),
}
STATUS_WORDS = {
    "open": said.pgettext("campaign", "open for pledges"),
    "succeeded": said.pgettext("campaign", "succeeded"),
    "failed": said.pgettext("campaign", "did not reach its goal"),
    "cancelled": said.pgettext("campaign", "cancelled"),
}
PLEDGE_WORDS = {
    "held": said.pgettext("pledge", "pledged"),
    "withdrawn": said.pgettext("pledge", "withdrawn"),
    "collected": said.pgettext("pledge", "charged"),
    "refunded": said.pgettext("pledge", "refunded"),
    "binding": said.pgettext("pledge", "committed"),
    "released": said.pgettext("pledge", "released"),
}


CARRIED_WORDS = {
    "open": said.pgettext("campaign", "open for pledges here"),
    "closed": said.pgettext("campaign", "closed here; waiting for the home node's outcome"),
    "settled": said.pgettext("campaign", "settled"),
}


def listing(
    node: Node, *, status: str | None = None, federation: Federation | None = None
) -> dict[str, Any]:
    """Every campaign (open ones first, then newest first) with its progress, and the
    other nodes' network campaigns this node carries (with their count across the
    network as this node knows it, given ``federation``)."""
    names = Names(node)
    found = [_progress(names, c) for c in campaigns.campaigns(node, status=status)]
    found.sort(key=lambda c: (c["status"] != OPEN, -int(c["id"])))
    carried = [
        {
            **c,
            "status_words": CARRIED_WORDS.get(c["status"], c["status"]),
            "network": _network_count(federation, c),
        }
        for c in campaigns.carried_campaigns(node)
        if status is None or (status == OPEN and c["status"] == OPEN)
    ]
    return {"campaigns": found, "carried": carried, "units": declared_units(node)}


def _network_count(federation: Federation | None, copy: dict[str, Any]) -> dict[str, Any] | None:
    """A carried campaign's count across the network as this node knows it, with its
    progress towards the threshold (``campaign_counts``)."""
    found = None if federation is None else campaign_counts.network_count(federation, copy)
    if found is None or "people" not in found:
        return found
    return {**found, "percent": percent(found["so_far"], found["threshold"])}


def carried_page(
    node: Node, federation: Federation, home: str, campaign_id: int, viewer: str | None
) -> dict[str, Any]:
    """Another node's network campaign as this node carries it: its terms, where it is at
    home, its count across the network as this node knows it, the pledges made here, and
    what ``viewer`` may do."""
    names = Names(node)
    view = campaigns.carried_view(node, home, campaign_id)
    pledges = [
        {
            **row,
            "name": names(row["pledger"]),
            "status_words": PLEDGE_WORDS.get(row["status"], row["status"]),
        }
        for row in view["pledges"]
    ]
    pledges.sort(key=lambda row: (row["status"] != HELD, row["first_at"]))
    mine = next((row for row in pledges if row["pledger"] == viewer), None)
    taking = (
        view["status"] == OPEN
        and view["home_recognized"]
        and not reached(now(node), view["deadline"])
    )
    return {
        "copy": {**view, "status_words": CARRIED_WORDS.get(view["status"], view["status"])},
        "network": _network_count(federation, view),
        "pledges": pledges,
        "standing": [row for row in pledges if row["status"] == HELD],
        "mine": mine,
        "taking_pledges": taking,
        **_ask(
            node,
            viewer,
            {
                "may_pledge": (PLEDGED, {"campaign": campaign_id, "home": home}),
                "may_withdraw": (PLEDGE_WITHDRAWN, {"campaign": campaign_id, "home": home}),
            },
        ),
        "now": now(node),
    }


def network_counts(node: Node, record: dict[str, Any]) -> dict[str, Any] | None:
    """A network campaign's count across nodes: here, and each other node's — its final
    report (counted), or before that what it said so far (shown, not counted); and the
    people the pledges come to, each counted once however many nodes they pledged at."""
    if not record.get("network"):
        return None
    homes = {r["node"]: r for r in campaigns.recognitions(node)}
    progress = record.get("progress", {})
    nodes = []
    for did in sorted(set(record["remote"]) | set(progress)):
        final = did in record["remote"]
        source = record["reports"].get(did, {}) if final else progress[did]
        nodes.append(
            {
                "did": did,
                "name": homes.get(did, {}).get("name") or did,
                "url": homes.get(did, {}).get("url"),
                "pledgers": record["remote"][did] if final else progress[did]["pledgers"],
                "final": final,
                "index": source.get("index"),
            }
        )
    counted = record["pledgers"] + sum(n["pledgers"] for n in nodes if n["final"])
    people = record.get("people", counted)
    return {
        "here": record["pledgers"],
        "nodes": nodes,
        "counted": counted,
        "people": people,
        "duplicates": counted - people,
        "so_far": people + sum(n["pledgers"] for n in nodes if not n["final"]),
        "interim": any(not n["final"] for n in nodes),
        "reports_until": closes_at(record),
    }


def campaign_page(node: Node, campaign_id: int, viewer: str | None) -> dict[str, Any]:
    """One campaign for ``viewer`` (a DID, or None): progress, pledgers, what the viewer
    may do, and what the close moved (or would move on each outcome)."""
    names = Names(node)
    view = campaigns.campaign_view(node, campaign_id)
    campaign = _progress(names, view)
    pledges = [
        {
            **row,
            "name": names(row["pledger"]),
            "status_words": PLEDGE_WORDS.get(row["status"], row["status"]),
            # what this pledge comes to now: held, charged or refunded (or all withdrawn)
            "amount": row["pledged"] - row["withdrawn"] or row["withdrawn"],
        }
        for row in view["pledges"]
    ]
    pledges.sort(key=lambda row: (row["status"] != HELD, row["first_at"]))
    mine = next((row for row in pledges if row["pledger"] == viewer), None)
    taking = campaign["status"] == OPEN and not reached(now(node), campaign["deadline"])
    standing = mine is not None and mine["status"] == HELD
    ref = {"campaign": campaign_id}
    with node.dry_run() as rules:
        verdicts = ask_each(
            rules,
            viewer,
            {
                "may_pledge": (PLEDGED, {**ref, "home": campaign["home"], **_smallest(campaign)}),
                "may_withdraw": (PLEDGE_WITHDRAWN, ref),
                "may_cancel": (CANCELLED_EVENT, ref),
            },
        )
    actions = {name: verdict.ok for name, verdict in verdicts.items()}
    refusal = verdicts["may_pledge"]
    return {
        "campaign": campaign,
        "network": network_counts(node, view),
        "pledges": pledges,
        "standing": [row for row in pledges if row["status"] == HELD],
        "mine": mine,
        "taking_pledges": taking,
        **actions,
        "pledge_refusal": None
        if refusal.ok or standing or refusal.code == "signed_out"
        else _pledge_refusal_words(refusal, campaign["unit"]),
        # the pledge form's words: adding to a standing pledge, which only this kind allows
        "may_add": actions["may_pledge"] and standing and campaign["kind"] == ALL_OR_NOTHING,
        "owed": view["owed"],
        "postings": _postings_in_words(names, campaigns.postings(node, campaign_id)),
        "closing": _closing(campaign, pledges),
        "units": declared_units(node),
        "now": now(node),
    }


def _ask(
    node: Node, viewer: str | None, actions: dict[str, tuple[str, dict[str, Any]]]
) -> dict[str, bool]:
    """Whether the node would accept each action's event from ``viewer`` now."""
    with node.dry_run() as rules:
        return {name: v.ok for name, v in ask_each(rules, viewer, actions).items()}


def _pledge_refusal_words(refusal: Verdict, unit: str | None) -> str:
    """Why the viewer cannot pledge, as the rule said it (their account named as theirs)."""
    if refusal.code == "insufficient_funds":
        return said._(
            "Your account on this node holds too little %(unit)s to pledge from.", unit=unit
        )
    return said.refusal_sentence(refusal.template or refusal.detail, refusal.params)


def _smallest(campaign: dict[str, Any]) -> dict[str, int]:
    """The amount of the smallest pledge the form may send: none to a threshold pledge
    (a pledge to act), the price to a dominant assurance contract, else one minor unit."""
    if campaign["kind"] == THRESHOLD:
        return {}
    return {"amount": campaign["price"] if campaign["kind"] == DOMINANT_ASSURANCE else 1}


def _progress(names: Names, record: dict[str, Any]) -> dict[str, Any]:
    """A campaign summary with its progress towards the goal, in percent."""
    if record["kind"] == THRESHOLD:
        counted = record.get("people", record["pledgers"] + sum(record["remote"].values()))
        # A network campaign's headline is the count across the network: the final
        # reports, and the other nodes' latest counts while they have not reported yet.
        interim = record.get("progress", {}) if record.get("network") else {}
        counted += sum(p["pledgers"] for did, p in interim.items() if did not in record["remote"])
        done, whole = counted, record["threshold"]
    else:
        done, whole = record["total"], record["goal"]
    beneficiary = record["beneficiary"]
    return {
        **record,
        "kind_words": KIND_WORDS.get(record["kind"], record["kind"]),
        "status_words": STATUS_WORDS.get(record["status"], record["status"]),
        "author_name": names(record["author"]),
        "beneficiary_name": None if beneficiary == record["home"] else names(beneficiary),
        "for_treasury": beneficiary == record["home"],
        "progress": {"done": done, "whole": whole, "percent": percent(done, whole)},
    }


def _closing(campaign: dict[str, Any], pledges: list[dict[str, Any]]) -> dict[str, Any] | None:
    """After the close: who was charged, refunded, paid a bonus, or committed to act."""
    if campaign["status"] == OPEN:
        return None
    return {
        "charged": [row for row in pledges if row["collected"]],
        "refunded": [row for row in pledges if row["refunded"]],
        "bonuses": [row for row in pledges if row["bonus"]],
        "bonus_total": sum(row["bonus"] for row in pledges),
        "committed": [row for row in pledges if row["status"] == "binding"],
        "released": [row for row in pledges if row["status"] == "released"],
    }


def _postings_in_words(names: Names, postings: dict[str, Any]) -> dict[str, Any]:
    """The campaign's postings with each account named in words."""

    def words(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {**p, "from": names.account(p["source"]), "to": names.account(p["destination"])}
            for p in found
        ]

    return {
        key: words(value) if isinstance(value, list) else value for key, value in postings.items()
    }

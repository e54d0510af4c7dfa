"""What the funding pages show, gathered from the round and pool reads (``node.rounds``).

A quadratic-funding round with its projects, who gave what, and the matching
the node would log if the round closed now — under the round's own method and,
for comparison, under the others (recomputed by the domain's own rule, so the
preview is the close to the unit). A conviction pool with each proposal's
conviction against its threshold, their history (``funding_conviction``), and
the viewer's stake.
"""

from __future__ import annotations

from typing import Any

from commonweal.domain.funding.closing import result_of
from commonweal.domain.funding.records import CAPPED, OPEN, PAIRWISE, PLAIN, ROUNDS, aggregated
from commonweal.domain.timestamps import reached
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import said
from commonweal.node.read_models.amounts import declared_units, percent
from commonweal.node.read_models.funding_conviction import history
from commonweal.node.read_models.names import Names
from commonweal.node.services import funding as rounds
from commonweal.node.services.aid import now

METHOD_WORDS = {
    PLAIN: said._("plain quadratic funding"),
    CAPPED: said._("quadratic funding, capped per project"),
    PAIRWISE: said._("pairwise-bounded quadratic funding"),
}
PROPOSAL_WORDS = {
    "open": said.pgettext("funding request", "gathering conviction"),
    "executed": said.pgettext("funding request", "paid"),
    "withdrawn": said.pgettext("funding request", "withdrawn"),
}


def listing(node: Node) -> dict[str, Any]:
    """Every round and pool, open ones first, with what each has gathered."""
    names = Names(node)
    found = []
    for record in rounds.rounds(node):
        found.append(
            {
                **record,
                "author_name": names(record["author"]),
                "method_words": METHOD_WORDS.get(record.get("method", ""), ""),
            }
        )
    found.sort(key=lambda r: (r["status"] != OPEN, -int(r["id"])))
    return {"rounds": found, "units": declared_units(node)}


def round_page(node: Node, round_id: int, viewer: str | None) -> dict[str, Any]:
    """A round or a pool, for ``viewer`` (a DID, or None)."""
    view = rounds.round_view(node, round_id)
    names = Names(node)
    page: dict[str, Any] = {
        "units": declared_units(node),
        "now": now(node),
        "author_name": names(view["author"]),
    }
    if view["kind"] == "quadratic":
        return {**page, **_quadratic(node, names, view, viewer)}
    return {**page, **_conviction(node, names, view, viewer)}


def _quadratic(
    node: Node, names: Names, view: dict[str, Any], viewer: str | None
) -> dict[str, Any]:
    matched = view["result"]["matched"]
    projects = []
    for project in view["projects"]:
        givers = sorted(project["contributions"].items(), key=lambda item: (-item[1], item[0]))
        projects.append(
            {
                **project,
                "author_name": names(project["author"]),
                "beneficiary_name": names(project["beneficiary"]),
                "givers": [{"did": d, "name": names(d), "amount": a} for d, a in givers],
                "share": percent(project["match"], matched),
                "mine": project["contributions"].get(viewer, 0) if viewer else 0,
                "own": viewer in (project["author"], project["beneficiary"]),
            }
        )
    taking = view["status"] == OPEN and not reached(now(node), view["closes"])
    return {
        "round": {**view, "method_words": METHOD_WORDS[view["method"]]},
        "projects": projects,
        "contributors": len({d for p in projects for d in p["contributions"]}),
        "comparison": compare_methods(node, view["id"]),
        "taking_part": taking,
        "given": sum(p["mine"] for p in projects),
    }


def compare_methods(node: Node, round_id: int) -> list[dict[str, Any]]:
    """The round's matches now under each method: its own first, then the others.

    The others use the round's own cap and pairwise parameter if it has them; else a
    cap of half the pool, and for pairwise M = the average contribution (a pair who
    co-fund about that much count for about half).
    """
    with node.reading() as state:
        record = state.get(ROUNDS, round_id)
        if record is None:
            raise Rejected("not_found", "there is no round %(round_id)s", round_id=round_id)
        totals = aggregated(state, record)
        gifts = [a for amounts in totals.values() for a in amounts.values()]
        cap = record["cap"] or max(record["pool"] // 2, 1)
        m = record["m"] or max(sum(gifts) // max(len(gifts), 1), 1)
        variants = {
            PLAIN: {**record, "method": PLAIN, "cap": None, "m": None},
            CAPPED: {**record, "method": CAPPED, "cap": cap, "m": None},
            PAIRWISE: {**record, "method": PAIRWISE, "cap": None, "m": m},
        }
        order = [record["method"], *(k for k in variants if k != record["method"])]
        found = []
        for method in order:
            variant = record if method == record["method"] else variants[method]
            result = record["result"] if method == record["method"] and record["result"] else None
            found.append(
                {
                    "method": method,
                    "words": METHOD_WORDS[method],
                    "own": method == record["method"],
                    "cap": variant["cap"],
                    "m": variant["m"],
                    "result": result or result_of(state, variant),
                }
            )
    return found


def _conviction(
    node: Node, names: Names, view: dict[str, Any], viewer: str | None
) -> dict[str, Any]:
    curves = history(node, view["id"])
    mine = rounds.stakes(node, view["id"], viewer) if viewer else None
    proposals = []
    for proposal in view["proposals"]:
        key = str(proposal["id"])
        threshold = proposal["threshold"]
        curve = curves.get(key, {"points": [], "ahead": []})
        proposals.append(
            {
                **proposal,
                "author_name": names(proposal["author"]),
                "beneficiary_name": names(proposal["beneficiary"]),
                "status_words": PROPOSAL_WORDS.get(proposal["status"], proposal["status"]),
                "backers": [
                    {"did": d, "name": names(d), "points": p}
                    for d, p in sorted(proposal["stakes"].items(), key=lambda i: (-i[1], i[0]))
                ],
                "progress": percent(proposal["conviction"], threshold) if threshold else 0,
                "curve": curve,
                "table": _some(curve["points"], 8),
                "my_stake": (mine or {"on": {}})["on"].get(key, 0),
                "share_of_funds": percent(proposal["amount"], view["funds"]),
                "passes_in": _passes_in(proposal, view["period_seconds"]),
            }
        )
    return {
        "pool": view,
        "proposals": proposals,
        "stake": mine,
        "max_share": view["max_ratio"] * 100 // 10**7,
        "period_words": period_words(view["period_seconds"]),
    }


def period_words(seconds: int) -> str:
    """A pool's period in words: ``hour``, ``day``, ``6 hours``, ``90 seconds``."""
    if seconds % 86400 == 0:
        return said.ngettext("day", "%(num)d days", seconds // 86400)
    if seconds % 3600 == 0:
        return said.ngettext("hour", "%(num)d hours", seconds // 3600)
    if seconds % 60 == 0:
        return said.ngettext("minute", "%(num)d minutes", seconds // 60)
    return said.ngettext("%(num)d second", "%(num)d seconds", seconds)


def _passes_in(proposal: dict[str, Any], period_seconds: int) -> str | None:
    """When an open proposal passes at its present stake, in words (None: it will not)."""
    periods = proposal.get("passes_in_periods")
    if proposal["status"] != OPEN or periods is None:
        return None
    if periods == 0:
        return said._("now: the node pays it within moments")
    return said._("in about %(time)s", time=duration_words(periods * period_seconds))


def duration_words(seconds: int) -> str:
    """A duration, roughly: ``3 days``, ``5 hours``, ``40 minutes``."""

    def rounded(size: int) -> int:
        return (seconds + size // 2) // size

    if seconds >= 86400:
        return said.ngettext("%(num)d day", "%(num)d days", rounded(86400))
    if seconds >= 3600:
        return said.ngettext("%(num)d hour", "%(num)d hours", rounded(3600))
    if seconds >= 60:
        return said.ngettext("%(num)d minute", "%(num)d minutes", rounded(60))
    return said.ngettext("%(num)d second", "%(num)d seconds", seconds)


def _some(points: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """About ``count`` of ``points``, evenly spread, always with the last."""
    if len(points) <= count:
        return points
    step = len(points) // count
    chosen = points[::step]
    return chosen if chosen[-1] is points[-1] else [*chosen, points[-1]]

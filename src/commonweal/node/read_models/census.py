"""What the census page shows: this node's censuses over time, and the network's."""

from __future__ import annotations

from typing import Any

from commonweal.core.language import N_, _
from commonweal.node.kernel.service import Node
from commonweal.node.services import census, census_network

SERIES = (
    ("population", N_("Members in good standing"), "members"),
    ("activity", N_("Members who acted in the epoch"), "active"),
    ("gatherings", N_("Attendance at gatherings"), "attendance"),
    ("footprint", N_("Places held"), "places"),
)
"""(key, title, figure) of each chart over time; funds get one chart per unit. The titles
are said in the language being spoken (a page's reader's)."""


def series(censuses: list[dict[str, Any]], label: str = "epoch") -> list[dict[str, Any]]:
    """The charts over time of ``censuses``: each ``{"key", "title", "points": [(label, n)]}``."""
    charts = []
    for key, title, figure in SERIES:
        points = [(_label(c, label), int(c["figures"][figure])) for c in censuses]
        charts.append({"key": key, "title": _(title), "points": points})
    units = sorted({unit for c in censuses for unit in c["figures"]["funds"]})
    for unit in units:
        points = [(_label(c, label), int(c["figures"]["funds"].get(unit, 0))) for c in censuses]
        charts.append(
            {
                "key": f"funds-{unit}",
                "title": _("Pooled funds (%(unit)s, minor units)", unit=unit),
                "points": points,
            }
        )
    return charts


def _label(record: dict[str, Any], label: str) -> str:
    return f"{record[label]} · {record['at'][5:10]}"


def census_page(node: Node) -> dict[str, Any]:
    """This node's censuses (newest first for the table), charts, and the network census."""
    history = census.history(node)
    counts = census_network.history(node)
    network = [{"count": c["count"], "at": c["at"], "figures": c["totals"]} for c in counts]
    return {
        "censuses": list(reversed(history)),
        "latest": history[-1] if history else None,
        "pending": census.pending(node),
        "every_seconds": census.rhythm(node),
        "charts": series(history),
        "network": counts[-1] if counts else None,
        "network_charts": series(network, label="count") if network else [],
    }

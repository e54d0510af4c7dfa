"""What a sanction's page shows: the breach, the rung of the ladder, its appeal and
decision, and what the viewer may do with it; and whether the assembly takes commons
proposals (rules changes, appeals and referrals go to it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.core.language import N_
from commonweal.core.rfc3339 import parse_utc
from commonweal.domain.commons.access import REFERRED
from commonweal.domain.commons.records import RESOURCES, SANCTIONS
from commonweal.domain.commons.sanctions import APPEAL_DECIDED, APPEAL_FILED
from commonweal.domain.membership.records import ACTIVE, MEMBERS
from commonweal.domain.state import State
from commonweal.domain.timestamps import later, utc_stamp
from commonweal.node.kernel.dry_run import DryRun, ask_each
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models.commons_parts import DAY, names_of, now_stamp
from commonweal.node.read_models.commons_words import STATUS_WORDS, step_words
from commonweal.node.services import governance

# -- sanctions ------------------------------------------------------------------------------


def sanction_page(node: Node, sanction_id: int, viewer: str | None) -> dict[str, Any]:
    """A sanction: the breach, the rung of the ladder, its appeal and decision, and what the
    viewer may do (appeal it, decide it, or put it to the assembly)."""
    now = now_stamp(node)
    with node.dry_run() as rules:
        state = rules.state
        record = state.get(SANCTIONS, sanction_id)
        if record is None:
            raise Rejected(
                "not_found", "there is no sanction %(sanction_id)s", sanction_id=sanction_id
            )
        record = dict(record)
        resource = dict(state.get(RESOURCES, record["resource"]))
        active = viewer is not None and is_active(state, viewer)
        line = sanction_line(rules, record, resource, now, viewer)
    names = names_of(node, [record["member"], record["reported_by"], *_decider(record)])
    return {
        "sanction": line,
        "resource": resource,
        "names": names,
        "proposing": proposing(node) if active else {"may_propose": False, "topic": ""},
    }


def _decider(record: Mapping[str, Any]) -> list[str]:
    return [record["decision"]["by"]] if record["decision"] else []


def is_active(state: State, did: str) -> bool:
    record = state.get(MEMBERS, did)
    return bool(record and record["status"] == ACTIVE)


def sanction_line(
    rules: DryRun,
    record: Mapping[str, Any],
    resource: Mapping[str, Any],
    now: str,
    viewer: str | None,
) -> dict[str, Any]:
    """A sanction with its words, the appeal's deadline, and the viewer's part in it: whether
    they may appeal it or decide its appeal, each asked of the rules (grounds and a reason
    stand in for what the viewer will write), and why an unfit steward may not decide."""
    appeals = resource["rules"]["appeals"]
    deadline = later(record["at"], appeals["days"] * DAY)
    open_appeal = record["appeal"] is not None and record["decision"] is None
    ref = {"sanction": record["id"]}
    verdicts = ask_each(
        rules,
        viewer,
        {
            "appeal": (APPEAL_FILED, {**ref, "grounds": "?"}),
            "decide": (APPEAL_DECIDED, {**ref, "outcome": "upheld", "reason": "?"}),
        },
    )
    decide_refusal = None
    if verdicts["decide"].code == "not_impartial":
        decide_refusal = N_(
            "You reported this breach or were sanctioned by it, so another steward "
            "decides the appeal."
        )
    ladder = resource["rules"]["sanctions"]["ladder"]
    step = ladder[record["step"]] if record["step"] < len(ladder) else {"kind": record["sanction"]}
    return {
        **record,
        "resource_title": resource["title"],
        "what": step_words(step),
        "status_words": STATUS_WORDS.get(record["status"], record["status"]),
        "appeal_deadline": deadline,
        "appeals_by": appeals["by"],
        "appeal_closed": now >= utc_stamp(parse_utc(deadline)),
        "can_appeal": verdicts["appeal"].ok,
        "can_decide": verdicts["decide"].ok,
        "decide_refusal": decide_refusal,
        "to_assembly": (open_appeal and record["appeal"]["by"] == "proposal")
        or (record["status"] == REFERRED and record["decision"] is None),
        "suspends_now": record["status"] != "overturned"
        and (
            record["status"] == REFERRED
            or (record["until"] is not None and now < utc_stamp(parse_utc(record["until"])))
        ),
    }


def proposing(node: Node) -> dict[str, Any]:
    """Whether the constitution has the ``commons`` kind of proposal (rules changes, appeals
    and referrals go to the assembly through it), and the topic to file them under.

    Not a dry run: the form leads to a proposal whose alternatives and actions the member
    writes, so there is no single event to ask about; the kind is what the page needs."""
    try:
        constitution = governance.constitution(node)["constitution"]
    except Rejected:
        return {"may_propose": False, "topic": "general"}
    return {
        "may_propose": "commons" in constitution["kinds"],
        "topic": "commons" if "commons" in constitution["topics"] else "general",
    }

"""The governance state tables and the small readers every governance rule shares.

A proposal (LiquidFeedback's "issue") has one or more competing alternatives
(LiquidFeedback's "initiatives"); both are numbered by the leaf index of the event
that created them, so an id is unique in the log and anyone can find its origin.
Ballots name options as strings: an alternative's id (``"43"``) or ``"status_quo"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypedDict, cast

from commonweal.domain.errors import Conflict, NotPermitted
from commonweal.domain.fields import record_id
from commonweal.domain.membership.records import ACTIVE, member, require_active_member
from commonweal.domain.registry import Context, require_stage
from commonweal.domain.state import State, existing
from commonweal.domain.timestamps import reached
from commonweal.domain.words import N_, W_, WP_

PROPOSALS = "governance.proposals"
"""proposal id → the proposal: kind, topic, title, phase, times, alternatives, outcome."""
ALTERNATIVES = "governance.alternatives"
"""alternative id → its proposal, author, title, text, actions, version, withdrawn."""
AMENDMENTS = "governance.amendments"
"""amendment id → the alternative it amends, its author, text, and status."""
COMMENTS = "governance.comments"
"""comment id → proposal, alternative, author, stance (for/against), text, reply_to."""
DELEGATIONS = "governance.delegations"
"""truster did → ``{scope: trustee did, or None for an explicit "no delegation"}``."""
POPULATIONS = "governance.populations"
"""member node did → the population it last reported (for double-majority votes)."""
BALLOTS_PREFIX = "governance.ballots."
"""``governance.ballots.<proposal id>``: voter did → their current ballot."""

STATUS_QUO = "status_quo"
DRAFT, DISCUSSION, VOTING, CLOSED, CANCELLED = (
    "draft",
    "discussion",
    "voting",
    "closed",
    "cancelled",
)
OPEN_PHASES = (DRAFT, DISCUSSION, VOTING)
PHASE_WORDS = {
    DRAFT: WP_("proposal phase", "draft"),
    DISCUSSION: WP_("proposal phase", "discussion"),
    VOTING: WP_("proposal phase", "voting"),
    CLOSED: WP_("proposal phase", "closed"),
    CANCELLED: WP_("proposal phase", "cancelled"),
}
"""Each phase's name as a refusal says it, in the reader's language (domain/words.py)."""


class ProposalRow(TypedDict):
    """A row of :data:`PROPOSALS`, as drafted and then moved through its phases."""

    id: int
    kind: str
    topic: str
    title: str
    author: str
    phase: str
    """``draft``, ``discussion``, ``voting``, ``closed`` or ``cancelled``."""
    drafted_at: str
    rules: dict[str, Any] | None
    """The kind's rules in force when it was submitted (None while a draft)."""
    alternatives: list[int]
    discussion_from: str | None
    discussion_until: str | None
    voting_from: str | None
    voting_until: str | None
    closed_at: str | None
    cancelled: dict[str, Any] | None
    outcome: dict[str, Any] | None
    """The tally and the decision, once closed."""
    executions: list[dict[str, Any]]
    """The actions of the winning alternative: each ``pending``, ``done`` or ``failed``."""


def ballots_table(proposal_id: int) -> str:
    """The state table holding one proposal's ballots."""
    return f"{BALLOTS_PREFIX}{proposal_id}"


def proposal(state: State, proposal_id: int) -> ProposalRow:
    """The proposal ``proposal_id``, or ``not_found``."""
    return cast(
        ProposalRow,
        existing(state, PROPOSALS, proposal_id, refusal=N_("there is no proposal %(key)s")),
    )


def alternative(state: State, alternative_id: int) -> dict[str, Any]:
    """The alternative ``alternative_id``, or ``not_found``."""
    return existing(
        state, ALTERNATIVES, alternative_id, refusal=N_("there is no alternative %(key)s")
    )


def live_alternatives(state: State, record: Mapping[str, Any]) -> list[int]:
    """The ids of a proposal's alternatives that were not withdrawn, oldest first."""
    return [a for a in record["alternatives"] if not state.get(ALTERNATIVES, a)["withdrawn"]]


def require_phase(record: Mapping[str, Any], *phases: str, doing: str) -> None:
    """The proposal is in one of ``phases``, or ``wrong_phase`` says where it is."""
    phase = record["phase"]
    said = W_(
        "proposal %(id)s is in its %(phase)s phase",
        id=record["id"],
        phase=PHASE_WORDS.get(phase, phase),
    )
    require_stage(
        phase,
        phases,
        said=said,
        doing=doing,
        code="wrong_phase",
        only="during",
        names=PHASE_WORDS,
    )


def rules_of(record: ProposalRow) -> dict[str, Any]:
    """The rules a submitted proposal is decided under (fixed when it was submitted)."""
    rules = record["rules"]
    if rules is None:
        raise Conflict("proposal %(id)s is still a draft", id=record["id"], code="wrong_phase")
    return rules


def deadline_of(record: ProposalRow, name: Literal["discussion_until", "voting_until"]) -> str:
    """When the proposal's discussion or vote ends (set when that phase opened)."""
    until = record[name]
    if until is None:
        raise Conflict(
            "proposal %(id)s has no %(name)s yet", id=record["id"], name=name, code="wrong_phase"
        )
    return until


def require_deadline_passed(
    ctx: Context,
    record: ProposalRow,
    name: Literal["discussion_until", "voting_until"],
    refusal: str = "",
    **params: object,
) -> None:
    """Refuse with ``too_early`` until the phase's deadline is reached; ``refusal`` says
    why in other words than "discussion of (voting on) proposal N lasts until …" (a template
    ``params`` fill, marked ``N_``)."""
    deadline = deadline_of(record, name)
    if not reached(ctx.received, deadline):
        if refusal:
            raise Conflict(refusal, code="too_early", **params)
        if name == "discussion_until":
            said = N_("discussion of proposal %(id)s lasts until %(deadline)s")
        else:
            said = N_("voting on proposal %(id)s lasts until %(deadline)s")
        raise Conflict(said, id=record["id"], deadline=deadline, code="too_early")


def require_author(record: Mapping[str, Any], ctx: Context, refusal: str) -> None:
    """Only the author of a proposal or alternative may do this; ``refusal`` says so whole
    ("only its author may …", marked ``N_`` so the catalogues hold it)."""
    if record["author"] != ctx.author:
        raise NotPermitted(refusal, code="not_author")


def roles_of(state: State, did: str) -> list[str]:
    """The roles a member in good standing holds (none otherwise)."""
    record = member(state, did)
    if record is None or record["status"] != ACTIVE:
        return []
    roles: list[str] = record.get("roles", [])
    return roles


def in_group(state: State, did: str, who: Any) -> bool:
    """Whether ``did`` is an active member and, if ``who`` names a role, holds it."""
    record = member(state, did)
    if record is None or record["status"] != ACTIVE:
        return False
    return who == "members" or who.get("role") in record.get("roles", [])


def require_in_group(state: State, did: str, who: Any, doing: str) -> None:
    """``in_group`` or a refusal that says which group it takes."""
    require_active_member(state, did, doing)
    if not in_group(state, did, who):
        raise NotPermitted(
            "only holders of the %(role)s role may %(doing)s",
            role=who["role"],
            doing=doing,
            code="forbidden",
        )


parse_id = record_id
"""A body member that must be a proposal, alternative, amendment or comment id."""

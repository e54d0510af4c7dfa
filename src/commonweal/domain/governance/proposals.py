"""Proposals and their deliberation: draft, submit, alternatives, amendments, comments.

A member drafts a proposal of a kind the constitution defines, with its first
alternative (text and actions). While it is a draft only its author works on it;
submitting it starts the discussion phase under the kind's rules *as they are at
that moment* (they are copied into the proposal, so a later amendment of the
constitution never changes a proposal already under way). During discussion
members may add competing alternatives (for methods with several options),
propose amendments to an alternative's text, which its author accepts or rejects,
and comment, marking a comment as an argument for or against. Voting opens and
closes by the node's own events (see ``closing``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.fields import only, optional_text, required_text
from commonweal.domain.governance.actions import ActionCatalog, require_allowed
from commonweal.domain.governance.constitution import (
    SINGLE_OPTION_METHODS,
    current_constitution,
    kind_rules,
)
from commonweal.domain.governance.records import (
    ALTERNATIVES,
    AMENDMENTS,
    CANCELLED,
    COMMENTS,
    DISCUSSION,
    DRAFT,
    PROPOSALS,
    VOTING,
    alternative,
    parse_id,
    proposal,
    require_author,
    require_in_group,
    require_phase,
    rules_of,
)
from commonweal.domain.membership.records import (
    permissions_of,
    require_active_member,
    require_member_or_visitor,
)
from commonweal.domain.registry import Context
from commonweal.domain.state import State, existing
from commonweal.domain.timestamps import later
from commonweal.domain.words import N_, WP_

MAX_TITLE = 200
MAX_TEXT = 20_000
MAX_COMMENT = 5_000
STANCES = ("for", "against")


@dataclass(frozen=True, slots=True)
class Draft:
    """Body of ``governance.proposal.drafted``."""

    kind: str
    topic: str
    title: str
    text: str
    actions: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class NewAlternative:
    """Body of ``governance.alternative.added``."""

    proposal: int
    title: str
    text: str
    actions: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Revision:
    """Body of ``governance.alternative.revised``: what changes (None: unchanged)."""

    alternative: int
    title: str | None
    text: str | None
    actions: list[dict[str, Any]] | None


@dataclass(frozen=True, slots=True)
class Comment:
    """Body of ``governance.comment.posted``."""

    proposal: int
    alternative: int | None
    stance: str | None
    text: str
    reply_to: int | None


def _wording(body: Mapping[str, Any], catalog: ActionCatalog) -> dict[str, Any]:
    """What every alternative states: its title, its text and the actions it would take."""
    return {
        "title": required_text(body, "title", max_length=MAX_TITLE),
        "text": required_text(body, "text", max_length=MAX_TEXT),
        "actions": catalog.parse_list(body.get("actions", [])),
    }


def draft_parser(catalog: ActionCatalog) -> Any:
    """The body parser of ``governance.proposal.drafted``, reading actions with ``catalog``."""

    def parse(body: Mapping[str, Any]) -> Draft:
        only(body, {"kind", "topic", "title", "text", "actions"})
        kind = body.get("kind")
        if not isinstance(kind, str):
            raise InvalidBody("kind must name a kind of proposal from the constitution")
        topic = body.get("topic", "general")
        if not isinstance(topic, str):
            raise InvalidBody("topic must name a topic from the constitution")
        return Draft(kind=kind, topic=topic, **_wording(body, catalog))

    return parse


def alternative_parser(catalog: ActionCatalog) -> Any:
    """The body parser of ``governance.alternative.added``."""

    def parse(body: Mapping[str, Any]) -> NewAlternative:
        only(body, {"proposal", "title", "text", "actions"})
        return NewAlternative(proposal=parse_id(dict(body), "proposal"), **_wording(body, catalog))

    return parse


def revision_parser(catalog: ActionCatalog) -> Any:
    """The body parser of ``governance.alternative.revised``."""

    def parse(body: Mapping[str, Any]) -> Revision:
        only(body, {"alternative", "title", "text", "actions"})
        if set(body) == {"alternative"}:
            raise InvalidBody("a revision changes at least one of title, text, actions")
        return Revision(
            alternative=parse_id(dict(body), "alternative"),
            title=required_text(body, "title", max_length=MAX_TITLE) if "title" in body else None,
            text=required_text(body, "text", max_length=MAX_TEXT) if "text" in body else None,
            actions=catalog.parse_list(body["actions"]) if "actions" in body else None,
        )

    return parse


def parse_proposal_ref(body: Mapping[str, Any]) -> int:
    """``{"proposal": id}``."""
    only(body, {"proposal"})
    return parse_id(dict(body), "proposal")


def parse_alternative_ref(body: Mapping[str, Any]) -> int:
    """``{"alternative": id}``."""
    only(body, {"alternative"})
    return parse_id(dict(body), "alternative")


def parse_cancellation(body: Mapping[str, Any]) -> tuple[int, str]:
    """``{"proposal": id, "reason"?: text}``."""
    only(body, {"proposal", "reason"})
    return parse_id(dict(body), "proposal"), optional_text(body, "reason", max_length=1000)


def parse_amendment(body: Mapping[str, Any]) -> tuple[int, str, str]:
    """``{"alternative": id, "text": the amended text, "note"?: why}``."""
    only(body, {"alternative", "text", "note"})
    return (
        parse_id(dict(body), "alternative"),
        required_text(body, "text", max_length=MAX_TEXT),
        optional_text(body, "note", max_length=2000),
    )


def parse_amendment_ref(body: Mapping[str, Any]) -> tuple[int, str]:
    """``{"amendment": id, "reason"?: text}``."""
    only(body, {"amendment", "reason"})
    return parse_id(dict(body), "amendment"), optional_text(body, "reason", max_length=1000)


def parse_comment(body: Mapping[str, Any]) -> Comment:
    """``{"proposal", "text", "alternative"?, "stance"?: "for"|"against", "reply_to"?}``."""
    only(body, {"proposal", "alternative", "stance", "text", "reply_to"})
    stance = body.get("stance")
    if stance is not None and stance not in STANCES:
        raise InvalidBody('stance must be "for" or "against" (or left out for a plain comment)')
    return Comment(
        proposal=parse_id(dict(body), "proposal"),
        alternative=parse_id(dict(body), "alternative") if "alternative" in body else None,
        stance=stance,
        text=required_text(body, "text", max_length=MAX_COMMENT),
        reply_to=parse_id(dict(body), "reply_to") if "reply_to" in body else None,
    )


# -- rules ------------------------------------------------------------------------------


def apply_draft(state: State, ctx: Context, draft: Draft) -> None:
    """A member allowed to propose this kind drafts a proposal with its first alternative."""
    rules = kind_rules(state, draft.kind)
    topics = current_constitution(state)["topics"]
    if draft.topic not in topics:
        raise InvalidBody(
            "there is no topic %(topic)s: try %(topics)s",
            topic=repr(draft.topic),
            topics=", ".join(topics),
        )
    require_in_group(
        state, ctx.author, rules["proposers"], WP_("to do", "propose a %(kind)s", kind=draft.kind)
    )
    require_allowed(draft.actions, rules["actions"])
    state.put(
        PROPOSALS,
        ctx.index,
        {
            "id": ctx.index,
            "kind": draft.kind,
            "topic": draft.topic,
            "title": draft.title,
            "author": ctx.author,
            "phase": DRAFT,
            "drafted_at": ctx.received,
            "rules": None,
            "alternatives": [ctx.index],
            "discussion_from": None,
            "discussion_until": None,
            "voting_from": None,
            "voting_until": None,
            "closed_at": None,
            "cancelled": None,
            "outcome": None,
            "executions": [],
        },
    )
    _put_alternative(state, ctx, ctx.index, draft.title, draft.text, draft.actions)


def apply_submission(state: State, ctx: Context, proposal_id: int) -> None:
    """The author opens the draft for discussion under the kind's rules in force now."""
    record = proposal(state, proposal_id)
    require_author(record, ctx, N_("only its author may submit a proposal"))
    require_phase(record, DRAFT, doing=WP_("to do", "submit it"))
    require_active_member(state, ctx.author, WP_("to do", "submit a proposal"))
    rules = kind_rules(state, record["kind"])
    for alternative_id in record["alternatives"]:
        require_allowed(state.get(ALTERNATIVES, alternative_id)["actions"], rules["actions"])
    until = later(ctx.received, rules["discussion_seconds"])
    state.put(
        PROPOSALS,
        proposal_id,
        {
            **record,
            "phase": DISCUSSION,
            "rules": rules,
            "discussion_from": ctx.received,
            "discussion_until": until,
        },
    )


def apply_cancellation(state: State, ctx: Context, cancellation: tuple[int, str]) -> None:
    """The author withdraws a proposal before voting; a moderator or the node at any open phase."""
    proposal_id, reason = cancellation
    record = proposal(state, proposal_id)
    moderator = ctx.author == ctx.node_key or "governance.moderate" in permissions_of(
        state, ctx.author
    )
    if moderator:
        require_phase(record, DRAFT, DISCUSSION, VOTING, doing=WP_("to do", "cancel it"))
    else:
        require_author(record, ctx, N_("only its author may withdraw a proposal"))
        require_phase(record, DRAFT, DISCUSSION, doing=WP_("to do", "withdraw it"))
    state.put(
        PROPOSALS,
        proposal_id,
        {**record, "phase": CANCELLED, "cancelled": {"by": ctx.author, "reason": reason}},
    )


def apply_alternative(state: State, ctx: Context, new: NewAlternative) -> None:
    """During discussion, a member of the electorate puts forward a competing alternative.

    Whoever will decide may add an option, as in LiquidFeedback, where any member
    may start a competing initiative (in an election: stand as a candidate).
    """
    record = proposal(state, new.proposal)
    require_phase(record, DISCUSSION, doing=WP_("to do", "add an alternative"))
    rules = rules_of(record)
    if rules["method"] in SINGLE_OPTION_METHODS:
        raise NotPermitted(
            "a %(method)s vote decides one alternative; propose amendments instead",
            method=rules["method"],
            code="single_option",
        )
    require_in_group(
        state, ctx.author, rules["electorate"], WP_("to do", "put forward an alternative")
    )
    require_allowed(new.actions, rules["actions"])
    state.put(
        PROPOSALS, new.proposal, {**record, "alternatives": [*record["alternatives"], ctx.index]}
    )
    _put_alternative(state, ctx, new.proposal, new.title, new.text, new.actions)


def apply_revision(state: State, ctx: Context, revision: Revision) -> None:
    """An alternative's author changes it before voting; its version goes up."""
    current = alternative(state, revision.alternative)
    require_author(current, ctx, N_("only its author may revise an alternative"))
    record = proposal(state, current["proposal"])
    require_phase(record, DRAFT, DISCUSSION, doing=WP_("to do", "revise it"))
    if current["withdrawn"]:
        raise Conflict("this alternative was withdrawn", code="withdrawn")
    if revision.actions is not None:
        require_allowed(
            revision.actions, (record["rules"] or kind_rules(state, record["kind"]))["actions"]
        )
    changed = {
        "title": revision.title if revision.title is not None else current["title"],
        "text": revision.text if revision.text is not None else current["text"],
        "actions": revision.actions if revision.actions is not None else current["actions"],
    }
    state.put(
        ALTERNATIVES,
        revision.alternative,
        {**current, **changed, "version": current["version"] + 1},
    )
    if record["phase"] == DRAFT and revision.alternative == record["id"] and revision.title:
        state.put(PROPOSALS, record["id"], {**record, "title": revision.title})


def apply_withdrawal(state: State, ctx: Context, alternative_id: int) -> None:
    """An alternative's author withdraws it before voting."""
    current = alternative(state, alternative_id)
    require_author(current, ctx, N_("only its author may withdraw an alternative"))
    require_phase(
        proposal(state, current["proposal"]), DRAFT, DISCUSSION, doing=WP_("to do", "withdraw it")
    )
    if current["withdrawn"]:
        raise Conflict("this alternative was already withdrawn", code="withdrawn")
    state.put(ALTERNATIVES, alternative_id, {**current, "withdrawn": True})


def apply_amendment(state: State, ctx: Context, amendment: tuple[int, str, str]) -> None:
    """During discussion, a member proposes a new text for an alternative."""
    alternative_id, text, note = amendment
    current = alternative(state, alternative_id)
    require_phase(
        proposal(state, current["proposal"]), DISCUSSION, doing=WP_("to do", "propose amendments")
    )
    require_active_member(state, ctx.author, WP_("to do", "propose an amendment"))
    if current["withdrawn"]:
        raise Conflict("this alternative was withdrawn", code="withdrawn")
    state.put(
        AMENDMENTS,
        ctx.index,
        {
            "id": ctx.index,
            "alternative": alternative_id,
            "proposal": current["proposal"],
            "author": ctx.author,
            "text": text,
            "note": note,
            "of_version": current["version"],
            "status": "open",
            "reason": "",
            "at": ctx.received,
        },
    )


def apply_amendment_accepted(state: State, ctx: Context, ref: tuple[int, str]) -> None:
    """The alternative's author takes an amendment: its text becomes the alternative's."""
    amendment = _open_amendment(
        state,
        ctx,
        ref[0],
        WP_("to do", "accept an amendment"),
        N_("only its author may accept an amendment"),
    )
    current = alternative(state, amendment["alternative"])
    state.put(
        ALTERNATIVES,
        amendment["alternative"],
        {**current, "text": amendment["text"], "version": current["version"] + 1},
    )
    state.put(AMENDMENTS, ref[0], {**amendment, "status": "accepted", "reason": ref[1]})


def apply_amendment_rejected(state: State, ctx: Context, ref: tuple[int, str]) -> None:
    """The alternative's author declines an amendment, saying why."""
    amendment = _open_amendment(
        state,
        ctx,
        ref[0],
        WP_("to do", "reject an amendment"),
        N_("only its author may reject an amendment"),
    )
    state.put(AMENDMENTS, ref[0], {**amendment, "status": "rejected", "reason": ref[1]})


def apply_comment(state: State, ctx: Context, comment: Comment) -> None:
    """A member comments on an open proposal, or argues for or against an alternative."""
    record = proposal(state, comment.proposal)
    require_phase(record, DRAFT, DISCUSSION, VOTING, doing=WP_("to do", "comment"))
    require_member_or_visitor(state, ctx.author, "comment", WP_("to do", "comment"))
    if comment.alternative is not None and comment.alternative not in record["alternatives"]:
        raise InvalidBody(
            "alternative %(alternative)s is not part of this proposal",
            alternative=comment.alternative,
        )
    if comment.reply_to is not None:
        parent = state.get(COMMENTS, comment.reply_to)
        if parent is None or parent["proposal"] != comment.proposal:
            raise InvalidBody(
                "reply_to %(reply_to)s is not a comment on this proposal", reply_to=comment.reply_to
            )
    state.put(
        COMMENTS,
        ctx.index,
        {
            "id": ctx.index,
            "proposal": comment.proposal,
            "alternative": comment.alternative,
            "author": ctx.author,
            "stance": comment.stance,
            "text": comment.text,
            "reply_to": comment.reply_to,
            "at": ctx.received,
        },
    )


AMENDMENT_STATUS_WORDS = {
    "accepted": WP_("amendment", "accepted"),
    "rejected": WP_("amendment", "rejected"),
}
"""What an amendment that is no longer open became, as a refusal says it."""


def _open_amendment(
    state: State, ctx: Context, amendment_id: int, doing: str, refusal: str
) -> dict[str, Any]:
    amendment: dict[str, Any] = existing(
        state, AMENDMENTS, amendment_id, refusal=N_("there is no amendment %(key)s")
    )
    require_author(alternative(state, amendment["alternative"]), ctx, refusal)
    require_phase(proposal(state, amendment["proposal"]), DISCUSSION, doing=doing)
    if amendment["status"] != "open":
        raise Conflict(
            "this amendment was already %(status)s",
            status=AMENDMENT_STATUS_WORDS.get(amendment["status"], amendment["status"]),
            code="already_decided",
        )
    return amendment


def _put_alternative(
    state: State,
    ctx: Context,
    proposal_id: int,
    title: str,
    text: str,
    actions: list[dict[str, Any]],
) -> None:
    state.put(
        ALTERNATIVES,
        ctx.index,
        {
            "id": ctx.index,
            "proposal": proposal_id,
            "author": ctx.author,
            "title": title,
            "text": text,
            "actions": actions,
            "version": 1,
            "withdrawn": False,
            "added_at": ctx.received,
        },
    )

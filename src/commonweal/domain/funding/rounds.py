"""Quadratic-funding rounds: opening one, entering projects, contributing.

A round has a matching pool, a closing time and a method: ``plain`` QF,
``capped`` (no project matched above ``cap``) or ``pairwise`` (pairwise-bounded
with parameter ``m``). Members enter projects and contribute to others' projects
until the closing time (the node's receipt time decides); the node then closes the
round with the matches (``closing``), recomputed from the contributions by every
verifier.

The pool is real money, moved into the round's escrow account when it opens, and
whatever the matches leave goes back where it came from. A holder of
``funding.rounds`` opens a round with a pool from their own account
(``funding.round.opened``). The node's treasury — the general treasury or one of its
funds — matches only by a decision: the ``funding.round.open`` action of a passed
proposal, so a round never takes the treasury's money on one person's say (the
treasury's rule: money leaves the node or a fund only by an approved expense or a
passed proposal).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.fields import optional_text, required_text
from commonweal.domain.funding import fields, money
from commonweal.domain.funding.postings import money_unit, to_ledger
from commonweal.domain.funding.records import (
    CAPPED,
    METHODS,
    OPEN,
    PAIRWISE,
    PROJECTS,
    ROUNDS,
    contributions_table,
    funding_round,
    project,
)
from commonweal.domain.governance.actions import Action
from commonweal.domain.membership.records import (
    did_member,
    require_active_member,
    require_permission,
)
from commonweal.domain.registry import Context, EventType, require_node_key
from commonweal.domain.state import State
from commonweal.domain.timestamps import later, reached
from commonweal.domain.treasury.accounts import (
    kind_of,
    member_account,
    parse_account,
    require_open,
)
from commonweal.domain.words import N_, WP_

ROUND_OPENED = "funding.round.opened"
PROJECT_ENTERED = "funding.project.entered"
CONTRIBUTED = "funding.contribution.made"
OPEN_ACTION = "funding.round.open"
PERMISSION = "funding.rounds"
MAX_DAYS = 365
LEDGER_KIND = "round"
"""The kind of the ledger entries rounds write."""


@dataclass(frozen=True, slots=True)
class Opening:
    """Body of ``funding.round.opened``."""

    title: str
    description: str
    unit: str
    pool: int
    closes: str
    method: str
    cap: int | None
    m: int | None
    minimum: int
    spend_whole_pool: bool


def parse_opening(body: Mapping[str, Any]) -> Opening:
    """``{"title", "description"?, "unit", "pool", "closes", "method", "cap"?, "m"?,
    "minimum"?, "spend_whole_pool"?}``."""
    method = body.get("method")
    if method not in METHODS:
        raise InvalidBody("method must be one of %(methods)s", methods=", ".join(METHODS))
    extra = {"cap"} if method == CAPPED else {"m"} if method == PAIRWISE else set()
    common = {"title", "description", "unit", "pool", "closes", "method", "minimum"}
    fields.only(
        body, common | extra | {"spend_whole_pool"}, {"title", "unit", "pool", "closes"} | extra
    )
    return Opening(
        title=required_text(body, "title", max_length=200),
        description=optional_text(body, "description", max_length=5000),
        unit=fields.unit(body),
        pool=fields.amount(body, "pool"),
        closes=fields.instant(body, "closes"),
        method=method,
        cap=fields.amount(body, "cap") if method == CAPPED else None,
        m=fields.amount(body, "m") if method == PAIRWISE else None,
        minimum=fields.optional_amount(body, "minimum") or 1,
        spend_whole_pool=fields.flag(body, "spend_whole_pool"),
    )


def apply_opening(state: State, ctx: Context, opening: Opening) -> None:
    """A holder of ``funding.rounds`` opens a round; its matching pool leaves their account."""
    if ctx.author == ctx.node_key:
        raise NotPermitted(
            "the node matches from its treasury only as the action of a passed proposal "
            "(%(action)s)",
            action=OPEN_ACTION,
        )
    require_permission(state, ctx, PERMISSION)
    open_round_from(state, ctx, opening, member_account(ctx.author))


def open_round_from(state: State, ctx: Context, opening: Opening, source: str) -> None:
    """Open a round whose matching pool moves from ``source`` into the round's account."""
    money_unit(state, opening.unit)
    if reached(ctx.received, opening.closes):
        raise Conflict("the closing time has already passed", code="deadline_passed")
    if reached(opening.closes, later(ctx.received, MAX_DAYS * 86400)):
        raise Conflict(
            "a round may run at most %(max_days)s days", max_days=MAX_DAYS, code="deadline_too_far"
        )
    record = {
        "id": ctx.index,
        "title": opening.title,
        "description": opening.description,
        "author": ctx.author,
        "from": source,
        "unit": opening.unit,
        "pool": opening.pool,
        "method": opening.method,
        "cap": opening.cap,
        "m": opening.m,
        "minimum": opening.minimum,
        "spend_whole_pool": opening.spend_whole_pool,
        "opened_at": ctx.received,
        "closes": opening.closes,
        "status": OPEN,
        "projects": [],
        "contributed": 0,
        "result": None,
        "closed_at": None,
    }
    state.put(ROUNDS, ctx.index, record)
    to_ledger(state, ctx, money.opening_postings(record), kind=LEDGER_KIND, ref=ctx.index)


@dataclass(frozen=True, slots=True)
class Entry:
    """Body of ``funding.project.entered``."""

    round: int
    title: str
    description: str
    beneficiary: str | None


def parse_entry(body: Mapping[str, Any]) -> Entry:
    """``{"round", "title", "description"?, "beneficiary"?}``."""
    fields.only(body, {"round", "title", "description", "beneficiary"}, {"round", "title"})
    beneficiary = did_member(dict(body), "beneficiary") if "beneficiary" in body else None
    return Entry(
        fields.ref(body, "round"),
        required_text(body, "title", max_length=200),
        optional_text(body, "description", max_length=5000),
        beneficiary,
    )


def apply_entry(state: State, ctx: Context, entry: Entry) -> None:
    """A member enters a project while the round is open."""
    require_active_member(state, ctx.author, WP_("to do", "enter a project"))
    record = open_round(
        state, ctx, entry.round, N_("round %(round_id)s is closed: you cannot enter a project now")
    )
    beneficiary = entry.beneficiary or ctx.author
    require_active_member(state, beneficiary, WP_("to do", "receive a project's funds"))
    state.put(
        PROJECTS,
        ctx.index,
        {
            "id": ctx.index,
            "round": entry.round,
            "author": ctx.author,
            "beneficiary": beneficiary,
            "title": entry.title,
            "description": entry.description,
            "entered_at": ctx.received,
            "contributed": 0,
            "contributors": 0,
        },
    )
    state.put(ROUNDS, entry.round, {**record, "projects": [*record["projects"], ctx.index]})


def parse_contribution(body: Mapping[str, Any]) -> tuple[int, int]:
    """``{"project": id, "amount": minor units}``."""
    return fields.ref_and_amount(body, "project")


def apply_contribution(state: State, ctx: Context, contribution: tuple[int, int]) -> None:
    """A member gives to a project of an open round (not their own)."""
    project_id, amount = contribution
    require_active_member(state, ctx.author, WP_("to do", "contribute"))
    entered = project(state, project_id)
    record = open_round(
        state, ctx, entered["round"], N_("round %(round_id)s is closed: you cannot contribute now")
    )
    if ctx.author in (entered["author"], entered["beneficiary"]):
        raise NotPermitted("you cannot contribute to your own project", code="own_project")
    table = contributions_table(record["id"])
    key = f"{project_id} {ctx.author}"
    before = state.get(table, key, 0)
    state.put(table, key, before + amount)
    state.put(
        PROJECTS,
        project_id,
        {
            **entered,
            "contributed": entered["contributed"] + amount,
            "contributors": entered["contributors"] + (0 if before else 1),
        },
    )
    state.put(ROUNDS, record["id"], {**record, "contributed": record["contributed"] + amount})
    to_ledger(
        state,
        ctx,
        money.contribution_postings(record, entered, ctx.author, amount),
        kind=LEDGER_KIND,
        ref=record["id"],
    )


def open_round(state: State, ctx: Context, round_id: int, closed: str) -> dict[str, Any]:
    """The round, refusing if it is closed (``closed``, a template of ``round_id``, says what
    cannot be done) or past its closing time."""
    record = funding_round(state, round_id)
    if record["status"] != OPEN:
        raise Conflict(closed, round_id=round_id, code="round_closed")
    if reached(ctx.received, record["closes"]):
        raise Conflict(
            "round %(round_id)s stopped taking part at %(closes)s",
            round_id=round_id,
            closes=record["closes"],
            code="deadline_passed",
        )
    return record


def parse_open_action(params: Mapping[str, Any]) -> dict[str, Any]:
    """The ``funding.round.open`` action: an opening's body and ``"from"``, the node or one
    of its funds, in normal form."""
    source = parse_account(params.get("from", "node"), "from")
    if kind_of(source) not in ("node", "fund"):
        raise InvalidBody('a decided round is matched "from" the node or one of its funds')
    opening = parse_opening({k: v for k, v in params.items() if k != "from"})
    normal: dict[str, Any] = {
        "from": source,
        "title": opening.title,
        "description": opening.description,
        "unit": opening.unit,
        "pool": opening.pool,
        "closes": opening.closes,
        "method": opening.method,
        "minimum": opening.minimum,
        "spend_whole_pool": opening.spend_whole_pool,
    }
    if opening.cap is not None:
        normal["cap"] = opening.cap
    if opening.m is not None:
        normal["m"] = opening.m
    return normal


def apply_open_action(state: State, ctx: Context, params: dict[str, Any]) -> None:
    """The node opens a round a passed proposal decided, matched from the treasury."""
    require_node_key(ctx)
    require_open(state, params["from"])
    opening = parse_opening({k: v for k, v in params.items() if k != "from"})
    open_round_from(state, ctx, opening, params["from"])


FUNDING_ACTIONS: tuple[Action, ...] = (
    Action(
        OPEN_ACTION,
        "Open a quadratic-funding round matched from the treasury.",
        parse_open_action,
        apply_open_action,
    ),
)


EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(ROUND_OPENED, "A quadratic-funding round opens.", parse_opening, apply_opening),
    EventType(PROJECT_ENTERED, "A member enters a project in a round.", parse_entry, apply_entry),
    EventType(
        CONTRIBUTED, "A member contributes to a project.", parse_contribution, apply_contribution
    ),
)

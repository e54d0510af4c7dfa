"""The constitution as data: topics, and the kinds of proposal with their rules.

A constitution names the topics members may delegate by, and each kind of
proposal: who may propose it, who votes (the electorate), how long discussion and
voting last, the quorum, the threshold, the voting method with its options,
whether delegation applies, and which actions a passed proposal of that kind may
execute. It changes only by a passed proposal of kind ``amend`` whose action is
``constitution.amend``: the only kind allowed to carry it, so the rules for
amending the constitution are themselves in the constitution.

``DEFAULT_CONSTITUTION`` is what ``commonweal init`` adopts unless told otherwise;
docs/governance.md explains it in plain language.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from fractions import Fraction
from typing import Any

from commonweal.domain.census.records import parse_census_section
from commonweal.domain.credentials.kinds import parse_credential_kinds
from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.federation.charter import parse_alliance
from commonweal.domain.fields import boolean, integer_in, only, optional_text
from commonweal.domain.governance.constitution_fields import BALLOTS as BALLOTS
from commonweal.domain.governance.constitution_fields import DAY as DAY
from commonweal.domain.governance.constitution_fields import MAX_SECONDS as MAX_SECONDS
from commonweal.domain.governance.constitution_fields import (
    NO_DELEGATION_METHODS as NO_DELEGATION_METHODS,
)
from commonweal.domain.governance.constitution_fields import (
    read_actions,
    read_ballot,
    read_delegation,
    read_name,
    read_quorum,
    read_seconds,
    read_topics,
    read_who,
)
from commonweal.domain.governance.liquid import NO_REVERSE_BEAT_PATH
from commonweal.domain.governance.shares import Threshold, parse_share
from commonweal.domain.governance.writes import DEFAULT_WRITES, parse_writes
from commonweal.domain.registry import Context
from commonweal.domain.state import State
from commonweal.domain.translations.language import language_tag
from commonweal.domain.words import Number

CONSTITUTION = "governance.constitution"
"""State table: ``"constitution"`` → the constitution in force, ``"version"`` → its number."""

AMEND = "amend"
AMEND_ACTION = "constitution.amend"

SINGLE_OPTION_METHODS = frozenset({"yes_no", "consent", "double_majority"})
"""Methods that decide one alternative: take it or leave it."""
RANKED_METHODS = frozenset({"plurality", "instant_runoff", "schulze", "ranked_pairs", "stv"})
PAIRWISE_METHODS = frozenset({"schulze", "ranked_pairs"})
"""Ranked methods that may include the status quo as an option, as LiquidFeedback does."""
METHODS = SINGLE_OPTION_METHODS | RANKED_METHODS | {"approval", "score", "star", "quadratic"}
THRESHOLD_METHODS = frozenset({"yes_no", "approval", "schulze", "ranked_pairs"})
"""Methods where a threshold means something (the yes share, the approval share, the
share preferring the winner to the status quo)."""

MAX_SECRET_CREDITS = 10_000


def _kind(
    title: str,
    description: str,
    *,
    days: tuple[int, int],
    quorum: str,
    method: str = "yes_no",
    options: dict[str, Any] | None = None,
    threshold: dict[str, str] | None = None,
    proposers: Any = "members",
    delegation: bool = True,
    actions: list[str] | None = None,
    ballot: str | None = None,
) -> dict[str, Any]:
    """A kind of proposal every member votes on: ``days`` of discussion and of voting.

    By default any member may propose it, members may delegate, and the vote is yes or
    no; a kind without a ``threshold`` or a ``ballot`` does not name one.
    """
    kind: dict[str, Any] = {
        "title": title,
        "description": description,
        "proposers": proposers,
        "electorate": "members",
        "discussion_seconds": days[0] * DAY,
        "voting_seconds": days[1] * DAY,
        "quorum": quorum,
        "method": method,
        "options": options or {},
        "delegation": delegation,
        "actions": actions or [],
    }
    if threshold is not None:
        kind["threshold"] = threshold
    if ballot is not None:
        kind["ballot"] = ballot
    return kind


DEFAULT_CONSTITUTION: dict[str, Any] = {
    "preamble": (
        "We govern ourselves by these rules, and change them only by the rules for "
        "changing them. Every proposal is discussed before it is voted on; every member "
        "may vote or entrust their vote to another member, per topic or per proposal, "
        "and take it back at any time."
    ),
    "topics": {
        "general": {"title": "General", "description": "Anything no other topic covers."},
        "membership": {"title": "Membership", "description": "Who joins, roles and conduct."},
        "money": {"title": "Money", "description": "Budgets, expenses and pooled funds."},
        "commons": {"title": "Commons", "description": "Shared spaces, tools and land."},
    },
    "kinds": {
        "decision": _kind(
            "Decision",
            "An ordinary decision: a week of discussion, a week of voting, "
            "yes or no, passed by more than half of those voting yes or no.",
            days=(7, 7),
            quorum="1/5",
            threshold={"more_than": "1/2"},
            actions=[],
        ),
        "choice": _kind(
            "Choice between alternatives",
            "Members may put forward competing alternatives; everyone ranks "
            "them, and the status quo, and the Schulze method picks the winner, which must "
            "also be preferred to the status quo by more than half.",
            days=(7, 7),
            quorum="1/5",
            threshold={"more_than": "1/2"},
            method="schulze",
            options={"status_quo": True, "no_reverse_beat_path": False},
        ),
        "membership": _kind(
            "Membership decision",
            "Admit or expel a member, or grant or revoke a role, by vote: "
            "two thirds of those voting yes or no.",
            days=(3, 4),
            quorum="1/4",
            threshold={"at_least": "2/3"},
            actions=[
                "membership.admit",
                "membership.expel",
                "membership.role.grant",
                "membership.role.revoke",
                "membership.policy.set",
            ],
            ballot="secret",
        ),
        "spending": _kind(
            "Spending decision",
            "Move money from the treasury or one of its funds, open a fund, "
            "adopt a budget, declare a unit of account or match a funding round from the "
            "treasury: three days of discussion, four of voting, more than half of those "
            "voting yes or no.",
            days=(3, 4),
            quorum="1/5",
            threshold={"more_than": "1/2"},
            actions=[
                "funding.round.open",
                "treasury.budget.set",
                "treasury.fund.open",
                "treasury.transfer",
                "treasury.unit.declare",
            ],
        ),
        "election": _kind(
            "Election",
            "Fill several seats (stewards, a committee) by single "
            "transferable vote under the Scottish STV rule.",
            days=(7, 7),
            quorum="1/4",
            proposers={"role": "steward"},
            method="stv",
            options={"seats": 3},
            actions=["membership.role.grant"],
            ballot="secret",
        ),
        "agreement": _kind(
            "Working agreement",
            "A practical agreement adopted by consent: it passes unless "
            "someone objects with a reason, which the circle then works with.",
            days=(2, 3),
            quorum="1/5",
            method="consent",
            delegation=False,
        ),
        "priorities": _kind(
            "Priorities",
            "Say how much each option matters to you: quadratic voting "
            "with 100 voice credits each, so caring strongly costs more.",
            days=(7, 7),
            quorum="1/5",
            method="quadratic",
            options={"credits": 100, "allow_negative": True},
        ),
        "commons": _kind(
            "Commons rules",
            "Change how a shared resource is used — who may use it, how it "
            "is booked, its limits, deposit, sanctions and appeals — or decide an appeal or "
            "a referral about it: three days of discussion, four of voting, more than half "
            "of those voting yes or no.",
            days=(3, 4),
            quorum="1/5",
            threshold={"more_than": "1/2"},
            actions=["commons.rules.set", "commons.sanction.decide"],
        ),
        "recognition": _kind(
            "Recognition of another node",
            "Recognise another node (accept its members' credentials, witness "
            "and mirror its log, on the terms stated) or withdraw a recognition: a week of "
            "discussion, a week of voting, more than half of those voting yes or no.",
            days=(7, 7),
            quorum="1/5",
            threshold={"more_than": "1/2"},
            actions=["federation.recognize", "federation.withdraw"],
        ),
        AMEND: _kind(
            "Constitutional amendment",
            "Change these rules, or the money rules that go with them "
            "(how many treasurers approve an expense, mutual-credit limits): two weeks of "
            "discussion, two weeks of voting, a third of members taking part and two thirds "
            "voting yes.",
            days=(14, 14),
            quorum="1/3",
            threshold={"at_least": "2/3"},
            actions=[AMEND_ACTION, "credit.policy.set", "treasury.policy.set"],
        ),
    },
    "writes": DEFAULT_WRITES,
}


def current_constitution(state: State) -> dict[str, Any]:
    """The constitution in force; refuses if none was adopted yet."""
    constitution: dict[str, Any] | None = state.get(CONSTITUTION, "constitution")
    if constitution is None:
        raise Conflict("this node has not adopted a constitution", code="no_constitution")
    return constitution


def kind_rules(state: State, kind: str) -> dict[str, Any]:
    """The rules of one kind of proposal, or ``invalid_body`` naming the kinds there are."""
    kinds: dict[str, Any] = current_constitution(state)["kinds"]
    if kind not in kinds:
        raise InvalidBody(
            "there is no kind of proposal called %(kind)s: try %(kinds)s",
            kind=repr(kind),
            kinds=", ".join(kinds),
        )
    rules: dict[str, Any] = kinds[kind]
    return rules


def adopt(state: State, ctx: Context, constitution: dict[str, Any]) -> None:
    """Put ``constitution`` in force (at creation, or by an executed amendment)."""
    version = state.get(CONSTITUTION, "version", 0) + 1
    state.put(CONSTITUTION, "constitution", constitution)
    state.put(CONSTITUTION, "version", version)
    state.put(CONSTITUTION, f"history:{version}", {"adopted_at": ctx.index, "at": ctx.received})


def parse_constitution(value: Any, known_actions: Collection[str]) -> dict[str, Any]:
    """Check a whole constitution and return it in normal form.

    The normal form fills in defaults and puts every name in sorted order, so the
    constitution a node keeps is the same whether it was read from the canonical
    (sorted) bytes of an event or built in memory.
    """
    if not isinstance(value, dict):
        raise InvalidBody("a constitution is an object with preamble, topics and kinds")
    only(
        value,
        {"preamble", "topics", "kinds", "alliance", "writes", "census", "credentials", "language"},
        where="constitution",
    )
    preamble = optional_text(value, "preamble", max_length=5000)
    topics = read_topics(value.get("topics"))
    kinds_value = value.get("kinds")
    if not isinstance(kinds_value, dict) or not kinds_value:
        raise InvalidBody("kinds must name at least one kind of proposal")
    kinds = {
        read_name(name, "kind"): parse_kind(rules, name, known_actions)
        for name, rules in sorted(kinds_value.items())
    }
    if AMEND not in kinds or AMEND_ACTION not in kinds[AMEND]["actions"]:
        raise InvalidBody(
            "a constitution needs a kind %(amend)s whose actions include %(amend_action)s, so "
            "that it can be amended",
            amend=repr(AMEND),
            amend_action=repr(AMEND_ACTION),
        )
    others = [
        name for name, rules in kinds.items() if name != AMEND and AMEND_ACTION in rules["actions"]
    ]
    if others:
        raise InvalidBody(
            "only the %(amend)s kind may amend the constitution, not %(other)s",
            amend=repr(AMEND),
            other=repr(others[0]),
        )
    constitution = {"preamble": preamble, "topics": topics, "kinds": kinds}
    if "alliance" in value:  # an alliance's charter for network-wide votes (federation)
        constitution["alliance"] = parse_alliance(value["alliance"])
    if "writes" in value:  # who may write, and how much (governance.writes)
        constitution["writes"] = parse_writes(value["writes"])
    if "census" in value:  # how often the node takes its census (domain/census)
        constitution["census"] = parse_census_section(value["census"])
    if "credentials" in value:  # the kinds of credential the community issues
        constitution["credentials"] = parse_credential_kinds(value["credentials"])
    if "language" in value:  # the binding language of its texts (domain/translations)
        constitution["language"] = language_tag(value["language"], "language")
    return constitution


def parse_kind(value: Any, name: str, known_actions: Collection[str]) -> dict[str, Any]:
    """One kind's rules in normal form."""
    where = f"kinds.{name}"
    if not isinstance(value, dict):
        raise InvalidBody("%(where)s must be an object", where=where)
    only(
        value,
        {
            "title",
            "description",
            "proposers",
            "electorate",
            "discussion_seconds",
            "voting_seconds",
            "quorum",
            "threshold",
            "method",
            "options",
            "delegation",
            "actions",
            "ballot",
        },
        where=where,
    )
    method = value.get("method")
    if method not in METHODS:
        raise InvalidBody(
            "%(where)s.method must be one of %(methods)s",
            where=where,
            methods=", ".join(sorted(METHODS)),
        )
    rules: dict[str, Any] = {
        "title": optional_text(value, "title", max_length=120) or name,
        "description": optional_text(value, "description", max_length=2000),
        "proposers": read_who(value.get("proposers", "members"), f"{where}.proposers"),
        "electorate": read_who(value.get("electorate", "members"), f"{where}.electorate"),
        "discussion_seconds": read_seconds(value.get("discussion_seconds"), f"{where}.discussion"),
        "voting_seconds": read_seconds(value.get("voting_seconds"), f"{where}.voting", minimum=60),
        "quorum": read_quorum(value.get("quorum", "0"), f"{where}.quorum"),
        "method": method,
        "options": parse_options(method, value.get("options", {}), f"{where}.options"),
        "delegation": read_delegation(method, value.get("delegation", True), where),
        "actions": read_actions(value.get("actions", []), known_actions, where),
    }
    if "ballot" in value:  # stated only: an old log's constitution stays as it was
        rules["ballot"] = read_ballot(value["ballot"], method, where)
        credits = rules["options"].get("credits", 0)
        if rules["ballot"] == "secret" and credits > MAX_SECRET_CREDITS:
            raise InvalidBody(
                "%(where)s: a secret quadratic vote allows at most %(max_secret_credits)s credits "
                "(each sealed field is proven in a range of ±√credits)",
                where=where,
                max_secret_credits=Number(MAX_SECRET_CREDITS),
            )
    if method in THRESHOLD_METHODS:
        default = {"more_than": "1/2"}
        rules["threshold"] = Threshold.parse(
            value.get("threshold", default), f"{where}.threshold"
        ).as_json()
    elif "threshold" in value:
        raise InvalidBody(
            "%(where)s: the %(method)s method takes no threshold", where=where, method=method
        )
    return rules


STATED_ONLY: dict[str, set[str]] = {
    "schulze": {NO_REVERSE_BEAT_PATH},
    "ranked_pairs": {NO_REVERSE_BEAT_PATH},
}
"""Options kept in the normal form only when stated: a default filled in would change
the constitution an old log holds (and what ``verify`` compares)."""


def parse_options(method: str, value: Any, where: str) -> dict[str, Any]:
    """The method's options with defaults: seats, scores, credits, the status quo, shares."""
    if not isinstance(value, dict):
        raise InvalidBody("%(where)s must be an object", where=where)
    defaults: dict[str, dict[str, Any]] = {
        "score": {"max_score": 5},
        "star": {"max_score": 5},
        "quadratic": {"credits": 100, "allow_negative": True},
        "stv": {"seats": 1},
        "schulze": {"status_quo": True},
        "ranked_pairs": {"status_quo": True},
        "double_majority": {
            "states_share": "55/100",
            "population_share": "65/100",
            "blocking_minority": 4,
        },
    }
    allowed = defaults.get(method, {})
    stated_only = STATED_ONLY.get(method, set())
    only(value, set(allowed) | stated_only, where=where)
    options = {key: value.get(key, default) for key, default in allowed.items()}
    options |= {key: value[key] for key in sorted(stated_only) if key in value}
    if "max_score" in options:
        integer_in(options["max_score"], f"{where}.max_score", 1, 10)
    if "credits" in options:
        integer_in(options["credits"], f"{where}.credits", 1, 1_000_000)
    if "seats" in options:
        integer_in(options["seats"], f"{where}.seats", 1, 100)
    if "blocking_minority" in options:
        integer_in(options["blocking_minority"], f"{where}.blocking_minority", 0, 1000)
    for flag in ("allow_negative", "status_quo", NO_REVERSE_BEAT_PATH):
        if flag in options:
            boolean(options[flag], f"{where}.{flag}")
    for share in ("states_share", "population_share"):
        if share in options:
            parse_share(options[share], f"{where}.{share}")
    return options


def quorum_of(rules: Mapping[str, Any]) -> Fraction:
    """A kind's quorum as a fraction of the electorate."""
    return parse_share(rules["quorum"], "quorum")


def may(state_roles: Collection[str], who: Any) -> bool:
    """Whether someone holding ``state_roles`` is among ``who`` ("members" or a role)."""
    return who == "members" or (isinstance(who, dict) and who.get("role") in state_roles)

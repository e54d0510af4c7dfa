"""Every governance event type, assembled with the node's catalogue of actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.commons.actions import COMMONS_ACTIONS
from commonweal.domain.credentials.events import CREDENTIAL_ACTIONS
from commonweal.domain.credit.events import CREDIT_ACTIONS
from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.federation.recognition import ACTIONS as FEDERATION_ACTIONS
from commonweal.domain.funding.rounds import FUNDING_ACTIONS
from commonweal.domain.governance import (
    ballots,
    closing,
    delegating,
    proposals,
    secret,
    secret_casting,
    secret_tellers,
)
from commonweal.domain.governance.actions import MEMBERSHIP_ACTIONS, Action, ActionCatalog
from commonweal.domain.governance.constitution import (
    AMEND_ACTION,
    CONSTITUTION,
    adopt,
    parse_constitution,
)
from commonweal.domain.governance.records import POPULATIONS
from commonweal.domain.membership.records import require_active_member
from commonweal.domain.places.actions import PLACES_ACTIONS
from commonweal.domain.registry import Context, EventType, require_node_key
from commonweal.domain.state import State
from commonweal.domain.treasury.events import TREASURY_ACTIONS
from commonweal.domain.words import WP_, Number

ADOPTED = "governance.constitution.adopted"
DRAFTED = "governance.proposal.drafted"
SUBMITTED = "governance.proposal.submitted"
CANCELLED = "governance.proposal.cancelled"
ALTERNATIVE_ADDED = "governance.alternative.added"
ALTERNATIVE_REVISED = "governance.alternative.revised"
ALTERNATIVE_WITHDRAWN = "governance.alternative.withdrawn"
AMENDMENT_PROPOSED = "governance.amendment.proposed"
AMENDMENT_ACCEPTED = "governance.amendment.accepted"
AMENDMENT_REJECTED = "governance.amendment.rejected"
COMMENTED = "governance.comment.posted"
BALLOT_CAST = "governance.ballot.cast"
BALLOT_WITHDRAWN = "governance.ballot.withdrawn"
DELEGATION_SET = "governance.delegation.set"
DELEGATION_REVOKED = "governance.delegation.revoked"
POPULATION_REPORTED = "governance.population.reported"
MAX_POPULATION = 10**12


def default_actions() -> ActionCatalog:
    """The actions a passed proposal can execute: membership changes, treasury and
    credit decisions, commons rules and sanctions, rounds matched from the treasury,
    recognising other nodes, and amendments."""
    catalog = ActionCatalog()
    catalog.extend(MEMBERSHIP_ACTIONS)
    catalog.extend(TREASURY_ACTIONS)
    catalog.extend(CREDIT_ACTIONS)
    catalog.extend(COMMONS_ACTIONS)
    catalog.extend(PLACES_ACTIONS)
    catalog.extend(FUNDING_ACTIONS)
    catalog.extend(FEDERATION_ACTIONS)
    catalog.extend(CREDENTIAL_ACTIONS)
    catalog.register(amend_action(catalog))
    return catalog


def amend_action(catalog: ActionCatalog) -> Action:
    """``constitution.amend``: put a whole new constitution in force."""

    def parse(params: Mapping[str, Any]) -> dict[str, Any]:
        if set(params) != {"constitution"}:
            raise InvalidBody('constitution.amend takes {"constitution": {...}}')
        return {"constitution": parse_constitution(params["constitution"], catalog.names())}

    def run(state: State, ctx: Context, params: dict[str, Any]) -> None:
        adopt(state, ctx, params["constitution"])

    return Action(AMEND_ACTION, "Amend the constitution.", parse, run)


def event_types(catalog: ActionCatalog) -> tuple[EventType[Any], ...]:
    """The governance event types, reading and running actions with ``catalog``."""

    def parse_adoption(body: Mapping[str, Any]) -> dict[str, Any]:
        if set(body) != {"constitution"}:
            raise InvalidBody('adoption is {"constitution": {...}}')
        return parse_constitution(body["constitution"], catalog.names())

    return (
        EventType(ADOPTED, "The node adopts its first constitution.", parse_adoption, _adopt_first),
        EventType(
            DRAFTED,
            "A member drafts a proposal.",
            proposals.draft_parser(catalog),
            proposals.apply_draft,
        ),
        EventType(
            SUBMITTED,
            "A draft is opened for discussion.",
            proposals.parse_proposal_ref,
            proposals.apply_submission,
        ),
        EventType(
            CANCELLED,
            "A proposal is withdrawn or cancelled.",
            proposals.parse_cancellation,
            proposals.apply_cancellation,
        ),
        EventType(
            ALTERNATIVE_ADDED,
            "A competing alternative is put forward.",
            proposals.alternative_parser(catalog),
            proposals.apply_alternative,
        ),
        EventType(
            ALTERNATIVE_REVISED,
            "An alternative's author revises it.",
            proposals.revision_parser(catalog),
            proposals.apply_revision,
        ),
        EventType(
            ALTERNATIVE_WITHDRAWN,
            "An alternative is withdrawn.",
            proposals.parse_alternative_ref,
            proposals.apply_withdrawal,
        ),
        EventType(
            AMENDMENT_PROPOSED,
            "A member proposes an amendment to an alternative.",
            proposals.parse_amendment,
            proposals.apply_amendment,
        ),
        EventType(
            AMENDMENT_ACCEPTED,
            "An amendment is taken into the text.",
            proposals.parse_amendment_ref,
            proposals.apply_amendment_accepted,
        ),
        EventType(
            AMENDMENT_REJECTED,
            "An amendment is declined.",
            proposals.parse_amendment_ref,
            proposals.apply_amendment_rejected,
        ),
        EventType(
            COMMENTED,
            "A member comments or argues.",
            proposals.parse_comment,
            proposals.apply_comment,
        ),
        EventType(
            closing.OPENED, "Voting opens.", proposals.parse_proposal_ref, closing.apply_opening
        ),
        EventType(BALLOT_CAST, "A member votes.", ballots.parse_cast, ballots.apply_cast),
        EventType(
            BALLOT_WITHDRAWN,
            "A member takes back their ballot.",
            ballots.parse_withdrawal,
            ballots.apply_withdrawal,
        ),
        EventType(
            DELEGATION_SET,
            "A member delegates their vote in a scope.",
            delegating.parse_set,
            delegating.apply_set,
        ),
        EventType(
            DELEGATION_REVOKED,
            "A member revokes a delegation.",
            delegating.parse_revoke,
            delegating.apply_revoke,
        ),
        EventType(
            closing.CLOSED_EVENT,
            "The vote closes with its full result.",
            closing.parse_close,
            closing.apply_close,
        ),
        EventType(
            closing.EXECUTED,
            "An action of a passed proposal is executed.",
            closing.parse_execution,
            closing.execution_rule(catalog),
        ),
        *SECRET_EVENT_TYPES,
        EventType(
            POPULATION_REPORTED,
            "A member node reports its population (for double-majority votes).",
            _parse_population,
            _apply_population,
        ),
    )


SECRET_EVENT_TYPES: tuple[EventType[Any], ...] = (
    EventType(
        secret.TELLER_KEY,
        "A teller publishes a key share for a secret ballot.",
        secret.parse_teller_key,
        secret.apply_teller_key,
    ),
    EventType(
        secret.OPENED,
        "The node publishes a secret ballot's token key and its key share.",
        secret.parse_opened,
        secret.apply_opened,
    ),
    EventType(
        secret.TOKEN_REQUESTED,
        "A member asks for their eligibility token (blinded).",
        secret.parse_request,
        secret.apply_request,
    ),
    EventType(
        secret.TOKEN_ISSUED,
        "The node blind-signs a member's token.",
        secret.parse_issued,
        secret.apply_issued,
    ),
    EventType(
        secret_casting.SEALED_EVENT,
        "A sealed ballot, cast with a one-time key and a token.",
        secret_casting.parse_sealed,
        secret_casting.apply_sealed,
    ),
    EventType(
        secret_tellers.DECRYPTED,
        "A teller's proven decryption shares, after voting ends.",
        secret_tellers.parse_decrypted,
        secret_tellers.apply_decrypted,
    ),
)
"""Secret ballots (docs/secret-ballots.md)."""


def _adopt_first(state: State, ctx: Context, constitution: dict[str, Any]) -> None:
    """The node adopts a constitution once; afterwards only an amendment changes it."""
    require_node_key(ctx)
    if state.get(CONSTITUTION, "constitution") is not None:
        raise Conflict(
            "a constitution is in force; it changes only by an amendment that passes",
            code="already_adopted",
        )
    adopt(state, ctx, constitution)


def _parse_population(body: Mapping[str, Any]) -> int:
    population = body.get("population")
    if set(body) != {"population"} or type(population) is not int:
        raise InvalidBody('a report is {"population": <whole number>}')
    if not 0 <= population <= MAX_POPULATION:
        raise InvalidBody(
            "population must be from 0 to %(max_population)s",
            max_population=Number(MAX_POPULATION),
        )
    return population


def _apply_population(state: State, ctx: Context, population: int) -> None:
    require_active_member(state, ctx.author, WP_("to do", "report a population"))
    state.put(POPULATIONS, ctx.author, population)

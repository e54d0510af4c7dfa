"""A proposal's alternatives and the actions they carry, said in words: what a decided
choice reads as ("Dalia Haddad elected as tool-keeper", not the action's type and a key),
and what the node will do if an alternative passes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from commonweal.core.language import NP_, _, pgettext
from commonweal.node.read_models.names import short_did

Naming = Callable[[str], "str | None"]

ACTION_WORDS: dict[str, str] = {
    "membership.admit": NP_("to do", "admit %(member)s"),
    "membership.expel": NP_("to do", "expel %(member)s"),
    "membership.role.grant": NP_("to do", "give %(member)s the role %(role)s"),
    "membership.role.revoke": NP_("to do", "take the role %(role)s from %(member)s"),
    "membership.policy.set": NP_("to do", "change how new members are admitted"),
    "commons.rules.set": NP_("to do", "change a shared resource's rules"),
    "commons.sanction.decide": NP_("to do", "decide an appeal or a referral"),
    "constitution.amend": NP_("to do", "amend the constitution"),
    "federation.recognize": NP_("to do", "recognise another node"),
    "federation.withdraw": NP_("to do", "withdraw a recognition of another node"),
    "credit.policy.set": NP_("to do", "set a unit's credit limits and demurrage"),
    "funding.round.open": NP_("to do", "open a funding round"),
    "places.register": NP_("to do", "register a place"),
    "treasury.budget.set": NP_("to do", "set a fund's budget"),
    "treasury.fund.open": NP_("to do", "open a fund"),
    "treasury.policy.set": NP_("to do", "change how many treasurers approve an expense"),
    "treasury.transfer": NP_("to do", "transfer money from the treasury"),
    "treasury.unit.declare": NP_("to do", "declare a unit of account"),
}
"""What the node does for each governance action, with the action's fields as ``%(field)s``
(marked for the catalogues in the context "to do", said in the current language)."""

ACTION_NAMES: dict[str, str] = {
    "membership.admit": NP_("to do", "admit an applicant"),
    "membership.expel": NP_("to do", "expel a member"),
    "membership.role.grant": NP_("to do", "grant a member a role"),
    "membership.role.revoke": NP_("to do", "revoke a member's role"),
    "membership.policy.set": NP_("to do", "change the admission policy"),
    "treasury.transfer": NP_("to do", "move money from the node or a fund"),
    "treasury.fund.open": NP_("to do", "open a fund"),
    "treasury.budget.set": NP_("to do", "set a fund's budget"),
    "treasury.unit.declare": NP_("to do", "declare a unit of account"),
    "treasury.policy.set": NP_("to do", "set how many treasurers approve an expense"),
    "credit.policy.set": NP_("to do", "set a unit's credit limits and demurrage"),
    "commons.rules.set": NP_("to do", "set a shared resource's rules"),
    "commons.sanction.decide": NP_("to do", "decide an appeal or a referral"),
    "places.register": NP_("to do", "register a place"),
    "funding.round.open": NP_("to do", "open a quadratic-funding round matched from the treasury"),
    "federation.recognize": NP_("to do", "recognise another node"),
    "federation.withdraw": NP_("to do", "withdraw a recognition"),
    "credentials.issue": NP_("to do", "issue the credential a member requested"),
    "constitution.amend": NP_("to do", "amend the constitution"),
}
"""Each kind of governance action in a few words, without its fields ("grant a member a
role"): what a kind of decision's rules say it may do. The action's summary, said as a
task (marked in the context "to do"; ``plain.describe_kind`` says them in the page's
language); a test keeps them to the actions' summaries."""

PREVIEW = 140
"""A decided alternative's text is shown up to this many characters."""


def person(names: Naming, did: object) -> str:
    """A member's name, or their DID said short."""
    return (names(did) or short_did(did)) if isinstance(did, str) else str(did)


def action_words(action: dict[str, Any], names: Naming) -> str:
    """What the node will do for ``action``, in words (in the current language); DIDs said
    as names."""
    fields = {
        key: person(names, value) if isinstance(value, str) and value.startswith("did:") else value
        for key, value in action.items()
        if key != "type"
    }
    words = ACTION_WORDS.get(action.get("type", ""))
    if words is not None:
        try:
            return pgettext("to do", words) % fields
        except (KeyError, ValueError, TypeError):
            pass
    details = ", ".join(f"{key}: {value}" for key, value in fields.items())
    return f"{action.get('type')}" + (f" ({details})" if details else "")


def elected(alternative: dict[str, Any], names: Naming) -> str | None:
    """ "X elected as <role>" for an alternative whose actions only grant roles, else None."""
    actions = alternative.get("actions") or []
    if not actions or any(a.get("type") != "membership.role.grant" for a in actions):
        return None
    return "; ".join(
        _(
            "%(member)s elected as %(role)s",
            member=person(names, a.get("member")),
            role=a.get("role"),
        )
        for a in actions
    )


def choice_label(alternative: dict[str, Any], proposal_title: str, names: Naming) -> str:
    """What choosing ``alternative`` means, in a line: who is elected; else its own title,
    or its text where its title is only the proposal's (the alternative first proposed)."""
    election = elected(alternative, names)
    if election:
        return election
    title = str(alternative.get("title") or "")
    text = " ".join(str(alternative.get("text") or "").split())
    if text and (not title or title == proposal_title):
        return text if len(text) <= PREVIEW else text[: PREVIEW - 1].rstrip() + "…"
    return title

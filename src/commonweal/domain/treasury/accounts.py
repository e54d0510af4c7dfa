"""Accounts: the node's own, its funds, its members', and the world outside the books.

An account is named by a string:

- ``node`` — the node's general treasury;
- ``fund:<slug>`` — a fund (a budget pot) the node opened, e.g. ``fund:garden``;
- ``member:<did>`` — a member's account;
- ``external`` — everything outside the node's books. Income from outside is
  posted from it, payments out of the node are posted to it, so its balance is
  minus what the node holds from outside, and every entry sums to zero;
- escrow accounts, each emptied only by the rules of the capability that owns it:
  ``campaign:<id>`` (a campaign's pledges, and a dominant assurance contract's
  bonus reserve, until it closes), ``round:<id>`` (a quadratic-funding round's
  matching pool), ``pool:<id>`` (a conviction-voting pool's funds) and
  ``deposits:<id>`` (the deposits held for bookings of shared resource ``<id>``).

This module is the one place account names are defined: the aid, campaign,
funding and commons capabilities name their accounts with these functions, so the
postings they describe are the ledger's own (see ``funding.postings.to_ledger``).
Every account but ``external`` has a floor (zero, or a member's credit floor in a
mutual-credit unit); no event but its own capability's may move an escrow account.
"""

from __future__ import annotations

import re
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.fields import matching
from commonweal.domain.membership.records import ACTIVE, member
from commonweal.domain.state import State
from commonweal.domain.treasury.records import FUNDS
from commonweal.domain.words import N_

NODE = "node"
EXTERNAL = "external"
FUND_PREFIX = "fund:"
MEMBER_PREFIX = "member:"
CAMPAIGN_PREFIX = "campaign:"
ROUND_PREFIX = "round:"
POOL_PREFIX = "pool:"
DEPOSITS_PREFIX = "deposits:"
ESCROW_KINDS = ("campaign", "round", "pool", "deposits")
"""Accounts that hold money for a campaign, a round, a pool or a resource's bookings."""
_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
_ESCROW = re.compile(r"^(campaign|round|pool|deposits):(0|[1-9][0-9]{0,15})$")


def fund_account(slug: str) -> str:
    """The account of fund ``slug``."""
    return FUND_PREFIX + slug


def member_account(did: str) -> str:
    """The account of member ``did``."""
    return MEMBER_PREFIX + did


def campaign_account(campaign_id: int) -> str:
    """Where a campaign holds its pledges (and any bonus reserve) until it closes."""
    return f"{CAMPAIGN_PREFIX}{campaign_id}"


def round_account(round_id: int) -> str:
    """A quadratic-funding round's matching pool."""
    return f"{ROUND_PREFIX}{round_id}"


def pool_account(pool_id: int) -> str:
    """A conviction-voting pool's funds."""
    return f"{POOL_PREFIX}{pool_id}"


def deposits_account(resource_id: int) -> str:
    """The deposits held for bookings of shared resource ``resource_id``."""
    return f"{DEPOSITS_PREFIX}{resource_id}"


def parse_slug(value: Any, name: str = "fund") -> str:
    """A fund's short name: 2-40 lower-case letters, digits or dashes."""
    return matching(
        value, _SLUG, N_("%(name)s must be 2-40 lower-case letters, digits or dashes"), name=name
    )


def parse_account(value: Any, name: str = "account") -> str:
    """An account name of any form (see the module's docstring)."""
    if value in (NODE, EXTERNAL):
        return str(value)
    if isinstance(value, str) and value.startswith(FUND_PREFIX):
        parse_slug(value[len(FUND_PREFIX) :], name)
        return value
    if isinstance(value, str) and value.startswith(MEMBER_PREFIX + "did:key:z6Mk"):
        return value
    if isinstance(value, str) and _ESCROW.match(value):
        return value
    raise InvalidBody(
        '%(name)s must be "node", "external", "fund:<name>", "member:<did:key>" or an escrow '
        'account ("campaign:<id>", "round:<id>", "pool:<id>", "deposits:<id>")',
        name=name,
    )


def kind_of(account: str) -> str:
    """``node``, ``external``, ``fund``, ``member``, or an escrow kind (``campaign``,
    ``round``, ``pool``, ``deposits``)."""
    if account.startswith(FUND_PREFIX):
        return "fund"
    if account.startswith(MEMBER_PREFIX):
        return "member"
    head, colon, _rest = account.partition(":")
    if colon and head in ESCROW_KINDS:
        return head
    return account


def is_escrow(account: str) -> bool:
    """Whether ``account`` is held for a campaign, round, pool or resource's bookings."""
    return kind_of(account) in ESCROW_KINDS


def require_not_escrow(account: str, name: str) -> None:
    """Refuse an escrow account where only the node, a fund or a member may stand: money
    enters and leaves escrow only by the rules of the capability that owns it."""
    if is_escrow(account):
        raise InvalidBody(
            "%(name)s: %(account)s is an escrow account; only its own campaign, round, pool or "
            "bookings move money in and out of it",
            name=name,
            account=account,
        )


def member_of(account: str) -> str | None:
    """The DID behind a member account (None for other accounts)."""
    return account[len(MEMBER_PREFIX) :] if account.startswith(MEMBER_PREFIX) else None


def require_open(state: State, account: str) -> None:
    """The account can take part in a new entry: an opened fund, an active member."""
    if account.startswith(FUND_PREFIX) and state.get(FUNDS, account[len(FUND_PREFIX) :]) is None:
        raise Conflict(
            "there is no fund %(fund)s", fund=repr(account[len(FUND_PREFIX) :]), code="unknown_fund"
        )
    did = member_of(account)
    if did is not None:
        record = member(state, did)
        if record is None or record["status"] != ACTIVE:
            raise NotPermitted(
                "%(did)s is not a member in good standing", did=did, code="not_a_member"
            )

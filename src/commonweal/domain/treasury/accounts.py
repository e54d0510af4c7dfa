"""Accounts: the node's own, its funds, its members', and the world outside the books.

An account is named by a string:

- ``node`` — the node's general treasury;
- ``fund:<slug>`` — a fund (a budget pot) the node opened, e.g. ``fund:garden``;
- ``member:<did>`` — a member's account;
- ``external`` — everything outside the node's books. Income from outside is
  posted from it, payments out of the node are posted to it, so its balance is
  minus what the node holds from outside, and every entry sums to zero.
"""

from __future__ import annotations

import re
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody
from commonweal.domain.membership.records import ACTIVE, member
from commonweal.domain.state import State
from commonweal.domain.treasury.records import FUNDS

NODE = "node"
EXTERNAL = "external"
FUND_PREFIX = "fund:"
MEMBER_PREFIX = "member:"
_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


def fund_account(slug: str) -> str:
    """The account of fund ``slug``."""
    return FUND_PREFIX + slug


def member_account(did: str) -> str:
    """The account of member ``did``."""
    return MEMBER_PREFIX + did


def parse_slug(value: Any, name: str = "fund") -> str:
    """A fund's short name: 2-40 lower-case letters, digits or dashes."""
    if not isinstance(value, str) or not _SLUG.match(value):
        raise InvalidBody(f"{name} must be 2-40 lower-case letters, digits or dashes")
    return value


def parse_account(value: Any, name: str = "account") -> str:
    """An account name of one of the four forms."""
    if value in (NODE, EXTERNAL):
        return str(value)
    if isinstance(value, str) and value.startswith(FUND_PREFIX):
        parse_slug(value[len(FUND_PREFIX) :], name)
        return value
    if isinstance(value, str) and value.startswith(MEMBER_PREFIX + "did:key:z6Mk"):
        return value
    raise InvalidBody(f'{name} must be "node", "external", "fund:<name>" or "member:<did:key>"')


def kind_of(account: str) -> str:
    """``node``, ``external``, ``fund`` or ``member``."""
    if account.startswith(FUND_PREFIX):
        return "fund"
    if account.startswith(MEMBER_PREFIX):
        return "member"
    return account


def member_of(account: str) -> str | None:
    """The DID behind a member account (None for other accounts)."""
    return account[len(MEMBER_PREFIX) :] if account.startswith(MEMBER_PREFIX) else None


def require_open(state: State, account: str) -> None:
    """The account can take part in a new entry: an opened fund, an active member."""
    if account.startswith(FUND_PREFIX) and state.get(FUNDS, account[len(FUND_PREFIX) :]) is None:
        raise Conflict(f"there is no fund {account[len(FUND_PREFIX) :]!r}", code="unknown_fund")
    did = member_of(account)
    if did is not None:
        record = member(state, did)
        if record is None or record["status"] != ACTIVE:
            raise Conflict(f"{did} is not a member in good standing", code="not_a_member")

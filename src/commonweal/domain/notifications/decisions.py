"""Who must hear of what: the notifier's pure decisions, from log entries and the state.

Given one logged event (its type, author, body and log index) and the state, or the
state and the time, these functions say which members must be told, as :class:`Notice`
values; nothing here reads a clock, a store or a network (node/services/notifications
does the I/O: the cursor, the outbox, the mail). What is decided, and when
(docs/notifications.md):

- ``vote_opened``: a proposal's vote opened; every member in good standing follows the
  node's own proposals (weight ``decision``, topic: the proposal's topic).
- ``vote_closing``: a vote closes within 24 hours (decided from the time, once per
  proposal); every member (``decision``).
- ``vouch_wanted``: an application waits; every member but the applicant (``activity``).
- ``expense_approval``: an expense waits for a treasurer's approval; every holder of
  ``treasury.spend`` but its submitter (``mention``: it is addressed to them).
- ``key_recovery``: a recovery of the member's own key has started (``urgent``: always
  sent at once, on every channel, whatever the member's preferences; it cannot be
  switched off).

The other kinds (a delegate's vote, RSVPs, aid claims and messages, recognitions and
network votes) are decided in ``kinds``; the time-driven reminders of gatherings and
bookings in ``reminders``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from commonweal.domain.governance.records import PROPOSALS, VOTING
from commonweal.domain.membership.records import ACTIVE, MEMBERS
from commonweal.domain.notifications.kinds import DECIDED as DECIDED_ELSEWHERE
from commonweal.domain.notifications.kinds import Lookups, notices_for
from commonweal.domain.notifications.said import Said, Time, said
from commonweal.domain.state import State
from commonweal.domain.timestamps import moment
from commonweal.domain.treasury.records import SPEND

VOTING_OPENED = "governance.voting.opened"
APPLIED = "membership.application.submitted"
EXPENSE_SUBMITTED = "treasury.expense.submitted"
RECOVERY_REQUESTED = "membership.recovery.requested"

CLOSING_WINDOW = timedelta(hours=24)

URGENT = "urgent"
MENTION = "mention"
DECISION = "decision"
ACTIVITY = "activity"

LEVELS = ("everything", "decisions", "mentions", "nothing")
"""A member's level for a topic, as Loomio names them; ``everything`` by default."""

_HEARD_AT: dict[str, frozenset[str]] = {
    "everything": frozenset({ACTIVITY, DECISION, MENTION}),
    "decisions": frozenset({DECISION, MENTION}),
    "mentions": frozenset({MENTION}),
    "nothing": frozenset(),
}


@dataclass(frozen=True)
class Notice:
    """One member to tell of one thing: the outbox's row before it is kept."""

    recipient: str
    event_key: str
    """What it is about: the log index (``"42"``) or a time-driven key (``"closing:7"``)."""
    kind: str
    topic: str
    weight: str
    subject: Said
    text: Said
    """What it says, in English until it is said in the recipient's language."""
    path: str
    """The page that shows it, under the node's public URL."""

    @property
    def urgent(self) -> bool:
        return self.weight == URGENT


def wants(level: str, weight: str) -> bool:
    """Whether a member at ``level`` for the notice's topic hears a notice of ``weight``."""
    return weight == URGENT or weight in _HEARD_AT.get(level, _HEARD_AT["everything"])


def members_in_good_standing(state: State) -> list[str]:
    """Every member whose status is ``member``, in DID order."""
    return sorted(str(did) for did, record in state.items(MEMBERS) if record["status"] == ACTIVE)


def treasurers(state: State) -> list[str]:
    """Every member in good standing holding ``treasury.spend`` through a role."""
    found = []
    for did, record in state.items(MEMBERS):
        if record["status"] != ACTIVE:
            continue
        held: set[str] = set()
        for role in record.get("roles", []):
            held.update(state.get("membership.roles", role, {}).get("permissions", []))
        if SPEND in held:
            found.append(str(did))
    return sorted(found)


def decide(
    state: State,
    index: int,
    event_type: str,
    author: str,
    body: Mapping[str, Any],
    lookups: Lookups | None = None,
) -> list[Notice]:
    """The notices the event logged at ``index`` calls for (none for most events).
    ``lookups``: what a batch of decisions shares (made here when not given)."""
    key = str(index)
    if event_type not in _OWN:
        told = notices_for(lookups or Lookups(state), index, event_type, author, body)
        return [
            Notice(r, key, kind, topic, weight, subject, text, path)
            for r, kind, topic, weight, subject, text, path in told
        ]
    members = (lookups or Lookups(state)).members
    if event_type == RECOVERY_REQUESTED:
        member = str(body.get("member", ""))
        return [
            Notice(
                member,
                key,
                "key_recovery",
                "membership",
                URGENT,
                said("A recovery of your key has started"),
                said(
                    "Someone has asked to replace your key with a new one (log entry "
                    "%(index)s). If this is not you, cancel it before the time lock ends: sign "
                    "in with your key and withdraw the recovery, or ask your guardians to "
                    "refuse.",
                    index=index,
                ),
                "/key",
            )
        ]
    if event_type == VOTING_OPENED:
        proposal = state.get(PROPOSALS, int(body.get("proposal", -1)))
        if proposal is None:
            return []
        title = proposal["title"]
        subject = said("Voting has opened: %(title)s", title=title)
        text = said(
            "The vote on “%(title)s” is open until %(time)s.",
            title=title,
            time=Time(str(proposal["voting_until"])),
        )
        return _to_all(
            members(),
            key,
            "vote_opened",
            str(proposal["topic"]),
            DECISION,
            subject,
            text,
            f"/proposals/{proposal['id']}",
        )
    if event_type == APPLIED:
        others = [did for did in members() if did != author]
        return _to_all(
            others,
            key,
            "vouch_wanted",
            "membership",
            ACTIVITY,
            said("Someone has applied to join"),
            said("A new application waits; if you know the applicant, you may vouch for them."),
            f"/members/{author}",
        )
    if event_type == EXPENSE_SUBMITTED:
        expense = body.get("expense")
        approvers = [did for did in treasurers(state) if did != author]
        return _to_all(
            approvers,
            key,
            "expense_approval",
            "treasury",
            MENTION,
            said("An expense waits for your approval"),
            said(
                "Expense %(expense)s was submitted and waits for a treasurer's approval.",
                expense=expense,
            ),
            f"/treasury/expenses/{expense}",
        )
    return []


_OWN = frozenset({VOTING_OPENED, APPLIED, EXPENSE_SUBMITTED, RECOVERY_REQUESTED})
DECIDED = _OWN | DECIDED_ELSEWHERE
"""Every event type some notice may be decided from: the notifier reads no other's leaf."""


def closing_soon(state: State, now: str, told: Collection[str] = ()) -> list[Notice]:
    """The notices for every vote that closes within 24 hours of ``now``, but those whose
    key (``closing:<id>``) is in ``told``: each vote's are decided once."""
    instant = moment(now)
    members: list[str] | None = None
    found: list[Notice] = []
    for _id, proposal in sorted(state.items(PROPOSALS)):
        until = proposal.get("voting_until")
        if proposal["phase"] != VOTING or not until:
            continue
        if f"closing:{proposal['id']}" in told:
            continue
        if not instant < moment(until) <= instant + CLOSING_WINDOW:
            continue
        members = members_in_good_standing(state) if members is None else members
        found.extend(
            _to_all(
                members,
                f"closing:{proposal['id']}",
                "vote_closing",
                str(proposal["topic"]),
                DECISION,
                said("Voting closes soon: %(title)s", title=proposal["title"]),
                said(
                    "The vote on “%(title)s” closes at %(time)s. "
                    "If you have not voted yet, there is still time.",
                    title=proposal["title"],
                    time=Time(str(until)),
                ),
                f"/proposals/{proposal['id']}",
            )
        )
    return found


def _to_all(
    recipients: Iterable[str],
    key: str,
    kind: str,
    topic: str,
    weight: str,
    subject: Said,
    text: Said,
    path: str,
) -> list[Notice]:
    return [Notice(did, key, kind, topic, weight, subject, text, path) for did in recipients]

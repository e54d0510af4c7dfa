"""Consent decision-making, as sociocracy practises it.

A proposal is not asked to be everyone's favourite, only to be "good enough for
now, safe enough to try". Each participant consents, stands aside (they will not
take part in carrying it out, and may say why) or objects, and an objection must
give its reason: the reason is what the circle works with to amend the proposal.
The proposal passes when no objection stands when voting closes; participants may
change their ballot until then, and the node counts only the last one.

Consent is personal: ballots are never delegated, so each counts once. The
reasons are public text and appear in the tally, sorted so that anyone recounting
the same ballots gets the same detail.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from commonweal.domain.governance.majority import reaches_quorum
from commonweal.domain.governance.ranked import Result
from commonweal.domain.governance.shares import format_share

CONSENT, STAND_ASIDE, OBJECT = "consent", "stand_aside", "object"
STANCES = (CONSENT, STAND_ASIDE, OBJECT)
MAX_REASON = 2000
"""The longest reason, in characters."""

ConsentBallot = tuple[str, str | None]
"""(the stance; the reason, required for an objection, optional otherwise)."""


def check_consent_ballot(stance: str, reason: str | None) -> ConsentBallot:
    """Check one ballot and return it in normal form (the reason stripped, or ``None``).

    An objection without a reason (or with only blanks) is refused. Any stance may
    give a reason, a consent too (a remark for the record); only an objection must.
    """
    if stance not in STANCES:
        raise ValueError(f"a stance is consent, stand_aside or object (got {stance!r})")
    text = reason.strip() if reason is not None else ""
    if len(text) > MAX_REASON:
        raise ValueError(f"a reason is at most {MAX_REASON} characters")
    if stance == OBJECT and not text:
        raise ValueError("an objection must give its reason")
    return stance, text or None


def consent(
    ballots: Iterable[ConsentBallot],
    *,
    electorate: int | None = None,
    quorum: Fraction = Fraction(0),
) -> Result:
    """Passes (winner ``"yes"``) unless at least one objection stands; otherwise ``"no"``.

    Every ballot counts toward the quorum, ``len(ballots) >= quorum × electorate``;
    ``electorate`` is required when ``quorum`` is above zero. A proposal nobody
    answered passes when there is no quorum to meet: silence is not objection, so
    a constitution that wants participation sets a quorum. The detail gives the
    count of each stance, the objections' reasons, the reasons given for standing
    aside and any remarks made with a consent.
    """
    counts = dict.fromkeys(STANCES, 0)
    reasons: dict[str, list[str]] = {stance: [] for stance in STANCES}
    for given, reason in ballots:
        stance, text = check_consent_ballot(given, reason)
        counts[stance] += 1
        if text is not None:
            reasons[stance].append(text)
    participating = sum(counts.values())
    quorate = reaches_quorum(participating, electorate, quorum)
    passed = quorate and counts[OBJECT] == 0
    detail: dict[str, Any] = {
        **counts,
        "participating": participating,
        "electorate": electorate,
        "quorum": format_share(quorum),
        "quorum_met": quorate,
        "objections": sorted(reasons[OBJECT]),
        "stand_aside_reasons": sorted(reasons[STAND_ASIDE]),
        "consent_remarks": sorted(reasons[CONSENT]),
        "passed": passed,
    }
    return Result(frozenset({"yes" if passed else "no"}), detail)

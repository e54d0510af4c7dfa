"""A shared resource's rules in plain language, each under the Ostrom principle it serves.

The commons pages show a resource's rules as sentences a member reads without the docs:
who may use it, how it is shared, who looks after it, what a breach leads to, how to
appeal, and how the rules themselves change. Each group names the design principle
Elinor Ostrom found in commons that last (docs/commons.md maps all eight), so a member
sees not only the rule but what it is for. Pure functions over the rules and names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from commonweal.domain.treasury.units import format_amount

PRINCIPLES = {
    1: "Clearly defined boundaries",
    2: "Proportional equivalence between benefits and costs",
    3: "Collective-choice arrangements",
    4: "Monitoring",
    5: "Graduated sanctions",
    6: "Conflict-resolution mechanisms",
    7: "Minimal recognition of rights to organize",
    8: "Nested enterprises",
}
"""Ostrom's eight design principles (Governing the Commons, 1990, table 3.1)."""

WHERE_IN_COMMONWEAL = {
    1: "Each resource says what it is, how many units it has, and who may use it "
    "(every member, or holders of a role); every booking and entry is checked against it.",
    2: "Limits cap how long, how often and how far ahead one member books; a deposit asks a "
    "stake for each use; rotation and lotteries spread what is scarce.",
    3: "The rules change only by a passed proposal of kind “Commons rules”, voted on by the "
    "members who share the resource.",
    4: "Users report the condition; stewards and monitors, members named in the rules, report "
    "breaches; every report is public in the log.",
    5: "A breach climbs the resource's ladder — a warning, a suspension, a referral to the "
    "assembly; a serious one climbs faster; old ones are forgotten.",
    6: "An appeal, within days, to a steward who had no part in it, or to the assembly "
    "through a proposal.",
    7: "The rules are the node's own data in its own log, signed by its members; no outside "
    "authority changes them, and anyone can verify they were followed.",
    8: "Resources and their stewards sit inside the node, whose assembly hears referrals; "
    "nodes sit inside networks, each layer deciding what belongs to it.",
}

KIND_WORDS = {
    "land": "Land",
    "room": "Rooms",
    "tool": "Tools",
    "vehicle": "Vehicles",
    "knowledge": "Knowledge",
    "other": "Other",
}
KIND_ONE = {
    "land": "land",
    "room": "a room",
    "tool": "a tool",
    "vehicle": "a vehicle",
    "knowledge": "knowledge",
    "other": "a shared thing",
}
ALLOCATION_WORDS = {
    "open": "Open to use: no booking needed.",
    "first_come": "Booked directly, first come, first served.",
    "rotation": "Allocated in rounds by rotation: those served longest ago go first.",
    "lottery": "Allocated in rounds by a lottery drawn from the log, which anyone can check.",
}
ALLOCATION_SHORT = {
    "open": "open to use",
    "first_come": "book directly",
    "rotation": "by rotation",
    "lottery": "by lottery",
}
CONDITION_WORDS = {
    "good": "Good",
    "worn": "Worn",
    "damaged": "Damaged",
    "out_of_service": "Out of service",
}
STATUS_WORDS = {
    "in_force": "in force",
    "referred": "before the assembly",
    "upheld": "upheld on appeal",
    "overturned": "overturned",
}
_ISO_CURRENCY = re.compile(r"^[A-Z]{3}$")


def money(amount: int, unit: str, exponents: Mapping[str, int]) -> str:
    """``2000`` EUR minor units as ``20.00 EUR``: the unit's declared decimals, or two for a
    three-letter currency code the treasury has not declared."""
    exponent = exponents.get(unit, 2 if _ISO_CURRENCY.match(unit) else 0)
    return f"{format_amount(amount, exponent)} {unit}"


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, … ``11th``, ``21st``."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def hours_words(hours: int) -> str:
    """``8 hours``, ``1 hour``, ``3 days`` (whole days above two days)."""
    if hours >= 48 and hours % 24 == 0:
        return f"{hours // 24} days"
    return "1 hour" if hours == 1 else f"{hours} hours"


def step_words(step: Mapping[str, Any]) -> str:
    """One rung of the ladder, as it befalls the member."""
    if step["kind"] == "warning":
        return "a warning"
    if step["kind"] == "suspension":
        days = step["days"]
        return (
            f"booking rights suspended for {days} day{'s' if days != 1 else ''} "
            "(bookings starting in that time are cancelled)"
        )
    return "a referral to the assembly; booking rights stay suspended until a proposal decides"


def ladder_words(sanctions: Mapping[str, Any]) -> list[str]:
    """The ladder, rung by rung: which breach on record leads to what."""
    ladder = sanctions["ladder"]
    lines = []
    for n, step in enumerate(ladder, start=1):
        which = f"The {ordinal(n)} breach on record"
        if n == len(ladder) and n > 1:
            which += " and every one after"
        lines.append(f"{which}: {step_words(step)}.")
    return lines


def access_words(access: Any) -> str:
    """Who is inside the boundary."""
    if access == "members":
        return "Every member in good standing."
    return f"Members who hold the {access['role']} role."


def rules_in_words(
    rules: Mapping[str, Any],
    names: Mapping[str, str],
    exponents: Mapping[str, int],
) -> list[dict[str, Any]]:
    """The rules in groups ``{principle, name, heading, sentences}``, in the order a member
    needs them. ``names`` gives a person's name (or a short DID) for stewards and monitors."""
    limits = rules["limits"]
    units = rules["units"]
    boundary = [access_words(rules["access"])]
    if units > 1:
        boundary.append(f"There are {units} identical units; a booking holds one of them.")
    sharing = [ALLOCATION_WORDS[rules["allocation"]]]
    if rules["allocation"] != "open":
        active = limits["max_active"]
        sharing.append(
            f"A booking lasts at most {hours_words(limits['max_hours'])}; a member holds at most "
            f"{active} booking{'s' if active != 1 else ''} at a time, made at most "
            f"{limits['advance_days']} days ahead."
        )
    if rules["deposit"]:
        owed = money(rules["deposit"]["amount"], rules["deposit"]["unit"], exponents)
        sharing.append(
            f"Each booking owes a deposit of {owed}, paid to a steward and given back after "
            "the booking (a part may be kept for repairs, with a stated reason)."
        )
    else:
        sharing.append("No deposit is asked.")
    stewards = _people(rules["stewards"], names)
    care = [f"Stewards: {stewards}. They look after it, hear appeals and handle deposits."]
    if rules["monitors"]:
        care.append(f"Monitors: {_people(rules['monitors'], names)}.")
    care.append(
        "Anyone who may use it reports its condition; stewards and monitors report breaches "
        "and take it out of service. Every report is public in the log."
    )
    sanctions = rules["sanctions"]
    ladder = ladder_words(sanctions)
    ladder.append(
        "A serious breach counts two steps. A breach is forgotten after "
        f"{sanctions['memory_days']} days, and an overturned one never counts."
    )
    appeals = rules["appeals"]
    hearer = (
        "a steward who neither reported the breach nor was sanctioned"
        if appeals["by"] == "stewards"
        else "the assembly, through a proposal of kind “Commons rules”"
    )
    appeal = [
        f"A member sanctioned may appeal a warning or a suspension once, within "
        f"{appeals['days']} days. The appeal is heard by {hearer}.",
        "A referral is decided by the assembly, through a proposal.",
    ]
    return [
        _group(1, "Who may use it", boundary),
        _group(2, "How it is shared", sharing),
        _group(4, "Who looks after it", care),
        _group(5, "When a rule is broken", ladder),
        _group(6, "Appeals", appeal),
    ]


def changing_words(version: int, since: str) -> dict[str, Any]:
    """How the rules change (Ostrom's collective choice), with the version in force."""
    return _group(
        3,
        "Changing these rules",
        [
            "Stewards cannot change these rules. They change only by a passed proposal of kind "
            "“Commons rules”, which the members vote on.",
            f"These are version {version} of the rules, in force since {since}.",
        ],
    )


def _group(n: int, heading: str, sentences: list[str]) -> dict[str, Any]:
    return {"principle": n, "name": PRINCIPLES[n], "heading": heading, "sentences": sentences}


def _people(dids: list[str], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(did, did) for did in dids) or "none"

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

from commonweal.core.language import (
    N_,
    SOURCE_LANGUAGE,
    _,
    current_language,
    ngettext,
    pgettext,
)
from commonweal.core.local_time import local_decimal, locale_for
from commonweal.domain.treasury.units import format_amount

PRINCIPLES = {
    1: N_("Clearly defined boundaries"),
    2: N_("Proportional equivalence between benefits and costs"),
    3: N_("Collective-choice arrangements"),
    4: N_("Monitoring"),
    5: N_("Graduated sanctions"),
    6: N_("Conflict-resolution mechanisms"),
    7: N_("Minimal recognition of rights to organize"),
    8: N_("Nested enterprises"),
}
"""Ostrom's eight design principles (Governing the Commons, 1990, table 3.1)."""

WHERE_IN_COMMONWEAL = {
    1: N_(
        "Each resource says what it is, how many units it has, and who may use it "
        "(every member, or holders of a role); every booking and entry is checked against it."
    ),
    2: N_(
        "Limits cap how long, how often and how far ahead one member books; a deposit asks a "
        "stake for each use; rotation and lotteries spread what is scarce."
    ),
    3: N_(
        "The rules change only by a passed proposal of kind “Commons rules”, voted on by the "
        "members who share the resource."
    ),
    4: N_(
        "Users report the condition; stewards and monitors, members named in the rules, report "
        "breaches; every report is public in the log."
    ),
    5: N_(
        "A breach climbs the resource's ladder — a warning, a suspension, a referral to the "
        "assembly; a serious one climbs faster; old ones are forgotten."
    ),
    6: N_(
        "An appeal, within days, to a steward who had no part in it, or to the assembly "
        "through a proposal."
    ),
    7: N_(
        "The rules are the node's own data in its own log, signed by its members; no outside "
        "authority changes them, and anyone can verify they were followed."
    ),
    8: N_(
        "Resources and their stewards sit inside the node, whose assembly hears referrals; "
        "nodes sit inside networks, each layer deciding what belongs to it."
    ),
}

KIND_WORDS = {
    "land": N_("Land"),
    "room": N_("Rooms"),
    "tool": N_("Tools"),
    "vehicle": N_("Vehicles"),
    "knowledge": N_("Knowledge"),
    "other": N_("Other"),
}
KIND_ONE = {
    "land": N_("land"),
    "room": N_("a room"),
    "tool": N_("a tool"),
    "vehicle": N_("a vehicle"),
    "knowledge": N_("knowledge"),
    "other": N_("a shared thing"),
}
ALLOCATION_WORDS = {
    "open": N_("Open to use: no booking needed."),
    "first_come": N_("Booked directly, first come, first served."),
    "rotation": N_("Allocated in rounds by rotation: those served longest ago go first."),
    "lottery": N_("Allocated in rounds by a lottery drawn from the log, which anyone can check."),
}
ALLOCATION_SHORT = {
    "open": N_("open to use"),
    "first_come": N_("book directly"),
    "rotation": N_("by rotation"),
    "lottery": N_("by lottery"),
}
CONDITION_WORDS = {
    "good": N_("Good"),
    "worn": N_("Worn"),
    "damaged": N_("Damaged"),
    "out_of_service": N_("Out of service"),
}
STATUS_WORDS = {
    "in_force": N_("in force"),
    "referred": N_("before the assembly"),
    "upheld": N_("upheld on appeal"),
    "overturned": N_("overturned"),
}
# Identifiers the pages show as words ({{ _(s.sanction) }}, {{ _(s.severity) }}): marked here.
SANCTION_WORDS = {
    "warning": N_("warning"),
    "suspension": N_("suspension"),
    "referral": N_("referral"),
}
SEVERITY_WORDS = {"minor": N_("minor"), "serious": N_("serious")}
_ISO_CURRENCY = re.compile(r"^[A-Z]{3}$")


def exponent_of(unit: str, exponents: Mapping[str, int]) -> int:
    """The unit's declared decimals, or two for a three-letter currency code the treasury
    has not declared."""
    return exponents.get(unit, 2 if _ISO_CURRENCY.match(unit) else 0)


def money(amount: int, unit: str, exponents: Mapping[str, int]) -> str:
    """``2000`` EUR minor units as ``20.00 EUR``, in the marks of the language being spoken
    (the page's reader's: ``20,00 EUR`` in French), digits grouped as the treasury's are."""
    return f"{amount_text(amount, unit, exponents, grouped=True)} {unit}"


def amount_text(amount: int, unit: str, exponents: Mapping[str, int], *, grouped: bool) -> str:
    """The amount alone in the language being spoken's marks; ungrouped (``grouped=False``:
    ``20,00``), it is what a form's amount field holds and reads back."""
    text = format_amount(amount, exponent_of(unit, exponents))
    return local_decimal(text, locale_for(current_language()), grouped=grouped)


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, … ``11th``, ``21st`` (in English; the language
    being spoken writes it as its catalogue says: ``1.º``, ``1ᵉ``…)."""
    if current_language() != SOURCE_LANGUAGE:
        return pgettext("ordinal number", "%(n)sth", n=n)
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def hours_words(hours: int) -> str:
    """``8 hours``, ``1 hour``, ``3 days`` (whole days above two days)."""
    if hours >= 48 and hours % 24 == 0:
        return ngettext("%(num)s day", "%(num)s days", hours // 24)
    return ngettext("%(num)s hour", "%(num)s hours", hours)


def step_words(step: Mapping[str, Any]) -> str:
    """One rung of the ladder, as it befalls the member."""
    if step["kind"] == "warning":
        return _("a warning")
    if step["kind"] == "suspension":
        return ngettext(
            "booking rights suspended for %(num)s day "
            "(bookings starting in that time are cancelled)",
            "booking rights suspended for %(num)s days "
            "(bookings starting in that time are cancelled)",
            step["days"],
        )
    return _("a referral to the assembly; booking rights stay suspended until a proposal decides")


def ladder_words(sanctions: Mapping[str, Any]) -> list[str]:
    """The ladder, rung by rung: which breach on record leads to what."""
    ladder = sanctions["ladder"]
    lines = []
    for n, step in enumerate(ladder, start=1):
        words = {"nth": ordinal(n), "what": step_words(step)}
        if n == len(ladder) and n > 1:
            lines.append(_("The %(nth)s breach on record and every one after: %(what)s.", **words))
        else:
            lines.append(_("The %(nth)s breach on record: %(what)s.", **words))
    return lines


def access_words(access: Any) -> str:
    """Who is inside the boundary."""
    if access == "members":
        return _("Every member in good standing.")
    return _("Members who hold the %(role)s role.", role=access["role"])


def rules_in_words(
    rules: Mapping[str, Any],
    names: Mapping[str, str],
    exponents: Mapping[str, int],
) -> list[dict[str, Any]]:
    """The rules in groups ``{principle, name, heading, sentences}``, in the order a member
    needs them (in the language being spoken; ``name`` and ``heading`` are marked only, and
    translated where they are shown). ``names`` gives a person's name (or a short DID) for
    stewards and monitors."""
    limits = rules["limits"]
    units = rules["units"]
    boundary = [access_words(rules["access"])]
    if units > 1:
        boundary.append(
            _("There are %(units)s identical units; a booking holds one of them.", units=units)
        )
    sharing = [_(ALLOCATION_WORDS[rules["allocation"]])]
    if rules["allocation"] != "open":
        sharing.append(
            ngettext(
                "A booking lasts at most %(hours)s; a member holds at most %(num)s booking at a "
                "time, made at most %(days)s days ahead.",
                "A booking lasts at most %(hours)s; a member holds at most %(num)s bookings at a "
                "time, made at most %(days)s days ahead.",
                limits["max_active"],
                hours=hours_words(limits["max_hours"]),
                days=limits["advance_days"],
            )
        )
    if rules["deposit"]:
        owed = money(rules["deposit"]["amount"], rules["deposit"]["unit"], exponents)
        sharing.append(
            _(
                "Each booking owes a deposit of %(amount)s, paid to a steward and given back after "
                "the booking (a part may be kept for repairs, with a stated reason).",
                amount=owed,
            )
        )
    else:
        sharing.append(_("No deposit is asked."))
    stewards = _people(rules["stewards"], names)
    care = [
        _(
            "Stewards: %(people)s. They look after it, hear appeals and handle deposits.",
            people=stewards,
        )
    ]
    if rules["monitors"]:
        care.append(_("Monitors: %(people)s.", people=_people(rules["monitors"], names)))
    care.append(
        _(
            "Anyone who may use it reports its condition; stewards and monitors report breaches "
            "and take it out of service. Every report is public in the log."
        )
    )
    sanctions = rules["sanctions"]
    ladder = ladder_words(sanctions)
    ladder.append(
        _(
            "A serious breach counts two steps. A breach is forgotten after %(days)s days, and "
            "an overturned one never counts.",
            days=sanctions["memory_days"],
        )
    )
    appeals = rules["appeals"]
    if appeals["by"] == "stewards":
        heard = _(
            "A member sanctioned may appeal a warning or a suspension once, within %(days)s "
            "days. The appeal is heard by a steward who neither reported the breach nor was "
            "sanctioned.",
            days=appeals["days"],
        )
    else:
        heard = _(
            "A member sanctioned may appeal a warning or a suspension once, within %(days)s "
            "days. The appeal is heard by the assembly, through a proposal of kind “Commons "
            "rules”.",
            days=appeals["days"],
        )
    appeal = [heard, _("A referral is decided by the assembly, through a proposal.")]
    return [
        _group(1, N_("Who may use it"), boundary),
        _group(2, N_("How it is shared"), sharing),
        _group(4, N_("Who looks after it"), care),
        _group(5, N_("When a rule is broken"), ladder),
        _group(6, N_("Appeals"), appeal),
    ]


def changing_words(version: int, since: str) -> dict[str, Any]:
    """How the rules change (Ostrom's collective choice), with the version in force."""
    return _group(
        3,
        N_("Changing these rules"),
        [
            _(
                "Stewards cannot change these rules. They change only by a passed proposal of "
                "kind “Commons rules”, which the members vote on."
            ),
            _(
                "These are version %(version)s of the rules, in force since %(since)s.",
                version=version,
                since=since,
            ),
        ],
    )


def _group(n: int, heading: str, sentences: list[str]) -> dict[str, Any]:
    return {"principle": n, "name": PRINCIPLES[n], "heading": heading, "sentences": sentences}


def _people(dids: list[str], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(did, did) for did in dids) or _("none")

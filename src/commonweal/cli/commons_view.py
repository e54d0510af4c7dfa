"""Terminal renderings of resources, bookings, rounds and sanctions."""

from __future__ import annotations

from typing import Any

from commonweal.cli.common import console
from commonweal.core.language import N_, _, ngettext
from commonweal.domain.treasury.units import format_amount
from commonweal.node.read_models.commons_words import exponent_of


def money(amount: int, unit: str, exponents: dict[str, int]) -> str:
    """``2000`` EUR minor units as ``20.00 EUR``, as the treasury's commands write amounts
    (``exponents``: each declared unit's decimals, ``cli/money.py``)."""
    return f"{format_amount(amount, exponent_of(unit, exponents))} {unit}"


def describe_rules(rules: dict[str, Any], exponents: dict[str, int]) -> list[str]:
    """A resource's rules as plain sentences, in the command line's language."""
    access = rules["access"]
    if access == "members":
        who = _("every member")
    else:
        who = _("holders of the %(role)s role", role=access["role"])
    limits = rules["limits"]
    allocation = {
        "open": N_("Used without booking."),
        "first_come": N_("Booked first come, first served."),
        "rotation": N_("Allocated in rounds, by rotation: those served longest ago first."),
        "lottery": N_("Allocated in rounds, by a lot drawn from the log."),
    }[rules["allocation"]]
    sentences = [
        _("Who may use it: %(who)s.", who=who),
        _(allocation),
        _(
            "Bookings last at most %(hours)s; at most %(active)s at a time; "
            "at most %(days)s ahead.",
            hours=ngettext("%(num)s hour", "%(num)s hours", limits["max_hours"]),
            active=limits["max_active"],
            days=ngettext("%(num)s day", "%(num)s days", limits["advance_days"]),
        ),
    ]
    if rules["deposit"]:
        deposit = money(rules["deposit"]["amount"], rules["deposit"]["unit"], exponents)
        sentences.append(_("Deposit: %(deposit)s.", deposit=deposit))
    ladder = " → ".join(
        ngettext("suspension %(num)s day", "suspension %(num)s days", step["days"])
        if step["kind"] == "suspension"
        else step["kind"]
        for step in rules["sanctions"]["ladder"]
    )
    memory = rules["sanctions"]["memory_days"]
    sentences.append(
        ngettext(
            "Breaches: %(ladder)s (remembered %(num)s day).",
            "Breaches: %(ladder)s (remembered %(num)s days).",
            memory,
            ladder=ladder,
        )
    )
    days = rules["appeals"]["days"]
    if rules["appeals"]["by"] == "stewards":
        sentences.append(
            ngettext(
                "Appeals within %(num)s day, heard by the stewards.",
                "Appeals within %(num)s days, heard by the stewards.",
                days,
            )
        )
    else:
        sentences.append(
            ngettext(
                "Appeals within %(num)s day, heard by a proposal.",
                "Appeals within %(num)s days, heard by a proposal.",
                days,
            )
        )
    return sentences


def show_resource(view: dict[str, Any], exponents: dict[str, int]) -> None:
    """A resource with its rules, bookings to come, rounds and recent reports."""
    console.print(f"[bold]{view['id']}. {view['title']}[/] ({view['kind']})", highlight=False)
    if view["description"]:
        console.print(view["description"], highlight=False)
    console.print(
        _(
            "Condition: %(condition)s · rules version %(rules_version)s",
            condition=view["condition"],
            rules_version=view["rules_version"],
        )
    )
    for sentence in describe_rules(view["rules"], exponents):
        console.print(f"  {sentence}", highlight=False)
    console.print(
        _("  Stewards: %(value)s", value=", ".join(view["rules"]["stewards"])), highlight=False
    )
    if view["bookings"]:
        console.print(_("\n[bold]Booked[/]"))
        show_bookings(view["bookings"], exponents)
    for r in view["rounds"]:
        console.print(
            _(
                "\nRound %(id)s (%(method)s): %(start)s to %(end)s, closes "
                "%(closes)s, %(value)s entered, %(status)s",
                id=r["id"],
                method=r["method"],
                start=r["start"],
                end=r["end"],
                closes=r["closes"],
                value=len(r["entries"]),
                status=r["status"],
            )
        )
    for report in view["reports"]:
        console.print(
            _(
                "  report %(id)s: %(condition)s — %(note)s",
                id=report["id"],
                condition=report["condition"],
                note=report["note"],
            ),
            highlight=False,
        )


def show_bookings(bookings: list[dict[str, Any]], exponents: dict[str, int]) -> None:
    """One line per booking."""
    for b in bookings:
        deposit = ""
        if b["deposit"]:
            deposit = _(
                "  deposit %(amount)s %(status)s",
                amount=money(b["deposit"]["amount"], b["deposit"]["unit"], exponents),
                status=b["deposit"]["status"],
            )
        console.print(
            _(
                "%(id)s  %(start)s → %(end)s  resource %(resource)s unit "
                "%(unit)s  %(value)s…  %(status)s%(deposit)s",
                id=format(b["id"], ">6"),
                start=b["start"],
                end=b["end"],
                resource=b["resource"],
                unit=b["unit"],
                value=b["member"][:24],
                status=b["status"],
                deposit=deposit,
            ),
            highlight=False,
        )


def show_round(view: dict[str, Any]) -> None:
    """A round, and once drawn, who got what and every ticket."""
    console.print(
        _(
            "[bold]Round %(id)s[/] of resource %(resource)s "
            "(%(method)s): %(start)s to %(end)s; entries close %(closes)s",
            id=view["id"],
            resource=view["resource"],
            method=view["method"],
            start=view["start"],
            end=view["end"],
            closes=view["closes"],
        )
    )
    console.print(
        _("%(value)s entered; %(status)s", value=len(view["entries"]), status=view["status"])
    )
    if view["allocation"] is not None:
        console.print(_("seed %(seed)s", seed=view["seed"]))
        for won in view["allocation"]:
            console.print(
                _("  unit %(unit)s: %(member)s", unit=won["unit"], member=won["member"]),
                highlight=False,
            )
    for did, ticket in view.get("tickets", {}).items():
        console.print(
            _("  ticket %(value)s…  %(did)s", value=ticket[:16], did=did), highlight=False
        )


def show_sanctions(sanctions: list[dict[str, Any]]) -> None:
    """One paragraph per sanction."""
    for s in sanctions:
        until = _(" until %(until)s", until=s["until"]) if s["until"] else ""
        console.print(
            _(
                "%(id)s  %(sanction)s%(until)s [%(status)s]  resource "
                "%(resource)s  %(value)s…: %(rule)s",
                id=format(s["id"], ">6"),
                sanction=s["sanction"],
                until=until,
                status=s["status"],
                resource=s["resource"],
                value=s["member"][:24],
                rule=s["rule"],
            ),
            highlight=False,
        )
        if s["appeal"]:
            console.print(
                _("        appealed: %(grounds)s", grounds=s["appeal"]["grounds"]), highlight=False
            )
        if s["decision"]:
            d = s["decision"]
            console.print(
                _(
                    "        %(outcome)s by %(via)s: %(reason)s",
                    outcome=d["outcome"],
                    via=d["via"],
                    reason=d["reason"],
                ),
                highlight=False,
            )

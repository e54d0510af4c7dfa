"""Terminal renderings of resources, bookings, rounds and sanctions."""

from __future__ import annotations

from typing import Any

from commonweal.cli.common import console
from commonweal.core.language import _
from commonweal.domain.treasury.units import format_amount
from commonweal.node.read_models.commons_words import exponent_of


def money(amount: int, unit: str, exponents: dict[str, int]) -> str:
    """``2000`` EUR minor units as ``20.00 EUR``, as the treasury's commands write amounts
    (``exponents``: each declared unit's decimals, ``cli/money.py``)."""
    return f"{format_amount(amount, exponent_of(unit, exponents))} {unit}"


def describe_rules(rules: dict[str, Any], exponents: dict[str, int]) -> list[str]:
    """A resource's rules as plain sentences."""
    access = rules["access"]
    who = "every member" if access == "members" else f"holders of the {access['role']} role"
    limits = rules["limits"]
    sentences = [
        f"Who may use it: {who}.",
        {
            "open": "Used without booking.",
            "first_come": "Booked first come, first served.",
            "rotation": "Allocated in rounds, by rotation: those served longest ago first.",
            "lottery": "Allocated in rounds, by a lot drawn from the log.",
        }[rules["allocation"]],
        f"Bookings last at most {limits['max_hours']} hours; at most {limits['max_active']} "
        f"at a time; at most {limits['advance_days']} days ahead.",
    ]
    if rules["deposit"]:
        deposit = money(rules["deposit"]["amount"], rules["deposit"]["unit"], exponents)
        sentences.append(f"Deposit: {deposit}.")
    ladder = " → ".join(
        f"suspension {step['days']} days" if step["kind"] == "suspension" else step["kind"]
        for step in rules["sanctions"]["ladder"]
    )
    sentences.append(f"Breaches: {ladder} (remembered {rules['sanctions']['memory_days']} days).")
    sentences.append(
        f"Appeals within {rules['appeals']['days']} days, heard by "
        + ("the stewards." if rules["appeals"]["by"] == "stewards" else "a proposal.")
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
            deposit = f"  deposit {money(b['deposit']['amount'], b['deposit']['unit'], exponents)} "
            deposit += b["deposit"]["status"]
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
        console.print(f"seed {view['seed']}")
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
        until = f" until {s['until']}" if s["until"] else ""
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
            console.print(f"        {d['outcome']} by {d['via']}: {d['reason']}", highlight=False)

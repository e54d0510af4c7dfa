"""Terminal renderings of resources, bookings, rounds and sanctions."""

from __future__ import annotations

from typing import Any

from commonweal.cli.common import console


def describe_rules(rules: dict[str, Any]) -> list[str]:
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
        sentences.append(
            f"Deposit: {rules['deposit']['amount']} {rules['deposit']['unit']} (minor units)."
        )
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


def show_resource(view: dict[str, Any]) -> None:
    """A resource with its rules, bookings to come, rounds and recent reports."""
    console.print(f"[bold]{view['id']}. {view['title']}[/] ({view['kind']})", highlight=False)
    if view["description"]:
        console.print(view["description"], highlight=False)
    console.print(f"Condition: {view['condition']} · rules version {view['rules_version']}")
    for sentence in describe_rules(view["rules"]):
        console.print(f"  {sentence}", highlight=False)
    console.print(f"  Stewards: {', '.join(view['rules']['stewards'])}", highlight=False)
    if view["bookings"]:
        console.print("\n[bold]Booked[/]")
        show_bookings(view["bookings"])
    for r in view["rounds"]:
        console.print(
            f"\nRound {r['id']} ({r['method']}): {r['start']} to {r['end']}, "
            f"closes {r['closes']}, {len(r['entries'])} entered, {r['status']}"
        )
    for report in view["reports"]:
        console.print(
            f"  report {report['id']}: {report['condition']} — {report['note']}", highlight=False
        )


def show_bookings(bookings: list[dict[str, Any]]) -> None:
    """One line per booking."""
    for b in bookings:
        deposit = ""
        if b["deposit"]:
            deposit = f"  deposit {b['deposit']['amount']} {b['deposit']['unit']} "
            deposit += b["deposit"]["status"]
        console.print(
            f"{b['id']:>6}  {b['start']} → {b['end']}  resource {b['resource']} unit {b['unit']}"
            f"  {b['member'][:24]}…  {b['status']}{deposit}",
            highlight=False,
        )


def show_round(view: dict[str, Any]) -> None:
    """A round, and once drawn, who got what and every ticket."""
    console.print(
        f"[bold]Round {view['id']}[/] of resource {view['resource']} ({view['method']}): "
        f"{view['start']} to {view['end']}; entries close {view['closes']}"
    )
    console.print(f"{len(view['entries'])} entered; {view['status']}")
    if view["allocation"] is not None:
        console.print(f"seed {view['seed']}")
        for won in view["allocation"]:
            console.print(f"  unit {won['unit']}: {won['member']}", highlight=False)
    for did, ticket in view.get("tickets", {}).items():
        console.print(f"  ticket {ticket[:16]}…  {did}", highlight=False)


def show_sanctions(sanctions: list[dict[str, Any]]) -> None:
    """One paragraph per sanction."""
    for s in sanctions:
        until = f" until {s['until']}" if s["until"] else ""
        console.print(
            f"{s['id']:>6}  {s['sanction']}{until} [{s['status']}]  resource {s['resource']}  "
            f"{s['member'][:24]}…: {s['rule']}",
            highlight=False,
        )
        if s["appeal"]:
            console.print(f"        appealed: {s['appeal']['grounds']}", highlight=False)
        if s["decision"]:
            d = s["decision"]
            console.print(f"        {d['outcome']} by {d['via']}: {d['reason']}", highlight=False)

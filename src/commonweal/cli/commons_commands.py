"""``commonweal commons …``: shared resources, bookings, rounds, reports, sanctions, deposits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from commonweal.cli.common import (
    NodeUrl,
    Signer,
    console,
    event_command,
    fail,
    fetch,
    filled,
    given,
    shifted,
    signing,
    when,
)
from commonweal.cli.commons_view import show_bookings, show_resource, show_round, show_sanctions
from commonweal.cli.money import exponents
from commonweal.core.language import N_, _

app = typer.Typer(
    help="The commons: shared resources, bookings, rounds, monitoring and sanctions.",
    no_args_is_help=True,
)
Resource = typer.Argument(..., help="The resource's id.")


@app.command("list")
def list_resources(node: str = NodeUrl) -> None:
    """Every shared resource, with how it is allocated and its condition."""
    for r in fetch(node, "/v1/commons")["resources"]:
        units = f"×{r['units']}" if r["units"] > 1 else ""
        console.print(
            _(
                "%(id)s  %(kind)s %(allocation)s %(condition)s "
                "%(title)s%(units)s  (%(upcoming_bookings)s booked)",
                id=format(r["id"], ">6"),
                kind=format(r["kind"], "<9"),
                allocation=format(r["allocation"], "<10"),
                condition=format(r["condition"], "<14"),
                title=r["title"],
                units=units,
                upcoming_bookings=r["upcoming_bookings"],
            ),
            highlight=False,
        )


@app.command("show")
def show(resource: int = Resource, node: str = NodeUrl) -> None:
    """A resource: its rules in plain words, bookings to come, rounds and reports."""
    show_resource(fetch(node, f"/v1/commons/{resource}"), exponents(node))


@app.command("register")
@signing
def register(
    title: str = typer.Option(..., help="What it is called."),
    kind: str = typer.Option(..., help="land, room, tool, vehicle, knowledge or other."),
    steward: list[str] = typer.Option(..., help="A steward's did:key (repeat)."),
    description: str = typer.Option("", help="A description."),
    monitor: list[str] = typer.Option([], help="A monitor's did:key (repeat)."),
    allocation: str = typer.Option("first_come", help="open, first_come, rotation or lottery."),
    units: int = typer.Option(1, help="How many identical units (bikes, plots)."),
    role: str | None = typer.Option(None, help="Only holders of this role may use it."),
    max_hours: int = typer.Option(24, help="Longest booking, in hours."),
    max_active: int = typer.Option(2, help="Bookings a member may hold at once."),
    advance_days: int = typer.Option(60, help="How far ahead one may book, in days."),
    deposit: str | None = typer.Option(None, help="A deposit per booking: 2000:EUR (minor units)."),
    appeals: str = typer.Option("stewards", help="Who hears appeals: stewards or proposal."),
    rules_file: Path | None = typer.Option(None, help="Or give the whole rules as a JSON file."),
    *,
    signer: Signer,
) -> None:
    """Register a shared resource with its first rules (needs commons.register)."""
    rules: dict[str, Any]
    if rules_file is not None:
        try:
            rules = json.loads(rules_file.read_text())
        except (OSError, ValueError) as error:
            raise fail(
                _("cannot read %(rules_file)s: %(error)s", rules_file=rules_file, error=error)
            ) from None
    else:
        rules = {
            "stewards": steward,
            "monitors": monitor,
            "access": {"role": role} if role else "members",
            "allocation": allocation,
            "units": units,
            "limits": {
                "max_hours": max_hours,
                "max_active": max_active,
                "advance_days": advance_days,
            },
            "deposit": _deposit(deposit),
            "appeals": {"by": appeals},
        }
    body = {"kind": kind, "title": title, "description": description, "rules": rules}
    signer.made("commons.resource.registered", body, N_("Resource [bold]%(index)s[/] registered."))


def _deposit(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    amount, _colon, unit = text.partition(":")
    if not amount.isdigit() or not unit:
        raise fail(_("a deposit is AMOUNT:UNIT in minor units, e.g. 2000:EUR for 20 euros"))
    return {"amount": int(amount), "unit": unit}


@app.command("describe")
@signing
def describe(
    resource: int = Resource,
    title: str | None = typer.Option(None, help="A new title."),
    description: str | None = typer.Option(None, help="A new description."),
    *,
    signer: Signer,
) -> None:
    """As a steward: rename or redescribe a resource (its rules change only by proposal)."""
    body: dict[str, Any] = {"resource": resource}
    body.update(given(title=title, description=description))
    signer.act("commons.resource.updated", body)


@app.command("book")
@signing
def book(
    resource: int = Resource,
    start: str = typer.Option(..., help="When it starts: RFC 3339, or now."),
    end: str | None = typer.Option(None, help="When it ends (RFC 3339)..."),
    hours: float | None = typer.Option(None, help="...or how many hours it lasts."),
    unit: int | None = typer.Option(None, help="A particular unit (bike 2, plot 7)."),
    note: str = typer.Option("", help="A note (public)."),
    *,
    signer: Signer,
) -> None:
    """Book a resource; the booking's id is the receipt's index."""
    begins = when(start)
    if (end is None) == (hours is None):
        raise fail(_("give either --end or --hours"))
    body: dict[str, Any] = {
        "resource": resource,
        "start": begins,
        "end": when(end) if end is not None else shifted(begins, hours or 0),
    }
    body.update(given(unit=unit))
    body.update(filled(note=note))
    receipt = signer.act("commons.booking.made", body)
    console.print(
        _(
            "Booking [bold]%(index)s[/]: %(start)s to %(end)s.",
            index=receipt["index"],
            start=body["start"],
            end=body["end"],
        )
    )


event_command(
    app,
    "cancel",
    "commons.booking.cancelled",
    "Cancel your booking (or, as a steward, anyone's).",
    subject="booking",
    argument=typer.Argument(..., help="The booking's id."),
    reason="Why (public).",
)


@app.command("bookings")
def bookings(
    resource: int | None = typer.Option(None, help="Only this resource."),
    member: str | None = typer.Option(None, help="Only this member's."),
    past: bool = typer.Option(False, "--all", help="Include past and cancelled bookings."),
    node: str = NodeUrl,
) -> None:
    """Bookings to come, by start time."""
    found = fetch(
        node,
        "/v1/commons/bookings",
        resource=resource,
        member=member,
        include_past="true" if past else None,
    )
    show_bookings(found["bookings"], exponents(node))


@app.command("open-round")
@signing
def open_round(
    resource: int = Resource,
    start: str = typer.Option(..., help="The period allocated starts (RFC 3339)."),
    end: str = typer.Option(..., help="The period ends (RFC 3339)."),
    closes: str = typer.Option(..., help="Entries close, and the node allocates (RFC 3339)."),
    note: str = typer.Option("", help="A note (public)."),
    *,
    signer: Signer,
) -> None:
    """As a steward: open a rotation or lottery round for a period."""
    body = {
        "resource": resource,
        "start": when(start),
        "end": when(end),
        "closes": when(closes),
        "note": note,
    }
    receipt = signer.act("commons.round.opened", body)
    console.print(
        _(
            "Round [bold]%(index)s[/] open until %(closes)s.",
            index=receipt["index"],
            closes=body["closes"],
        )
    )


event_command(
    app,
    "enter",
    "commons.round.entered",
    "Enter an open round; when entries close, the node allocates by rotation or lottery.",
    subject="allocation_round",
    argument=typer.Argument(..., metavar="ROUND", help="The round's id."),
    member="round",
)


@app.command("round")
def show_allocation_round(
    allocation_round: int = typer.Argument(..., metavar="ROUND", help="The round's id."),
    node: str = NodeUrl,
) -> None:
    """A round: its entries and, once allocated, the draw with every ticket."""
    show_round(fetch(node, f"/v1/commons/rounds/{allocation_round}"))


@app.command("report")
@signing
def report(
    resource: int = Resource,
    condition: str = typer.Option(..., help="good, worn, damaged or out_of_service."),
    note: str = typer.Option("", help="What you found (public)."),
    booking: int | None = typer.Option(None, help="The booking this report follows."),
    *,
    signer: Signer,
) -> None:
    """Report the condition of a resource (monitoring)."""
    body: dict[str, Any] = {"resource": resource, "condition": condition, "note": note}
    body.update(given(booking=booking))
    signer.act("commons.condition.reported", body)


@app.command("breach")
@signing
def breach(
    resource: int = Resource,
    member: str = typer.Argument(..., help="The member's did:key."),
    rule: str = typer.Option(..., help="Which rule was broken, in plain words."),
    serious: bool = typer.Option(False, "--serious", help="A serious breach: one step more."),
    booking: int | None = typer.Option(None, help="The booking it happened in."),
    note: str = typer.Option("", help="What happened (public)."),
    *,
    signer: Signer,
) -> None:
    """As a steward or monitor: report a breach; the rules' ladder sets the sanction."""
    body: dict[str, Any] = {
        "resource": resource,
        "member": member,
        "rule": rule,
        "severity": "serious" if serious else "minor",
        "note": note,
    }
    body.update(given(booking=booking))
    signer.made("commons.breach.reported", body, N_("Sanction [bold]%(index)s[/] recorded."))


Sanction = typer.Argument(..., help="The sanction's id.")

event_command(
    app,
    "appeal",
    "commons.appeal.filed",
    "Appeal a sanction imposed on you.",
    subject="sanction",
    argument=Sanction,
    also=[("grounds", str, typer.Option(..., help="Why it should be overturned (public)."))],
)
event_command(
    app,
    "decide",
    "commons.appeal.decided",
    """As a steward who did not report it: decide an appeal the stewards hear.

    Appeals heard by proposal, and referrals, are decided by a proposal of kind
    commons with the action {"type": "commons.sanction.decide", ...}.
    """,
    subject="sanction",
    argument=Sanction,
    also=[("outcome", str, typer.Option(..., help="upheld or overturned."))],
    reason="Why (public).",
)


@app.command("sanctions")
def list_sanctions(
    resource: int | None = typer.Option(None, help="Only this resource."),
    member: str | None = typer.Option(None, help="Only this member's."),
    node: str = NodeUrl,
) -> None:
    """Sanctions, newest first, with appeals and decisions."""
    show_sanctions(
        fetch(node, "/v1/commons/sanctions", resource=resource, member=member)["sanctions"]
    )


@app.command("standing")
def standing(
    did: str = typer.Argument(..., help="A member's did:key."), node: str = NodeUrl
) -> None:
    """May this member use each resource now, and if not, until when."""
    document = fetch(node, f"/v1/commons/members/{did}")
    for entry in document["resources"]:
        if entry["may_use"]:
            state = "may use"
        elif entry["suspended_by"] is not None:
            until = entry["suspended_until"] or "the assembly decides"
            state = f"suspended until {until} (sanction {entry['suspended_by']})"
        else:
            state = "may not use"
        console.print(f"{entry['resource']:>6}  {entry['title']:<28} {state}", highlight=False)
    show_bookings(document["bookings"], exponents(node))


@app.command("deposit")
@signing
def deposit(
    action: str = typer.Argument(..., help="received or returned."),
    booking: int = typer.Argument(..., help="The booking's id."),
    retained: int = typer.Option(0, help="Part kept back, in minor units (returned only)."),
    reason: str = typer.Option("", help="Why part is kept (public)."),
    *,
    signer: Signer,
) -> None:
    """As a steward: record a booking's deposit received, or returned after the booking."""
    if action not in ("received", "returned"):
        raise fail(_("the action is received or returned"))
    owed = fetch(signer.node, f"/v1/commons/bookings/{booking}")["deposit"]
    if owed is None:
        raise fail(_("booking %(booking)s owes no deposit", booking=booking))
    body: dict[str, Any] = {"booking": booking, "amount": owed["amount"], "unit": owed["unit"]}
    if action == "returned":
        body.update(amount=owed["amount"] - retained, retained=retained, reason=reason)
    signer.act(f"commons.deposit.{action}", body)

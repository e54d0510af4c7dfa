"""``commonweal gathering …``: schedule, RSVP, check in, reveal the code, see who came."""

from __future__ import annotations

import secrets
from typing import Any

import typer

from commonweal.cli.common import (
    NodeUrl,
    Signer,
    console,
    event_command,
    fail,
    fetch,
    signing,
    when,
)
from commonweal.core.did import did_key_from_public_key
from commonweal.core.language import N_, _
from commonweal.domain.gatherings.records import claim_proof, code_hash

app = typer.Typer(
    help="Gatherings and assemblies: RSVPs, check-in, attendance credentials.",
    no_args_is_help=True,
)
Gathering = typer.Argument(..., help="The gathering's id.")
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""Crockford-like: no 0/O or 1/I to misread on a screen at the venue."""


def new_code() -> str:
    """A check-in code of 60 random bits, in three groups of four: ``7KQ3-M9XA-R2TD``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[n : n + 4] for n in range(0, 12, 4))


@app.command("code")
def code() -> None:
    """Make a check-in code to show at the venue, and the hash to put in the schedule."""
    made = new_code()
    console.print(
        _("code  %(made)s   (show it at the venue; keep it until you reveal it)", made=made)
    )
    console.print(f"hash  {code_hash(made)}")


@app.command("list")
def list_gatherings(
    past: bool = typer.Option(False, "--past", help="Gatherings that are over."),
    every: bool = typer.Option(False, "--all", help="All gatherings."),
    node: str = NodeUrl,
) -> None:
    """Gatherings to come (or past ones), by start time."""
    period = "all" if every else "past" if past else "upcoming"
    for g in fetch(node, "/v1/gatherings", when=period)["gatherings"]:
        places = f"{g['going']}/{g['capacity']}" if g["capacity"] else f"{g['going']}"
        state = " [cancelled]" if g["cancelled"] else ""
        console.print(
            _(
                "%(id)s  %(starts)s  %(kind)s %(title)s  (%(places)s going, "
                "%(waiting)s waiting, %(attended)s attended)%(state)s",
                id=format(g["id"], ">6"),
                starts=g["starts"],
                kind=format(g["kind"], "<9"),
                title=g["title"],
                places=places,
                waiting=g["waiting"],
                attended=g["attended"],
                state=state,
            ),
            highlight=False,
        )


@app.command("show")
def show(gathering: int = Gathering, node: str = NodeUrl) -> None:
    """A gathering: when and where, who is going, who is waiting, who attended."""
    g = fetch(node, f"/v1/gatherings/{gathering}")
    console.print(f"[bold]{g['id']}. {g['title']}[/] ({g['kind']})", highlight=False)
    console.print(f"{g['starts']} → {g['ends']}  {g['place']}", highlight=False)
    if g["description"]:
        console.print(g["description"], highlight=False)
    if g["cancelled"]:
        console.print(
            _("[red]cancelled[/]: %(reason)s", reason=g["cancelled"]["reason"]), highlight=False
        )
    capacity = g["capacity"] or "no limit"
    console.print(
        _(
            "capacity %(capacity)s; %(going)s going; %(waiting)s waiting",
            capacity=capacity,
            going=g["going"],
            waiting=g["waiting"],
        )
    )
    for rsvp in g["rsvps"]:
        console.print(f"  {rsvp['status']:<11} {rsvp['member']}", highlight=False)
    for a in g["attendance"]:
        console.print(f"  {a['status']:<11} {a['member']} ({a['method']})", highlight=False)


@app.command("schedule")
@signing
def schedule(
    title: str = typer.Option(..., help="What it is."),
    starts: str = typer.Option(..., help="When it starts (RFC 3339)."),
    ends: str = typer.Option(..., help="When it ends (RFC 3339)."),
    assembly: bool = typer.Option(False, "--assembly", help="An assembly (gatherings.convene)."),
    place: str = typer.Option("", help="Where (public)."),
    description: str = typer.Option("", help="What will happen."),
    capacity: int = typer.Option(0, help="Places (0: no limit)."),
    no_waitlist: bool = typer.Option(False, "--no-waitlist", help="Refuse RSVPs once full."),
    rsvp_required: bool = typer.Option(
        False, "--rsvp-required", help="Check in only those with a place."
    ),
    checkin_code: str | None = typer.Option(
        None, "--code", help="A self check-in code (see `gathering code`); only its hash is logged."
    ),
    organiser: list[str] = typer.Option([], help="A co-organiser's did:key (repeat)."),
    *,
    signer: Signer,
) -> None:
    """Schedule a gathering (or an assembly); its id is the receipt's index."""
    body: dict[str, Any] = {
        "kind": "assembly" if assembly else "gathering",
        "title": title,
        "description": description,
        "place": place,
        "starts": when(starts),
        "ends": when(ends),
        "capacity": capacity,
        "waitlist": not no_waitlist,
        "rsvp_required": rsvp_required,
        "organisers": organiser,
    }
    if checkin_code is not None:
        body["checkin_code_hash"] = code_hash(checkin_code)
    signer.made(
        "gatherings.gathering.scheduled", body, N_("Gathering [bold]%(index)s[/] scheduled.")
    )


event_command(
    app,
    "cancel",
    "gatherings.gathering.cancelled",
    "As an organiser: call a gathering off.",
    subject="gathering",
    argument=Gathering,
    reason="Why (public).",
)


@app.command("rsvp")
@signing
def rsvp(
    gathering: int = Gathering,
    response: str = typer.Argument("yes", help="yes or no."),
    *,
    signer: Signer,
) -> None:
    """Say whether you are coming (a place, or the waitlist when it is full)."""
    if response not in ("yes", "no"):
        raise fail(_("the response is yes or no"))
    body = {"gathering": gathering, "response": response}
    signer.act("gatherings.rsvp.given", body)


event_command(
    app,
    "checkin",
    "gatherings.attendee.checked_in",
    "As an organiser: check an attendee in (they are owed an attendance credential).",
    subject="gathering",
    argument=Gathering,
    also=[("member", str, typer.Argument(..., help="The attendee's did:key."))],
)


@app.command("claim")
@signing
def claim(
    gathering: int = Gathering,
    checkin_code: str = typer.Option(..., "--code", help="The code shown at the venue."),
    *,
    signer: Signer,
) -> None:
    """Check yourself in with the code at the venue (confirmed when the organiser reveals it).

    Only a proof that binds the code to your DID is logged, never the code.
    """
    key = signer.signing_key()
    node_did = fetch(signer.node, "/.well-known/commonweal")["did"]
    did = did_key_from_public_key(key.public_key)
    body = {"gathering": gathering, "proof": claim_proof(checkin_code, node_did, gathering, did)}
    signer.act("gatherings.checkin.claimed", body)


event_command(
    app,
    "reveal",
    "gatherings.code.revealed",
    "As an organiser, after the end: reveal the code; every self check-in is checked.",
    subject="gathering",
    argument=Gathering,
    also=[("code", str, typer.Option(..., "--code", help="The code that was shown."))],
)

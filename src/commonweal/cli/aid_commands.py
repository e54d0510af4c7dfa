"""``commonweal aid …``: ask for and offer help, take it up, message, settle."""

from __future__ import annotations

import json
from typing import Any

import typer

from commonweal.cli.common import NodeUrl, Signer, console, event_command, fail, fetch, signing
from commonweal.cli.funding_view import short, table, when
from commonweal.client.aid import read_inbox, send_message
from commonweal.core.language import N_, _

app = typer.Typer(
    help="Mutual aid: requests and offers, claims, messages through the node, settlement.",
    no_args_is_help=True,
)
Area = typer.Option("", help="Where, coarsely: a geohash of at most 5 characters (≈5 km).")
Category = typer.Option(..., help="What kind of help: food, housing, transport, care, tools…")


def _post_body(
    title: str, category: str, area: str, when_text: str, details: str, expires: str | None
) -> dict[str, Any]:
    body: dict[str, Any] = {"title": title, "category": category}
    for name, value in (("area", area), ("when", when_text), ("details", details)):
        if value:
            body[name] = value
    if expires:
        body["expires"] = when(expires)
    return body


@app.command("request")
@signing
def request(
    title: str = typer.Argument(..., help="What you need, in a line."),
    category: str = Category,
    urgency: str = typer.Option("normal", help="low, normal, high or urgent."),
    area: str = Area,
    when_text: str = typer.Option("", "--when", help='When, in words ("weekday evenings").'),
    details: str = typer.Option("", help="More about it (public: no addresses or phones)."),
    expires: str | None = typer.Option(None, help="When the request lapses: RFC 3339 or 7d."),
    *,
    signer: Signer,
) -> None:
    """Ask for help (the request's id is the receipt's index)."""
    body = _post_body(title, category, area, when_text, details, expires)
    body["urgency"] = urgency
    signer.made("aid.request.posted", body, N_("Request [bold]%(index)s[/] posted."))


@app.command("offer")
@signing
def offer(
    title: str = typer.Argument(..., help="What you offer, in a line."),
    category: str = Category,
    area: str = Area,
    when_text: str = typer.Option("", "--when", help="When, in words."),
    details: str = typer.Option("", help="More about it (public: no addresses or phones)."),
    expires: str | None = typer.Option(None, help="When the offer lapses: RFC 3339 or 7d."),
    *,
    signer: Signer,
) -> None:
    """Offer help (the offer's id is the receipt's index)."""
    body = _post_body(title, category, area, when_text, details, expires)
    signer.made("aid.offer.posted", body, N_("Offer [bold]%(index)s[/] posted."))


@app.command("list")
def list_posts(
    kind: str | None = typer.Option(None, help="request or offer."),
    status: str | None = typer.Option(None, help="open, claimed, fulfilled, settled…"),
    category: str | None = typer.Option(None),
    near: str | None = typer.Option(None, help="A geohash cell to measure from."),
    within_km: int | None = typer.Option(None, help="Only posts this close to --near."),
    node: str = NodeUrl,
) -> None:
    """Requests and offers, newest first."""
    found = fetch(
        node,
        "/v1/aid/posts",
        kind=kind,
        status=status,
        category=category,
        near=near,
        within_km=within_km,
    )["posts"]
    rows = [
        [
            p["id"],
            p["kind"],
            p["category"],
            p["urgency"],
            p["area"] or "anywhere",
            p["status"],
            p["title"],
        ]
        for p in found
    ]
    table("Aid posts", ["id", "kind", "category", "urgency", "area", "status", "title"], rows)


@app.command("show")
def show(post: int = typer.Argument(...), node: str = NodeUrl) -> None:
    """One post, as JSON."""
    console.print_json(json.dumps(fetch(node, f"/v1/aid/posts/{post}")))


@app.command("matches")
def matches(
    post: int = typer.Argument(...),
    within_km: int | None = typer.Option(None, help="At most this far."),
    node: str = NodeUrl,
) -> None:
    """Open posts that could meet this one: same category, the other kind, nearest first."""
    found = fetch(node, f"/v1/aid/posts/{post}/matches", within_km=within_km)["matches"]
    rows = [
        [m["id"], m["kind"], m["urgency"], m["distance_km"], short(m["author"]), m["title"]]
        for m in found
    ]
    table("Matches", ["id", "kind", "urgency", "km", "by", "title"], rows)


for _command, _type, _field, _summary in (
    ("claim", "aid.offer.claimed", "offer", "Take up an offer (one claim at a time)."),
    ("answer", "aid.request.answered", "request", "Answer a request: you will help."),
    ("release", "aid.claim.released", "post", "Let a claim go; the post opens again."),
    ("done", "aid.post.fulfilled", "post", "Record that the help was given."),
    ("withdraw", "aid.post.withdrawn", "post", "Withdraw your post."),
):
    event_command(
        app,
        _command,
        _type,
        _summary,
        subject="post",
        argument=typer.Argument(..., help="The post's id."),
        member=_field,
    )


@app.command("settle")
@signing
def settle(
    post: int = typer.Argument(..., help="The post's id."),
    credit: int | None = typer.Option(None, help="Settle in mutual credit: minor units."),
    unit: str | None = typer.Option(None, help="The mutual-credit unit (with --credit): RVC."),
    minutes: int | None = typer.Option(None, help="Settle in time-bank hours, as minutes."),
    *,
    signer: Signer,
) -> None:
    """As the one who received the help: settle it (a gift unless --credit or --minutes)."""
    if credit is not None and minutes is not None:
        raise fail(_("settle in credit or in hours, not both"))
    if credit is not None and unit is None:
        raise fail(_("--credit needs --unit, the code of a unit the node runs as mutual credit"))
    body: dict[str, Any] = {"post": post, "as": "gift"}
    if credit is not None:
        body = {"post": post, "as": "credit", "amount": credit, "unit": unit}
    elif minutes is not None:
        body = {"post": post, "as": "hours", "minutes": minutes}
    signer.act("aid.post.settled", body)


@app.command("message")
@signing
def message(
    post: int = typer.Argument(..., help="The post's id."),
    text: str = typer.Argument(..., help="What to say (kept off the log; erased when it closes)."),
    to: str = typer.Option(..., help="The other party's did:key."),
    *,
    signer: Signer,
) -> None:
    """Write to the other party of a post through the node (no contact details exchanged)."""
    key = signer.signing_key()
    with signer.connected() as client:
        receipt = send_message(client, key, post, to, text)
    console.print_json(json.dumps(receipt))


@app.command("inbox")
@signing
def inbox(
    *,
    signer: Signer,
) -> None:
    """Your messages about posts still being worked out (a request signed by your key)."""
    key = signer.signing_key()
    with signer.connected() as client:
        found = read_inbox(client, key)
    rows = [[m["post"], m["at"], short(m["from"]), m["text"]] for m in found]
    table("Messages", ["post", "at", "from", "text"], rows)

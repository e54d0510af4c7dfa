"""``commonweal place …``: register, describe anew and close places; list and show them."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape

from commonweal.cli.common import NodeUrl, Signer, console, fail, fetch, given, signing
from commonweal.core.language import N_, _

app = typer.Typer(
    help="Places: the hubs, buildings and land a node holds, and the network's map.",
    no_args_is_help=True,
)
Place = typer.Argument(..., help="The place's id.")


def _options(
    *,
    name: str | None,
    kind: str | None,
    description: str | None,
    lat: str | None,
    lon: str | None,
    area: int | None,
    beds: int | None,
    seats: int | None,
    tenure: str | None,
    shares: str | None,
    since: str | None,
    resource: list[int] | None,
    campaign: int | None,
    proposal: int | None,
    entry: int | None,
) -> dict[str, Any]:
    """The event body members the options give (coordinates passed on as typed: the node
    checks them, so the CLI and the API refuse the same things with the same codes)."""
    body: dict[str, Any] = given(
        name=name, kind=kind, description=description, area_m2=area, tenure=tenure, since=since
    )
    if lat is not None or lon is not None:
        if lat is None or lon is None:
            raise fail(_("give both --lat and --lon"))
        body["location"] = {"lat": lat, "lon": lon}
    if beds is not None or seats is not None:
        body["capacity"] = given(beds=beds, seats=seats)
    if shares is not None:
        held, _slash, whole = shares.partition("/")
        if not (held.isdigit() and whole.isdigit()):
            raise fail(_("--shares is the node's parts of the whole, like 1/4"))
        body["shares"] = {"held": int(held), "of": int(whole)}
    if resource:
        body["resources"] = resource
    funding = given(campaign=campaign, proposal=proposal, entry=entry)
    if funding:
        body["funding"] = funding
    return body


NameOption = typer.Option(None, "--name", help="What the place is called.")
KindOption = typer.Option(
    None, "--kind", help="hub, building, land, garden, workshop, office or other."
)
DescriptionOption = typer.Option(None, "--description", help="A description.")
LatOption = typer.Option(
    None, "--lat", help="Latitude in degrees, a decimal (-90 to 90), e.g. 38.7223."
)
LonOption = typer.Option(
    None, "--lon", help="Longitude in degrees, a decimal (-180 to 180), e.g. -9.1393."
)
AreaOption = typer.Option(None, "--area", help="Area in whole square metres.")
BedsOption = typer.Option(None, "--beds", help="Beds.")
SeatsOption = typer.Option(None, "--seats", help="Seats.")
TenureOption = typer.Option(None, "--tenure", help="owned, leased, shared or co_owned.")
SharesOption = typer.Option(None, "--shares", help="A co-owned place's shares we hold: 1/4.")
SinceOption = typer.Option(None, "--since", help="Held since (a date: 2024-05-01).")
ResourceOption = typer.Option(None, "--resource", help="A shared resource it holds (repeat).")
CampaignOption = typer.Option(None, "--campaign", help="The campaign that funded it.")
ProposalOption = typer.Option(None, "--proposal", help="The decision that funded it.")
EntryOption = typer.Option(None, "--entry", help="The ledger entry that paid for it.")


@app.command("register")
@signing
def register(
    name: str = typer.Option(..., "--name", help="What the place is called."),
    kind: str = typer.Option(
        ..., "--kind", help="hub, building, land, garden, workshop, office or other."
    ),
    lat: str = typer.Option(..., "--lat", help="Latitude in degrees (-90 to 90), e.g. 38.7223."),
    lon: str = typer.Option(..., "--lon", help="Longitude in degrees (-180 to 180), e.g. -9.1393."),
    area: int = typer.Option(..., "--area", help="Area in whole square metres."),
    tenure: str = typer.Option(..., "--tenure", help="owned, leased, shared or co_owned."),
    since: str = typer.Option(..., "--since", help="Held since (a date: 2024-05-01)."),
    description: str | None = DescriptionOption,
    beds: int | None = BedsOption,
    seats: int | None = SeatsOption,
    shares: str | None = SharesOption,
    resource: list[int] | None = ResourceOption,
    campaign: int | None = CampaignOption,
    proposal: int | None = ProposalOption,
    entry: int | None = EntryOption,
    *,
    signer: Signer,
) -> None:
    """Register a place (needs commons.register: stewards hold it)."""
    body = _options(
        name=name, kind=kind, description=description, lat=lat, lon=lon, area=area, beds=beds,
        seats=seats, tenure=tenure, shares=shares, since=since, resource=resource,
        campaign=campaign, proposal=proposal, entry=entry,
    )  # fmt: skip
    signer.made("places.place.registered", body, N_("Place [bold]%(index)s[/] registered."))


@app.command("update")
@signing
def update(
    place: int = Place,
    name: str | None = NameOption,
    kind: str | None = KindOption,
    description: str | None = DescriptionOption,
    lat: str | None = LatOption,
    lon: str | None = LonOption,
    area: int | None = AreaOption,
    beds: int | None = BedsOption,
    seats: int | None = SeatsOption,
    tenure: str | None = TenureOption,
    shares: str | None = SharesOption,
    since: str | None = SinceOption,
    resource: list[int] | None = ResourceOption,
    campaign: int | None = CampaignOption,
    proposal: int | None = ProposalOption,
    entry: int | None = EntryOption,
    *,
    signer: Signer,
) -> None:
    """Describe a place anew: only the options given change."""
    body = _options(
        name=name, kind=kind, description=description, lat=lat, lon=lon, area=area, beds=beds,
        seats=seats, tenure=tenure, shares=shares, since=since, resource=resource,
        campaign=campaign, proposal=proposal, entry=entry,
    )  # fmt: skip
    if not body:
        raise fail(_("say what changes (see --help)"))
    signer.act("places.place.updated", {"place": place, **body})
    console.print(_("Place [bold]%(place)s[/] updated.", place=place))


@app.command("close")
@signing
def close(
    place: int = Place,
    reason: str = typer.Option("", "--reason", help="Why it is no longer held."),
    *,
    signer: Signer,
) -> None:
    """Record that a place is no longer held (sold, lease ended)."""
    signer.act("places.place.closed", {"place": place, "reason": reason})
    console.print(_("Place [bold]%(place)s[/] closed.", place=place))


def _line(p: dict[str, Any]) -> str:
    capacity = p["capacity"]
    shares = f" {p['shares']['held']}/{p['shares']['of']}" if p.get("shares") else ""
    closed = " (closed)" if p.get("closed") else ""
    return (
        f"{p['id']:>6}  {p['kind']:<9} {p['location']['lat']:>10},{p['location']['lon']:<11} "
        f"{p['area_m2']:>9,} m²  {capacity['beds']:>4} beds {capacity['seats']:>5} seats  "
        f"{p['tenure']}{shares}  {p['name']}{closed}"
    )


@app.command("list")
def list_places(
    closed: bool = typer.Option(False, "--closed", help="Places no longer held too."),
    network: bool = typer.Option(
        False, "--network", help="Every recognised node's places, as this node last fetched them."
    ),
    node: str = NodeUrl,
) -> None:
    """This node's places (or the network's), with area, capacity and tenure."""
    if network:
        found = fetch(node, "/v1/network/places")
        for entry in found["nodes"]:
            where = "this node" if entry["here"] else entry["url"]
            late = f", last try failed: {entry['error']}" if entry["error"] else ""
            console.print(
                f"[bold]{escape(entry['name'])}[/] ({escape(where + late)})", highlight=False
            )
            for p in entry["places"]:
                console.print(_line(p), highlight=False, markup=False)
        console.print(
            _(
                "%(places)s places, %(area_m2)s m², %(beds)s beds, %(seats)s seats",
                places=found["places"],
                area_m2=format(found["area_m2"], ","),
                beds=found["beds"],
                seats=found["seats"],
            )
        )
        return
    found = fetch(node, "/v1/places", closed="true" if closed else None)
    for p in found["places"]:
        console.print(_line(p), highlight=False, markup=False)
    totals = found["footprint"]
    console.print(
        _(
            "%(places)s places held, %(area_m2)s m² (%(held_area_m2)s m² "
            "ours), %(beds)s beds, %(seats)s seats",
            places=totals["places"],
            area_m2=format(totals["area_m2"], ","),
            held_area_m2=format(totals["held_area_m2"], ","),
            beds=totals["beds"],
            seats=totals["seats"],
        )
    )


@app.command("show")
def show(place: int = Place, node: str = NodeUrl) -> None:
    """A place: where, how big, how held, what it holds and what funded it."""
    p = fetch(node, f"/v1/places/{place}")
    console.print(f"[bold]{p['id']}. {escape(p['name'])}[/] ({p['kind']})", highlight=False)
    console.print(_line(p), highlight=False, markup=False)
    if p["description"]:
        console.print(p["description"], highlight=False, markup=False)
    console.print(
        _(
            "since %(since)s; registered %(registered_at)s by %(registered_by)s",
            since=p["since"],
            registered_at=p["registered_at"],
            registered_by=p["registered_by"],
        )
    )
    for r in p["resources"]:
        console.print(
            _("  holds resource %(id)s: %(title)s", id=r["id"], title=r["title"]),
            highlight=False,
            markup=False,
        )
    for f in p["funded_by"]:
        console.print(
            _(
                "  funded by %(kind)s %(id)s: %(title)s (%(status)s)",
                kind=f["kind"],
                id=f["id"],
                title=f["title"],
                status=f["status"],
            ),
            highlight=False,
            markup=False,
        )
    if p["closed"]:
        console.print(
            _(
                "[red]closed[/] %(at)s: %(reason)s",
                at=p["closed"]["at"],
                reason=escape(p["closed"]["reason"]),
            )
        )

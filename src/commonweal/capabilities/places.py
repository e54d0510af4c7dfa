"""Places: the hubs, buildings and land a node holds, what funded them, and the map."""

from __future__ import annotations

import typer
from fastapi import APIRouter

from commonweal.capability import Capability, DemoChapter, NavEntry, WebParts
from commonweal.demo import places as demo
from commonweal.domain import catalog


def _api(parts: WebParts) -> APIRouter:
    from commonweal.web import places_api

    return places_api.router(parts.federation)


def _pages(parts: WebParts) -> APIRouter:
    from commonweal.web import places_pages

    return places_pages.router(parts.federation)  # listed before federation: /network/map


def _cli(app: typer.Typer) -> None:
    from commonweal.cli import places_commands

    app.add_typer(places_commands.app, name="place")


CAPABILITY = Capability(
    name="places",
    event_types=catalog.places,
    api=(_api,),
    pages=(_pages,),
    navigation=(NavEntry(75, "Places", "/places"),),
    cli=_cli,
    demo=(DemoChapter(35, demo.tell),),
)

"""Commons: shared resources, their rules, bookings, allocation rounds, sanctions, deposits."""

from __future__ import annotations

import typer
from fastapi import APIRouter

from commonweal.capability import Capability, DemoChapter, DueWork, NavEntry, WebParts
from commonweal.demo import commons as demo
from commonweal.domain import catalog
from commonweal.node.services import commons


def _api(parts: WebParts) -> APIRouter:
    from commonweal.web import commons_api

    return commons_api.router(parts.node)


def _pages(parts: WebParts) -> APIRouter:
    from commonweal.web import commons_pages

    return commons_pages.router(parts.node)


def _cli(app: typer.Typer) -> None:
    from commonweal.cli import commons_commands

    app.add_typer(commons_commands.app, name="commons")


CAPABILITY = Capability(
    name="commons",
    event_types=catalog.commons,
    api=(_api,),
    pages=(_pages,),
    navigation=(NavEntry(60, "Commons", "/commons"),),
    cli=_cli,
    due_work=(DueWork("commons", commons.run_due),),
    demo=(DemoChapter(20, demo.past), DemoChapter(60, demo.upcoming)),
)

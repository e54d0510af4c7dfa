"""The census: each node's figures, logged and recomputed, and the network's, proven."""

from __future__ import annotations

import typer
from fastapi import APIRouter

from commonweal.capability import Capability, DemoChapter, DueWork, NavEntry, WebParts
from commonweal.demo import census as demo
from commonweal.domain import catalog
from commonweal.node.services import census


def _api(parts: WebParts) -> APIRouter:
    from commonweal.web import census_api

    return census_api.router(parts.node)


def _pages(parts: WebParts) -> APIRouter:
    from commonweal.web import census_pages

    return census_pages.router(parts.node)


def _cli(app: typer.Typer) -> None:
    from commonweal.cli import census_commands

    app.add_typer(census_commands.app, name="census")


CAPABILITY = Capability(
    name="census",
    event_types=catalog.census,
    api=(_api,),
    pages=(_pages,),
    navigation=(NavEntry(145, "Census", "/census"),),
    cli=_cli,
    due_work=(DueWork("census", census.run_due),),
    demo=(
        DemoChapter(5, demo.founding),
        DemoChapter(12, demo.treasury_year),
        DemoChapter(22, demo.spring),
        DemoChapter(90, demo.this_month),
    ),
)

"""Treasury: the double-entry ledger, income, transfers, expenses with N-of-M approval, budgets.
Its API router serves ``/v1/credit`` too."""

from __future__ import annotations

import typer
from fastapi import APIRouter

from commonweal.capability import Capability, DemoChapter, NavEntry, WebParts
from commonweal.demo import treasury as demo
from commonweal.domain import catalog


def _api(parts: WebParts) -> APIRouter:
    from commonweal.web import treasury_api

    return treasury_api.router(parts.node)


def _pages(parts: WebParts) -> APIRouter:
    from commonweal.web import treasury_pages

    return treasury_pages.router(parts.node)


def _cli(app: typer.Typer) -> None:
    from commonweal.cli import treasury_commands

    app.add_typer(treasury_commands.app, name="treasury")


CAPABILITY = Capability(
    name="treasury",
    event_types=catalog.treasury,
    api=(_api,),
    pages=(_pages,),
    navigation=(NavEntry(100, "Treasury", "/treasury"),),
    cli=_cli,
    demo=(DemoChapter(10, demo.tell),),
)

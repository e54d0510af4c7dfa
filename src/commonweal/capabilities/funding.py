"""Funding: quadratic-funding rounds and conviction-voting pools (URLs and commands say
``rounds`` and ``round``, as they always have)."""

from __future__ import annotations

import typer
from fastapi import APIRouter

from commonweal.capability import Capability, DemoChapter, DueWork, NavEntry, WebParts
from commonweal.demo import funding as demo
from commonweal.domain import catalog
from commonweal.node.services import funding


def _api(parts: WebParts) -> APIRouter:
    from commonweal.web import funding_api

    return funding_api.router(parts.node)


def _pages(parts: WebParts) -> APIRouter:
    from commonweal.web import funding_pages

    return funding_pages.router(parts.node)


def _cli(app: typer.Typer) -> None:
    from commonweal.cli import funding_commands

    app.add_typer(funding_commands.app, name="round")


CAPABILITY = Capability(
    name="funding",
    event_types=catalog.funding,
    api=(_api,),
    pages=(_pages,),
    navigation=(NavEntry(50, "Funding", "/rounds"),),
    cli=_cli,
    due_work=(DueWork("rounds", funding.run_due),),
    demo=(DemoChapter(30, demo.tell), DemoChapter(50, demo.recent)),
)

"""Campaigns: all-or-nothing pledges, here and carried across the network."""

from __future__ import annotations

import typer
from fastapi import APIRouter

from commonweal.capability import Capability, DueWork, NavEntry, WebParts
from commonweal.domain import catalog
from commonweal.node.services import campaigns


def _api(parts: WebParts) -> APIRouter:
    from commonweal.web import campaigns_api

    return campaigns_api.router(parts.node)


def _pages(parts: WebParts) -> APIRouter:
    from commonweal.web import campaigns_pages

    return campaigns_pages.router(parts.node)


def _cli(app: typer.Typer) -> None:
    from commonweal.cli import campaigns_commands

    app.add_typer(campaigns_commands.app, name="campaign")


CAPABILITY = Capability(
    name="campaigns",
    event_types=catalog.campaigns,
    api=(_api,),
    pages=(_pages,),
    navigation=(NavEntry(40, "Campaigns", "/campaigns"),),
    cli=_cli,
    due_work=(DueWork("campaigns", campaigns.run_due),),
)

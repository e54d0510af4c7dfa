"""Mutual credit: limits, obligations, clearing, demurrage (its API is in treasury's router)."""

from __future__ import annotations

import typer
from fastapi import APIRouter

from commonweal.capability import Capability, DueWork, NavEntry, WebParts
from commonweal.domain import catalog
from commonweal.node.services import credit


def _pages(parts: WebParts) -> APIRouter:
    from commonweal.web import credit_pages

    return credit_pages.router(parts.node)


def _cli(app: typer.Typer) -> None:
    from commonweal.cli import credit_commands

    app.add_typer(credit_commands.app, name="credit")


CAPABILITY = Capability(
    name="credit",
    event_types=catalog.credit,
    pages=(_pages,),
    navigation=(NavEntry(110, "Mutual credit", "/credit"),),
    cli=_cli,
    due_work=(DueWork("credit", credit.run_due),),
)

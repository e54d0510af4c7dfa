"""Federation: recognition, witnessing, mirrors, visitors, alliances and network votes."""

from __future__ import annotations

import typer
from fastapi import APIRouter

from commonweal.capability import Capability, DueWork, NavEntry, WebParts
from commonweal.domain import catalog
from commonweal.node.services.federation import alliance


def _api(parts: WebParts) -> APIRouter:
    from commonweal.web import federation_api

    return federation_api.router(parts.federation)


def _pages(parts: WebParts) -> APIRouter:
    from commonweal.web import network_pages

    return network_pages.router(parts.federation)


def _cli(app: typer.Typer) -> None:
    from commonweal.cli import alliance_commands, federation_commands

    app.add_typer(federation_commands.peer_app, name="peer")
    app.command("recognize")(federation_commands.recognize)
    app.add_typer(federation_commands.witness_app, name="witness")
    app.command("restore")(federation_commands.restore)
    app.add_typer(alliance_commands.app, name="alliance")


CAPABILITY = Capability(
    name="federation",
    event_types=catalog.federation,
    api=(_api,),
    pages=(_pages,),
    navigation=(NavEntry(140, "Network", "/network"),),
    cli=_cli,
    due_work=(DueWork("federation", alliance.run_due),),
)

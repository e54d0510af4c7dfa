"""Gatherings: meetings and assemblies, RSVPs, check-ins and attendance credentials."""

from __future__ import annotations

import typer
from fastapi import APIRouter

from commonweal.capability import Capability, NavEntry, WebParts
from commonweal.core.vc.contexts import ATTENDANCE_PATH
from commonweal.domain import catalog


def _api(parts: WebParts) -> APIRouter:
    from commonweal.web import gatherings_api

    return gatherings_api.router(parts.node)


def _pages(parts: WebParts) -> APIRouter:
    from commonweal.web import gatherings_pages

    return gatherings_pages.router(parts.node)


def _cli(app: typer.Typer) -> None:
    from commonweal.cli import gatherings_commands

    app.add_typer(gatherings_commands.app, name="gathering")


CAPABILITY = Capability(
    name="gatherings",
    event_types=catalog.gatherings,
    api=(_api,),
    pages=(_pages,),
    navigation=(NavEntry(70, "Gatherings", "/gatherings"),),
    cli=_cli,
    credential_kinds=("AttendanceCredential",),
    contexts=(ATTENDANCE_PATH,),
)

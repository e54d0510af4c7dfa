"""Mutual aid: requests and offers, claims, relayed messages, settlement."""

from __future__ import annotations

import typer
from fastapi import APIRouter

from commonweal.capability import Capability, NavEntry, WebParts
from commonweal.domain import catalog


def _api(parts: WebParts) -> APIRouter:
    from commonweal.web import aid_api

    return aid_api.router(parts.node)


def _pages(parts: WebParts) -> APIRouter:
    from commonweal.web import aid_pages

    return aid_pages.router(parts.node)


def _cli(app: typer.Typer) -> None:
    from commonweal.cli import aid_commands

    app.add_typer(aid_commands.app, name="aid")


CAPABILITY = Capability(
    name="aid",
    event_types=catalog.aid,
    api=(_api,),
    pages=(_pages,),
    navigation=(NavEntry(30, "Mutual aid", "/aid"),),
    cli=_cli,
)

"""Membership: admission, roles, leaving, recovery, profiles, and the credentials it issues."""

from __future__ import annotations

import typer
from fastapi import APIRouter

from commonweal.capability import Capability, DueWork, NavEntry, WebParts
from commonweal.core.vc.contexts import MEMBERSHIP_PATH
from commonweal.domain import catalog
from commonweal.node.services import membership


def _api(parts: WebParts) -> APIRouter:
    from commonweal.web import membership_api

    return membership_api.router(parts.node)


def _credentials_api(parts: WebParts) -> APIRouter:
    from commonweal.web import credentials_api

    return credentials_api.router(parts.node, parts.issuer_tokens, parts.contexts)


def _pages(parts: WebParts) -> APIRouter:
    from commonweal.web import membership_pages

    return membership_pages.router(parts.node)


def _cli(app: typer.Typer) -> None:
    from commonweal.cli import credential_commands, membership_commands, wallet_commands

    app.add_typer(membership_commands.app, name="member")
    app.add_typer(wallet_commands.app, name="wallet")
    app.add_typer(credential_commands.app, name="credential")


CAPABILITY = Capability(
    name="membership",
    event_types=catalog.membership,
    api=(_api, _credentials_api),
    pages=(_pages,),
    navigation=(
        NavEntry(10, "Members", "/members"),
        NavEntry(90, "My credentials", "/me/credentials", member_only=True),
        NavEntry(150, "Stewards", "/steward", permission="membership.admit"),
    ),
    cli=_cli,
    due_work=(DueWork("recoveries", membership.complete_due_recoveries),),
    credential_kinds=("MembershipCredential", "RoleCredential"),
    contexts=(MEMBERSHIP_PATH,),
)

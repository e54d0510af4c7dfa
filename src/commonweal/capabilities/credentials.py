"""Community-issued credentials: the kinds the constitution defines, issued by role, vote
or endorsement, revoked through the status list (docs/credentials.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commonweal.capability import Capability, Lazy, NavEntry, WebRouter

if TYPE_CHECKING:
    import typer


def _commands(_app: typer.Typer) -> None:
    """Add the community's commands to ``commonweal credential`` (membership's sub-app)."""
    import commonweal.cli.community_credential_commands  # noqa: F401  (registers them)


CAPABILITY = Capability(
    name="credentials",
    event_types=Lazy("commonweal.domain.catalog", "credentials"),
    status_by_code={
        "unknown_kind": 422,  # a kind the constitution does not define
        "invalid_claims": 422,  # claims that fail the kind's JSON Schema
        "reserved_type": 422,  # an open kind claiming the node's own or a closed kind's type
    },
    api=(WebRouter("commonweal.web.community_credentials_api"),),
    pages=(WebRouter("commonweal.web.community_credentials_pages"),),
    navigation=(
        NavEntry(91, "Community credentials", "/me/community-credentials", member_only=True),
    ),
    cli=_commands,
)

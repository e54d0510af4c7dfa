"""Community-issued credentials: the kinds the constitution defines, issued by role, vote
or endorsement, revoked through the status list (docs/credentials.md)."""

from __future__ import annotations

from commonweal.capability import Capability, Lazy, NavEntry, SubCommands, WebRouter

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
    # the community's commands join ``commonweal credential`` (membership's group)
    cli=SubCommands({}, extends={"credential": ("commonweal.cli.community_credential_commands",)}),
)

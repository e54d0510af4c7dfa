"""Membership: admission, roles, leaving, recovery, profiles, and the credentials it issues."""

from __future__ import annotations

from commonweal.capability import Capability, DueWork, Lazy, NavEntry, SubCommands, WebRouter
from commonweal.core.vc.contexts import MEMBERSHIP_PATH

CAPABILITY = Capability(
    name="membership",
    event_types=Lazy("commonweal.domain.catalog", "membership"),
    status_by_code={
        "invalid_profile": 422,
        "commitment_mismatch": 422,
        "invalid_credential": 422,
        "not_owed": 422,
    },
    api=(
        WebRouter("commonweal.web.membership_api"),
        WebRouter("commonweal.web.credentials_api", ("node", "issuer_tokens", "contexts")),
    ),
    pages=(WebRouter("commonweal.web.membership_pages"),),
    navigation=(
        NavEntry(10, "Members", "/members"),
        NavEntry(90, "My credentials", "/me/credentials", member_only=True),
        NavEntry(150, "Stewards", "/steward", permission="membership.admit"),
    ),
    cli=SubCommands(
        {
            "member": "commonweal.cli.membership_commands",
            "wallet": "commonweal.cli.wallet_commands",
            "credential": "commonweal.cli.credential_commands",
        },
        # ``wallet present`` is written beside the credential commands it presents
        extends={"wallet": ("commonweal.cli.credential_commands",)},
    ),
    due_work=(
        DueWork(
            "recoveries", Lazy("commonweal.node.services.membership", "complete_due_recoveries")
        ),
    ),
    credential_kinds=("MembershipCredential", "RoleCredential"),
    contexts=(MEMBERSHIP_PATH,),
)

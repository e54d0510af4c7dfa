"""Each permission a role may hold, in words: what pages show instead of its id."""

from __future__ import annotations

PERMISSION_WORDS: dict[str, str] = {
    "membership.admit": "admit applicants",
    "membership.suspend": "suspend and reinstate members",
    "membership.expel": "expel members",
    "membership.roles": "define roles and give or take them",
    "membership.policy": "set how new members are admitted",
    "credentials.issue": "issue credentials",
    "treasury.spend": "approve and pay expenses, record income",
    "node.profile": "change the node's public profile and ask for a census",
    "governance.moderate": "withdraw any open proposal (moderation)",
    "commons.register": "register shared resources and places",
    "gatherings.convene": "convene assemblies",
    "funding.rounds": "open funding rounds and pools",
    "federation.recognize": "recognise other nodes",
    "federation.alliance": "call network votes in the node's alliances",
}
"""Every permission of ``domain.membership.roles.PERMISSIONS`` (a test checks it)."""


def permission_words(permission: str) -> str:
    """``"treasury.spend"`` → "approve and pay expenses, record income"; an unknown id as it is."""
    return PERMISSION_WORDS.get(permission, permission)

"""Each permission a role may hold, in words: what pages show instead of its id."""

from __future__ import annotations

from commonweal.core.language import NP_, pgettext

PERMISSION_WORDS: dict[str, str] = {
    "membership.admit": NP_("to do", "admit applicants"),
    "membership.suspend": NP_("to do", "suspend and reinstate members"),
    "membership.expel": NP_("to do", "expel members"),
    "membership.roles": NP_("to do", "define roles and give or take them"),
    "membership.policy": NP_("to do", "set how new members are admitted"),
    "credentials.issue": NP_("to do", "issue credentials"),
    "treasury.spend": NP_("to do", "approve and pay expenses, record income"),
    "node.profile": NP_("to do", "change the node's public profile and ask for a census"),
    "governance.moderate": NP_("to do", "withdraw any open proposal (moderation)"),
    "commons.register": NP_("to do", "register shared resources and places"),
    "gatherings.convene": NP_("to do", "convene assemblies"),
    "funding.rounds": NP_("to do", "open funding rounds and pools"),
    "federation.recognize": NP_("to do", "recognise other nodes"),
    "federation.alliance": NP_("to do", "call network votes in the node's alliances"),
}
"""Every permission of ``domain.membership.roles.PERMISSIONS`` (a test checks it), marked for
the catalogues in the context "to do" (as the actions of decision_words)."""


def permission_words(permission: str) -> str:
    """``"treasury.spend"`` → "approve and pay expenses, record income" (in the current
    language); an unknown id as it is."""
    words = PERMISSION_WORDS.get(permission)
    return pgettext("to do", words) if words else permission

"""The capabilities this program is made of: the one list everything is assembled from.

Adding a capability is writing its declaration (a ``Capability``, in its own folder) and
adding one line here; ``assemble(CAPABILITIES)`` builds the registry, the web app's
routers and navigation, the CLI's commands, the scheduler's jobs, the credentials'
kinds and contexts and the demo from it (docs/architecture.md, "Adding a capability").
"""

from __future__ import annotations

from commonweal.capabilities import (
    aid,
    campaigns,
    census,
    commons,
    credentials,
    credit,
    federation,
    funding,
    gatherings,
    governance,
    membership,
    node,
    notary,
    notifications,
    places,
    translations,
    treasury,
    wallets,
)
from commonweal.capabilities.assembly import Assembly, assemble
from commonweal.capability import Capability

CAPABILITIES: tuple[Capability, ...] = (
    node.CAPABILITY,
    notary.CAPABILITY,
    membership.CAPABILITY,
    governance.CAPABILITY,
    commons.CAPABILITY,
    gatherings.CAPABILITY,
    places.CAPABILITY,
    aid.CAPABILITY,
    campaigns.CAPABILITY,
    funding.CAPABILITY,
    treasury.CAPABILITY,
    credit.CAPABILITY,
    federation.CAPABILITY,
    census.CAPABILITY,
    credentials.CAPABILITY,
    notifications.CAPABILITY,
    wallets.CAPABILITY,
    translations.CAPABILITY,
)
"""Every capability, in order: the order of the CLI's commands, the API's routers and the
scheduler's jobs (the navigation has its own ``order``)."""

PROGRAM: Assembly = assemble(CAPABILITIES)
"""The program this package's list makes: what ``commonweal`` and its web app run."""

__all__ = ["CAPABILITIES", "PROGRAM", "Assembly", "assemble"]

"""Every capability's event types, assembled into the node's registry."""

from __future__ import annotations

from commonweal.domain.membership import lifecycle, policy, recovery, roles
from commonweal.domain.node import profile
from commonweal.domain.notary import attestation
from commonweal.domain.registry import Registry


def default_registry() -> Registry:
    """A registry with every event type this version of Commonweal understands."""
    registry = Registry()
    registry.extend(profile.EVENT_TYPES)
    registry.extend(attestation.EVENT_TYPES)
    registry.extend(policy.EVENT_TYPES)
    registry.extend(roles.EVENT_TYPES)
    registry.extend(lifecycle.EVENT_TYPES)
    registry.extend(recovery.EVENT_TYPES)
    return registry

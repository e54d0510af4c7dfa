"""Every capability's event types, assembled into the node's registry."""

from __future__ import annotations

from commonweal.domain.aid import claims, messages, posts
from commonweal.domain.campaigns import closing as campaign_closing
from commonweal.domain.campaigns import events as campaign_events
from commonweal.domain.campaigns import network as campaign_network
from commonweal.domain.census import events as census_events
from commonweal.domain.census import network as census_network
from commonweal.domain.commons.events import EVENT_TYPES as COMMONS_EVENT_TYPES
from commonweal.domain.credit import events as credit_events
from commonweal.domain.federation import events as federation
from commonweal.domain.funding import closing as funding_closing
from commonweal.domain.funding import pools, rounds
from commonweal.domain.gatherings.events import EVENT_TYPES as GATHERINGS_EVENT_TYPES
from commonweal.domain.governance.actions import ActionCatalog
from commonweal.domain.governance.events import default_actions
from commonweal.domain.governance.events import event_types as governance_event_types
from commonweal.domain.membership import lifecycle, policy, recovery, roles
from commonweal.domain.node import profile
from commonweal.domain.notary import attestation
from commonweal.domain.registry import Registry
from commonweal.domain.treasury import events as treasury_events


def default_registry(actions: ActionCatalog | None = None) -> Registry:
    """A registry with every event type this version of Commonweal understands.

    ``actions`` is the catalogue of what passed proposals can execute (by default
    every action this version knows).
    """
    registry = Registry()
    registry.extend(profile.EVENT_TYPES)
    registry.extend(attestation.EVENT_TYPES)
    registry.extend(policy.EVENT_TYPES)
    registry.extend(roles.EVENT_TYPES)
    registry.extend(lifecycle.EVENT_TYPES)
    registry.extend(recovery.EVENT_TYPES)
    registry.extend(governance_event_types(actions or default_actions()))
    registry.extend(COMMONS_EVENT_TYPES)
    registry.extend(GATHERINGS_EVENT_TYPES)
    for mutual in (posts, claims, messages, campaign_events, campaign_closing, campaign_network):
        registry.extend(mutual.EVENT_TYPES)
    for funding in (rounds, pools, funding_closing):
        registry.extend(funding.EVENT_TYPES)
    registry.extend(treasury_events.EVENT_TYPES)
    registry.extend(credit_events.EVENT_TYPES)
    registry.extend(federation.EVENT_TYPES)
    registry.extend(census_events.EVENT_TYPES)
    registry.extend(census_network.EVENT_TYPES)
    return registry

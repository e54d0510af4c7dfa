"""Every built-in capability's event types, by capability, and the registry of them all.

The program's registry is assembled from ``commonweal.capabilities.CAPABILITIES``, whose
declarations take their types from here; ``default_registry`` is that registry for code
below the assembly (a node opened by a test, a verifier), and a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from commonweal.domain.aid import claims, messages, posts
from commonweal.domain.campaigns import closing as campaign_closing
from commonweal.domain.campaigns import events as campaign_events
from commonweal.domain.campaigns import network as campaign_network
from commonweal.domain.census import events as census_events
from commonweal.domain.census import network as census_network
from commonweal.domain.census import people as census_people
from commonweal.domain.commons.events import EVENT_TYPES as COMMONS_EVENT_TYPES
from commonweal.domain.credentials import events as credential_events
from commonweal.domain.credit import events as credit_events
from commonweal.domain.federation import events as federation_events
from commonweal.domain.funding import closing as funding_closing
from commonweal.domain.funding import pools, rounds
from commonweal.domain.gatherings.events import EVENT_TYPES as GATHERINGS_EVENT_TYPES
from commonweal.domain.governance.actions import ActionCatalog
from commonweal.domain.governance.events import default_actions
from commonweal.domain.governance.events import event_types as governance_event_types
from commonweal.domain.membership import lifecycle, moves, policy, recovery, roles
from commonweal.domain.node import profile
from commonweal.domain.notary import attestation
from commonweal.domain.places.events import EVENT_TYPES as PLACES_EVENT_TYPES
from commonweal.domain.registry import EventType, Registry
from commonweal.domain.translations.rules import EVENT_TYPES as TRANSLATIONS_EVENT_TYPES
from commonweal.domain.treasury import events as treasury_events


def node() -> list[EventType[Any]]:
    return list(profile.EVENT_TYPES)


def notary() -> list[EventType[Any]]:
    return list(attestation.EVENT_TYPES)


def membership() -> list[EventType[Any]]:
    return [
        *policy.EVENT_TYPES,
        *roles.EVENT_TYPES,
        *lifecycle.EVENT_TYPES,
        *recovery.EVENT_TYPES,
        *moves.EVENT_TYPES,
    ]


def governance(actions: ActionCatalog | None = None) -> list[EventType[Any]]:
    """``actions``: what passed proposals can execute (by default every action known)."""
    return list(governance_event_types(actions or default_actions()))


def commons() -> list[EventType[Any]]:
    return list(COMMONS_EVENT_TYPES)


def gatherings() -> list[EventType[Any]]:
    return list(GATHERINGS_EVENT_TYPES)


def places() -> list[EventType[Any]]:
    return list(PLACES_EVENT_TYPES)


def aid() -> list[EventType[Any]]:
    return [*posts.EVENT_TYPES, *claims.EVENT_TYPES, *messages.EVENT_TYPES]


def campaigns() -> list[EventType[Any]]:
    return [
        *campaign_events.EVENT_TYPES,
        *campaign_closing.EVENT_TYPES,
        *campaign_network.EVENT_TYPES,
    ]


def funding() -> list[EventType[Any]]:
    return [*rounds.EVENT_TYPES, *pools.EVENT_TYPES, *funding_closing.EVENT_TYPES]


def treasury() -> list[EventType[Any]]:
    return list(treasury_events.EVENT_TYPES)


def credit() -> list[EventType[Any]]:
    return list(credit_events.EVENT_TYPES)


def federation() -> list[EventType[Any]]:
    return list(federation_events.EVENT_TYPES)


def census() -> list[EventType[Any]]:
    return [*census_events.EVENT_TYPES, *census_network.EVENT_TYPES, *census_people.EVENT_TYPES]


def credentials() -> list[EventType[Any]]:
    return list(credential_events.EVENT_TYPES)


def translations() -> list[EventType[Any]]:
    return list(TRANSLATIONS_EVENT_TYPES)


def registry_of(groups: Iterable[Iterable[EventType[Any]]]) -> Registry:
    """A registry of every type in ``groups`` (a type named twice is refused by ``extend``)."""
    registry = Registry()
    for group in groups:
        registry.extend(group)
    return registry


def default_registry(actions: ActionCatalog | None = None) -> Registry:
    """A registry with every event type this version of Commonweal understands.

    ``actions`` is the catalogue of what passed proposals can execute (by default
    every action this version knows).
    """
    return registry_of(
        (
            node(),
            notary(),
            membership(),
            governance(actions),
            commons(),
            gatherings(),
            places(),
            aid(),
            campaigns(),
            funding(),
            treasury(),
            credit(),
            federation(),
            census(),
            credentials(),
            translations(),
        )
    )

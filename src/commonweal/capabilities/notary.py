"""The notary: documents attested by their digest."""

from __future__ import annotations

from commonweal.capability import Capability
from commonweal.domain import catalog

CAPABILITY = Capability(name="notary", event_types=catalog.notary)

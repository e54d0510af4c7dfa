"""The notary: documents attested by their digest."""

from __future__ import annotations

from commonweal.capability import Capability, Lazy

CAPABILITY = Capability(name="notary", event_types=Lazy("commonweal.domain.catalog", "notary"))

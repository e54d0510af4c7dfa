"""Salted commitments to personal data that stays off the public log.

The log carries ``sha256:<hex>`` of the RFC 8785 bytes of ``{"profile": …, "salt": …}``.
The salt (at least 128 random bits, chosen by the member) keeps a short profile from
being guessed back from its commitment; erasing the profile and its salt leaves a
commitment that reveals nothing, while every signature over it still verifies.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from commonweal.core.jcs import canonicalize

MIN_SALT_BYTES = 16


def new_salt() -> str:
    """A fresh 256-bit salt, base64url without padding."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


def commitment(profile: Mapping[str, Any], salt: str) -> str:
    """The commitment to ``profile`` under ``salt``."""
    if len(salt) < (MIN_SALT_BYTES * 4) // 3:
        raise ValueError(f"the salt must carry at least {MIN_SALT_BYTES} random bytes")
    digest = hashlib.sha256(canonicalize({"profile": dict(profile), "salt": salt})).hexdigest()
    return "sha256:" + digest

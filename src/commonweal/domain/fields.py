"""Small, strict readers for event body members, shared by every capability's schema."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from commonweal.domain.errors import InvalidBody

SHA256_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def required_text(body: Mapping[str, Any], name: str, *, max_length: int) -> str:
    """A non-empty string of at most ``max_length`` characters."""
    if name not in body:
        raise InvalidBody(f"{name} is required")
    text = optional_text(body, name, max_length=max_length)
    if not text.strip():
        raise InvalidBody(f"{name} must not be empty")
    return text


def optional_text(body: Mapping[str, Any], name: str, *, max_length: int) -> str:
    """A string of at most ``max_length`` characters, or ``""`` when absent."""
    value = body.get(name, "")
    if not isinstance(value, str):
        raise InvalidBody(f"{name} must be a string")
    if len(value) > max_length:
        raise InvalidBody(f"{name} may be at most {max_length} characters; got {len(value)}")
    return value


def sha256_digest(body: Mapping[str, Any], name: str) -> str:
    """A ``sha256:<64 lower-case hex>`` digest."""
    value = body.get(name)
    if not isinstance(value, str) or not SHA256_DIGEST.match(value):
        raise InvalidBody(f"{name} must look like 'sha256:' followed by 64 lower-case hex digits")
    return value

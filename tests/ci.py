"""Whether the suite runs in CI, where a missing service or browser fails a test instead
of skipping it (``.ci/run`` exports ``CI=true``)."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    """True when ``CI`` is set to true (as ``.ci/run`` and most CI services do)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def skip_outside_ci(reason: str) -> None:
    """Skip the test, or fail it in CI, where nothing may be skipped for want of a service."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing service fails the run)", pytrace=False)
    pytest.skip(reason)

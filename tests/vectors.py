"""Locating shared/vectors: COMMONWEAL_VECTORS, or a shared/ folder beside an ancestor."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


@cache
def find_vectors() -> Path:
    """The vectors folder; fails loudly if it cannot be found."""
    configured = os.environ.get("COMMONWEAL_VECTORS")
    if configured:
        return Path(configured)
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / "vectors"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("shared/vectors not found; set COMMONWEAL_VECTORS")

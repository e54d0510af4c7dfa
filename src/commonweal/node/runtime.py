"""Process settings for a serving node.

A node keeps its projected state in memory: millions of small, acyclic objects.
CPython's cyclic collector would rescan them on every full collection, and every
event allocates enough to trigger collections often. A serving process therefore
freezes what it loaded (moving it out of the collector's sight) and collects the
youngest generation less often. Reference counting still frees everything at once.
"""

from __future__ import annotations

import gc

YOUNG_GENERATION_THRESHOLD = 50_000


def tune_collector() -> None:
    """Freeze the objects alive now and make young-generation collections rarer."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)

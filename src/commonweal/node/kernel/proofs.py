"""Proofs and tiles served from the store's stored hashes, in O(log n) reads."""

from __future__ import annotations

from commonweal.core.merkle import (
    HashAt,
    consistency_proof,
    hash_at_from_tiles,
    inclusion_proof,
    tree_root,
)
from commonweal.core.tiles import TILE_HEIGHT, TILE_WIDTH, encode_entry_bundle
from commonweal.store.log_store import LogStore


class ProofService:
    """Inclusion and consistency proofs, roots, hash tiles and entry bundles."""

    def __init__(self, store: LogStore) -> None:
        self.store = store

    def hash_at(self, size: int | None = None) -> HashAt:
        """A fresh reader of complete-subtree hashes (it caches the tiles it reads)."""
        return hash_at_from_tiles(self.store.level_hashes, size)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """The RFC 9162 inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
        return inclusion_proof(index, size, self.hash_at(size))

    def consistency(self, old_size: int, new_size: int) -> list[bytes]:
        """The RFC 9162 consistency proof from ``old_size`` to ``new_size``."""
        return consistency_proof(old_size, new_size, self.hash_at(new_size))

    def root(self, size: int) -> bytes:
        """The root of the tree of the first ``size`` leaves."""
        return tree_root(size, self.hash_at(size))

    def hash_tile(self, level: int, index: int, width: int) -> bytes:
        """Tile ``level``/``index`` of ``width`` hashes: level-8L subtree hashes, concatenated."""
        start = index * TILE_WIDTH
        return b"".join(self.store.level_hashes(level * TILE_HEIGHT, start, start + width))

    def entry_bundle(self, index: int, width: int) -> bytes:
        """Entry bundle ``index`` of ``width`` leaves (uint16 length-prefixed leaf bytes)."""
        start = index * TILE_WIDTH
        return encode_entry_bundle(self.store.leaves(start, start + width))

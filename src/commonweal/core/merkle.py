"""RFC 9162 §2.1 Merkle trees over SHA-256: hashes, proofs, and the append-only frontier.

Proof generation is storage-agnostic. It asks a ``HashAt`` callback for the hashes of
*complete* subtrees only: ``hash_at(level, index)`` is the root of the 2**level leaves
starting at leaf ``index * 2**level``. Any RFC subtree range is a short sequence of such
complete subtrees, so a proof costs O(log n) calls.

Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 with the two stricter rules of
transparency-dev/merkle: leaf hashes, roots and proof hashes must be exactly 32 bytes,
and every consistency proof from size 0 fails (callers handle "the empty tree is a
prefix of everything" themselves).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The root of the empty tree, SHA-256 of the empty string."""
STORED_LEVEL_STEP = 8
"""Complete-subtree hashes are persisted every 8 levels, matching C2SP tlog-tiles."""
TILE_SPAN = 1 << STORED_LEVEL_STEP
"""Stored hashes per tile (256)."""

_sha256 = hashlib.sha256

HashAt = Callable[[int, int], bytes]
"""``hash_at(level, index)``: the root of the complete subtree of 2**level leaves at ``index``."""
ReadLevelHashes = Callable[[int, int, int], Sequence[bytes]]
"""``read(stored_level, start, end)``: stored hashes at a multiple-of-8 level for [start, end)."""


class ProofError(ValueError):
    """A Merkle inclusion or consistency proof that does not verify; the message says why."""


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 9162 leaf hash SHA-256(0x00 ‖ data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 9162 interior hash SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return the Merkle Tree Hash (MTH) of a whole list of leaf hashes."""
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def _split(n: int) -> int:
    """Return the largest power of two strictly less than ``n`` (for ``n > 1``)."""
    return 1 << ((n - 1).bit_length() - 1)


def complete_subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """Return the (level, index) of the complete subtrees that make up leaves [start, end).

    The range must be aligned as in the RFC recursion: ``start`` is a multiple of the
    largest power of two not above ``end - start``. The list runs from largest to smallest.
    """
    if not 0 <= start < end:
        raise ValueError(f"invalid leaf range [{start}, {end})")
    count = end - start
    if start % (1 << (count.bit_length() - 1)):
        raise ValueError(f"leaf range [{start}, {end}) is not an RFC 9162 subtree")
    subtrees = []
    while count:
        level = count.bit_length() - 1
        subtrees.append((level, start >> level))
        start += 1 << level
        count -= 1 << level
    return subtrees


def subtree_root(start: int, end: int, hash_at: HashAt) -> bytes:
    """Return MTH(D[start:end]) for an RFC-aligned range, from complete-subtree hashes."""
    subtrees = complete_subtrees(start, end)
    root = hash_at(*subtrees[-1])
    for level, index in reversed(subtrees[:-1]):
        root = node_hash(hash_at(level, index), root)
    return root


def tree_root(size: int, hash_at: HashAt) -> bytes:
    """Return the root of the tree of the first ``size`` leaves."""
    if size < 0:
        raise ValueError(f"tree size must not be negative, got {size}")
    return EMPTY_ROOT if size == 0 else subtree_root(0, size, hash_at)


def _roots_right_to_left(ranges: Sequence[tuple[int, int]], hash_at: HashAt) -> list[bytes]:
    """Return the roots of disjoint leaf ranges, computing the rightmost range first.

    Asking for the rightmost hashes first tells a ``TileHashReader`` how large the tree
    is at least, so each tile it touches is read once, whole.
    """
    order = sorted(range(len(ranges)), key=lambda i: ranges[i][1], reverse=True)
    roots: list[bytes] = [b""] * len(ranges)
    for i in order:
        roots[i] = subtree_root(ranges[i][0], ranges[i][1], hash_at)
    return roots


def inclusion_proof(index: int, size: int, hash_at: HashAt) -> list[bytes]:
    """Return the RFC 9162 §2.1.3.1 inclusion proof PATH(index, D[0:size]), leaf side first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not inside a tree of size {size}")
    ranges = []
    start, end = 0, size
    while end - start > 1:
        middle = start + _split(end - start)
        if index < middle:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((start, middle))
            start = middle
    ranges.reverse()
    return _roots_right_to_left(ranges, hash_at)


def consistency_proof(old_size: int, new_size: int, hash_at: HashAt) -> list[bytes]:
    """Return the RFC 9162 §2.1.4.1 consistency proof PROOF(old_size, D[0:new_size]).

    ``old_size`` must satisfy 0 < old_size <= new_size; equal sizes give an empty proof.
    """
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    ranges = []
    start, end, remaining, whole = 0, new_size, old_size, True
    while True:
        count = end - start
        if remaining == count:
            if not whole:
                ranges.append((start, end))
            break
        middle = start + _split(count)
        if remaining <= middle - start:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((start, middle))
            remaining -= middle - start
            start = middle
            whole = False
    ranges.reverse()
    return _roots_right_to_left(ranges, hash_at)


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} must be {HASH_SIZE} bytes, got {len(value)}")


def _check_proof_hashes(proof: Sequence[bytes]) -> None:
    for position, value in enumerate(proof):
        _check_hash(value, f"proof hash {position}")


def _walk(fn: int, sn: int, path: Sequence[bytes], what: str) -> Iterator[tuple[bytes, bool]]:
    """The walk both proof checks share (RFC 9162 §2.1.3.2 and §2.1.4.2): each hash of
    ``path`` with whether it is a left sibling (hashed before the running value), from
    the indexes ``fn`` and ``sn``; refuses a ``what`` proof with too many or too few."""
    for value in path:
        if sn == 0:
            raise ProofError(f"the {what} proof has too many hashes")
        left = bool(fn & 1 or fn == sn)
        if left:
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        yield value, left
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"the {what} proof has too few hashes")


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """Return the root that ``proof`` implies for ``leaf`` at ``index`` in a tree of ``size``.

    Raises ``ProofError`` when the index is out of range, a hash is not 32 bytes, or the
    proof has the wrong number of hashes.
    """
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not inside a tree of size {size}")
    _check_hash(leaf, "the leaf hash")
    _check_proof_hashes(proof)
    root = leaf
    for sibling, left in _walk(index, size - 1, proof, "inclusion"):
        root = node_hash(sibling, root) if left else node_hash(root, sibling)
    return root


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check an RFC 9162 §2.1.3.2 inclusion proof; raise ``ProofError`` saying what failed."""
    _check_hash(root, "the root")
    if root_from_inclusion_proof(index, size, leaf_hash, proof) != root:
        raise ProofError(f"the inclusion proof for leaf {index} does not lead to the root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check an RFC 9162 §2.1.4.2 consistency proof; raise ``ProofError`` saying what failed.

    A proof from size 0 always fails, as in transparency-dev/merkle: it proves nothing.
    """
    if old_size > new_size:
        raise ProofError(f"old size {old_size} is larger than new size {new_size}")
    if old_size <= 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if old_size == new_size:
        if proof:
            raise ProofError("the sizes are equal but the proof is not empty")
        if old_root != new_root:
            raise ProofError("the sizes are equal but the roots differ")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    _check_hash(old_root, "the old root")
    _check_hash(new_root, "the new root")
    _check_proof_hashes(proof)
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    old_hash = new_hash = path[0]
    for value, left in _walk(fn, sn, path[1:], "consistency"):
        if left:
            old_hash = node_hash(value, old_hash)
            new_hash = node_hash(value, new_hash)
        else:
            new_hash = node_hash(new_hash, value)
    if old_hash != old_root:
        raise ProofError("the consistency proof does not lead to the old root")
    if new_hash != new_root:
        raise ProofError("the consistency proof does not lead to the new root")


class CompactRange:
    """The right edge of an append-only tree: one complete-subtree hash per set bit of size.

    Appending costs O(1) amortized hashes. Each append reports the complete subtrees it
    created at levels 8, 16, 24, …, which a store persists next to the leaf hashes so
    that ``TileHashReader`` can serve any ``hash_at`` with few reads.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self) -> None:
        self._size = 0
        self._hashes: list[bytes] = []

    @classmethod
    def from_size(cls, size: int, hash_at: HashAt) -> CompactRange:
        """Rebuild the frontier of a tree of ``size`` leaves from stored subtree hashes."""
        if size < 0:
            raise ValueError(f"tree size must not be negative, got {size}")
        frontier = cls()
        if size:
            subtrees = complete_subtrees(0, size)
            # Smallest (rightmost) first, so a tile reader learns the size at once.
            frontier._hashes = [hash_at(lvl, idx) for lvl, idx in reversed(subtrees)][::-1]
        frontier._size = size
        return frontier

    @classmethod
    def from_hashes(cls, size: int, hashes: Sequence[bytes]) -> CompactRange:
        """The frontier of a tree of ``size`` leaves from its saved :attr:`hashes`."""
        if size < 0 or len(hashes) != bin(size).count("1"):
            raise ValueError(f"a tree of {size} leaves has {bin(size).count('1')} frontier hashes")
        if any(len(h) != HASH_SIZE for h in hashes):
            raise ValueError(f"frontier hashes are {HASH_SIZE} bytes")
        frontier = cls()
        frontier._hashes = list(hashes)
        frontier._size = size
        return frontier

    @property
    def size(self) -> int:
        """The number of leaves appended so far."""
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """The frontier hashes, largest subtree first."""
        return tuple(self._hashes)

    def append(self, leaf_hash: bytes) -> list[tuple[int, int, bytes]]:
        """Append a leaf hash; return (level, index, hash) of new subtrees at levels 8k, k ≥ 1."""
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"a leaf hash must be {HASH_SIZE} bytes, got {len(leaf_hash)}")
        size = self._size
        hashes = self._hashes
        self._size = size + 1
        if not size & 1:
            hashes.append(leaf_hash)
            return []
        # The new leaf closes one complete subtree per trailing one bit of the old size.
        created = []
        value, level, bits = leaf_hash, 0, size
        while bits & 1:
            value = _sha256(b"\x01" + hashes.pop() + value).digest()
            level += 1
            bits >>= 1
            if not level & 7:
                created.append((level, ((size + 1) >> level) - 1, value))
        hashes.append(value)
        return created

    def extend(self, leaves: Iterable[bytes]) -> list[tuple[int, int, bytes]]:
        """Append several leaf hashes; return every stored-level subtree they created."""
        created = []
        for leaf in leaves:
            created.extend(self.append(leaf))
        return created

    def root(self) -> bytes:
        """Return the current tree root (``EMPTY_ROOT`` when empty)."""
        if not self._hashes:
            return EMPTY_ROOT
        root = self._hashes[-1]
        for value in reversed(self._hashes[:-1]):
            root = node_hash(value, root)
        return root

    def copy(self) -> CompactRange:
        """Return an independent copy."""
        other = CompactRange()
        other._size = self._size
        other._hashes = list(self._hashes)
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CompactRange):
            return NotImplemented
        return self._size == other._size and self._hashes == other._hashes

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"CompactRange(size={self._size}, root={self.root().hex()})"


class TileHashReader:
    """A memoizing ``HashAt`` over hashes stored every 8 levels (a tlog-tiles layout).

    ``hash_at(level, index)`` needs 2**(level % 8) hashes from stored level
    ``8 * (level // 8)``, hashed up. The reader fetches whole 256-hash tiles, clipped to
    the tree size: the ``size`` given, or else the largest size that the subtrees asked
    for so far prove (a complete subtree implies every hash to its left is stored). Each
    tile is fetched once per reader, and again only to extend it; since the proof
    functions ask for the rightmost hashes first, one inclusion proof in a million-leaf
    tree costs about three to six reads. ``read_level_hashes`` must return exactly the
    hashes asked for. Make one reader per tree size and discard it after use.
    """

    def __init__(self, read_level_hashes: ReadLevelHashes, size: int | None = None) -> None:
        self._read = read_level_hashes
        self._size = size
        self._known_size = size or 0
        self._tiles: dict[tuple[int, int], list[bytes]] = {}
        self._memo: dict[tuple[int, int], bytes] = {}
        self.reads = 0
        """How many times ``read_level_hashes`` was called."""

    def _stored(self, stored_level: int, first: int, count: int) -> list[bytes]:
        tile = first >> 8
        tile_start = tile << 8
        hashes = self._tiles.setdefault((stored_level, tile), [])
        needed = first + count - tile_start
        if len(hashes) < needed:
            end = min(tile_start + TILE_SPAN, self._known_size >> stored_level)
            start = tile_start + len(hashes)
            fetched = list(self._read(stored_level, start, end))
            self.reads += 1
            if len(fetched) != end - start or any(len(h) != HASH_SIZE for h in fetched):
                raise ValueError(
                    f"read of level {stored_level} hashes [{start}, {end}) returned "
                    f"{len(fetched)} values, not {end - start} hashes of {HASH_SIZE} bytes"
                )
            hashes.extend(fetched)
        offset = first - tile_start
        return hashes[offset : offset + count]

    def hash_at(self, level: int, index: int) -> bytes:
        """Return the root of the complete subtree of 2**level leaves at ``index``."""
        if level < 0 or index < 0:
            raise ValueError(f"invalid subtree (level {level}, index {index})")
        end = (index + 1) << level
        if self._size is not None and end > self._size:
            raise ValueError(f"subtree (level {level}, index {index}) is past size {self._size}")
        cached = self._memo.get((level, index))
        if cached is not None:
            return cached
        self._known_size = max(self._known_size, end)
        height = level % STORED_LEVEL_STEP
        hashes = self._stored(level - height, index << height, 1 << height)
        while len(hashes) > 1:
            hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
        self._memo[(level, index)] = hashes[0]
        return hashes[0]

    __call__ = hash_at


def hash_at_from_tiles(read_level_hashes: ReadLevelHashes, size: int | None = None) -> HashAt:
    """Return a memoizing ``HashAt`` over stored-level hashes (see ``TileHashReader``)."""
    return TileHashReader(read_level_hashes, size).hash_at


def hash_at_from_leaf_hashes(leaf_hashes: Sequence[bytes]) -> HashAt:
    """Return a ``HashAt`` over an in-memory list of leaf hashes (for small trees and tests)."""

    def hash_at(level: int, index: int) -> bytes:
        start, end = index << level, (index + 1) << level
        if level < 0 or index < 0 or end > len(leaf_hashes):
            raise ValueError(f"subtree (level {level}, index {index}) is not complete")
        return root_of(leaf_hashes[start:end])

    return hash_at

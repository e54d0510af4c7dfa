"""RFC 9162 Merkle trees: every transparency-dev vector, the RFC 6962 constants, all proofs
of the 8-leaf tree, and properties of proof generation, CompactRange and tile reads."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonweal.core.merkle import (
    EMPTY_ROOT,
    CompactRange,
    HashAt,
    ProofError,
    TileHashReader,
    consistency_proof,
    hash_at_from_leaf_hashes,
    hash_at_from_tiles,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    root_of,
    subtree_root,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from tests.vectors import find_vectors

FED = find_vectors() / "federation"
TESTDATA = FED / "transparency-dev-merkle" / "testdata"
CONSTANTS = json.loads((FED / "rfc6962-tree-constants.json").read_text())
ALL_PROOFS = json.loads((FED / "derived" / "rfc9162-all-proofs-n8.json").read_text())
LEAVES = [leaf_hash(bytes.fromhex(h)) for h in CONSTANTS["leaf_inputs_hex"]]


def _files(kind: str) -> list[Path]:
    return sorted((TESTDATA / kind).rglob("*.json"))


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


def _proof(case: dict[str, Any]) -> list[bytes]:
    return [_b64(p) for p in case["proof"] or []]


INCLUSION = _files("inclusion")
CONSISTENCY = _files("consistency")


def test_all_196_non_subtree_vectors_are_collected() -> None:
    assert len(INCLUSION) + len(CONSISTENCY) == 196


@pytest.mark.parametrize("path", INCLUSION, ids=lambda p: str(p.relative_to(TESTDATA)))
def test_transparency_dev_inclusion(path: Path) -> None:
    case = json.loads(path.read_text())
    arguments = (case["leafIdx"], case["treeSize"], _b64(case["leafHash"]), _proof(case))
    root = _b64(case["root"])
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*arguments, root)
    else:
        verify_inclusion(*arguments, root)
        assert root_from_inclusion_proof(*arguments) == root


@pytest.mark.parametrize("path", CONSISTENCY, ids=lambda p: str(p.relative_to(TESTDATA)))
def test_transparency_dev_consistency(path: Path) -> None:
    case = json.loads(path.read_text())
    arguments = (case["size1"], case["size2"], _b64(case["root1"]), _b64(case["root2"]))
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*arguments, _proof(case))
    else:
        verify_consistency(*arguments, _proof(case))
        if case["size1"] < case["size2"]:
            assert _proof(case) == consistency_proof(
                case["size1"], case["size2"], hash_at_from_leaf_hashes(LEAVES)
            )


@pytest.mark.parametrize("size", range(9))
def test_rfc6962_roots(size: int) -> None:
    expected = bytes.fromhex(CONSTANTS["root_hashes_by_tree_size_hex"][size])
    hash_at = hash_at_from_leaf_hashes(LEAVES[:size])
    frontier = CompactRange()
    frontier.extend(LEAVES[:size])
    assert root_of(LEAVES[:size]) == expected
    assert tree_root(size, hash_at) == expected
    assert frontier.root() == expected


@pytest.mark.parametrize(
    ("level", "index"),
    [
        (int(lvl), i)
        for lvl, hs in CONSTANTS["node_hashes_by_level_hex"].items()
        for i in range(len(hs))
    ],
)
def test_rfc6962_subtree_hashes(level: int, index: int) -> None:
    expected = bytes.fromhex(CONSTANTS["node_hashes_by_level_hex"][str(level)][index])
    assert hash_at_from_leaf_hashes(LEAVES)(level, index) == expected
    assert subtree_root(index << level, (index + 1) << level, _tiles_over(LEAVES)) == expected


@pytest.mark.parametrize(
    "case", ALL_PROOFS["inclusion"], ids=lambda c: f"{c['leafIdx']}-of-{c['treeSize']}"
)
def test_every_inclusion_proof_of_the_8_leaf_tree(case: dict[str, Any]) -> None:
    size, index = case["treeSize"], case["leafIdx"]
    proof = inclusion_proof(index, size, hash_at_from_leaf_hashes(LEAVES[:size]))
    assert proof == _proof(case)
    assert leaf_hash(bytes.fromhex(case["leafInputHex"])) == _b64(case["leafHash"])
    verify_inclusion(index, size, _b64(case["leafHash"]), proof, _b64(case["root"]))


@pytest.mark.parametrize(
    "case", ALL_PROOFS["consistency"], ids=lambda c: f"{c['size1']}-to-{c['size2']}"
)
def test_every_consistency_proof_of_the_8_leaf_tree(case: dict[str, Any]) -> None:
    old, new = case["size1"], case["size2"]
    proof = consistency_proof(old, new, hash_at_from_leaf_hashes(LEAVES[:new]))
    assert proof == _proof(case)
    verify_consistency(old, new, _b64(case["root1"]), _b64(case["root2"]), proof)


def test_empty_tree_and_hash_functions() -> None:
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT
    assert root_of([]) == EMPTY_ROOT
    assert tree_root(0, hash_at_from_leaf_hashes([])) == EMPTY_ROOT
    assert CompactRange().root() == EMPTY_ROOT
    assert node_hash(LEAVES[0], LEAVES[1]) == bytes.fromhex(
        CONSTANTS["node_hashes_by_level_hex"]["1"][0]
    )


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (inclusion_proof, (3, 3)),
        (inclusion_proof, (-1, 3)),
        (consistency_proof, (0, 3)),
        (consistency_proof, (4, 3)),
        (subtree_root, (1, 3)),
        (subtree_root, (3, 3)),
        (subtree_root, (2, 6)),
    ],
)
def test_out_of_range_arguments_raise(call: Any, args: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        call(*args, hash_at_from_leaf_hashes(LEAVES))


# Helpers for the property tests: a "store" built from what CompactRange reports.


def _leaves(size: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(size)]


def _store(leaves: list[bytes]) -> dict[int, list[bytes]]:
    """Stored hashes by level: 0 = leaves, then whatever CompactRange asked to persist."""
    levels: dict[int, list[bytes]] = {0: list(leaves)}
    frontier = CompactRange()
    for leaf in leaves:
        for level, index, value in frontier.append(leaf):
            stored = levels.setdefault(level, [])
            assert index == len(stored), "subtrees are created left to right"
            stored.append(value)
    return levels


class CountingReader:
    """A read_level_hashes that serves a dict of levels and counts its calls."""

    def __init__(self, levels: dict[int, list[bytes]]) -> None:
        self.levels = levels
        self.calls: list[tuple[int, int, int]] = []

    def __call__(self, level: int, start: int, end: int) -> list[bytes]:
        self.calls.append((level, start, end))
        stored = self.levels[level]
        if end > len(stored):
            raise LookupError(f"level {level} [{start}, {end}) is not stored")
        return stored[start:end]


def _tiles_over(leaves: list[bytes]) -> HashAt:
    return hash_at_from_tiles(CountingReader(_store(leaves)))


SIZES = st.integers(min_value=1, max_value=3000)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), size=SIZES)
def test_generated_inclusion_proofs_verify_and_flipped_bits_fail(data: Any, size: int) -> None:
    leaves = _leaves(size)
    index = data.draw(st.integers(0, size - 1))
    root = root_of(leaves)
    proof = inclusion_proof(index, size, _tiles_over(leaves))
    assert proof == inclusion_proof(index, size, hash_at_from_leaf_hashes(leaves))
    verify_inclusion(index, size, leaves[index], proof, root)
    if proof:
        position = data.draw(st.integers(0, len(proof) - 1))
        bit = data.draw(st.integers(0, 255))
        broken = list(proof)
        broken[position] = _flip(broken[position], bit)
        with pytest.raises(ProofError):
            verify_inclusion(index, size, leaves[index], broken, root)
    with pytest.raises(ProofError):
        verify_inclusion(index, size, _flip(leaves[index], 0), proof, root)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), new=SIZES)
def test_generated_consistency_proofs_verify_and_flipped_bits_fail(data: Any, new: int) -> None:
    leaves = _leaves(new)
    old = data.draw(st.integers(1, new))
    old_root, new_root = root_of(leaves[:old]), root_of(leaves)
    proof = consistency_proof(old, new, _tiles_over(leaves))
    assert proof == consistency_proof(old, new, hash_at_from_leaf_hashes(leaves))
    verify_consistency(old, new, old_root, new_root, proof)
    if proof:
        position = data.draw(st.integers(0, len(proof) - 1))
        broken = list(proof)
        broken[position] = _flip(broken[position], data.draw(st.integers(0, 255)))
        with pytest.raises(ProofError):
            verify_consistency(old, new, old_root, new_root, broken)
    if old < new:
        with pytest.raises(ProofError):
            verify_consistency(old, new, _flip(old_root, 7), new_root, proof)


@settings(max_examples=60, deadline=None)
@given(size=st.integers(min_value=0, max_value=3000))
def test_compact_range_matches_root_of_and_rebuilds_from_size(size: int) -> None:
    leaves = _leaves(size)
    frontier = CompactRange()
    created = frontier.extend(leaves)
    assert frontier.size == size
    assert frontier.root() == root_of(leaves)
    assert all(level % 8 == 0 and level > 0 for level, _, _ in created)
    assert len([c for c in created if c[0] == 8]) == size // 256
    for level, index, value in created:
        assert value == root_of(leaves[index << level : (index + 1) << level])
    for getter in (hash_at_from_leaf_hashes(leaves), _tiles_over(leaves)):
        rebuilt = CompactRange.from_size(size, getter)
        assert rebuilt == frontier
        assert rebuilt.root() == frontier.root()
    copied = frontier.copy()
    copied.append(leaf_hash(b"one more"))
    assert copied != frontier and frontier.size == size
    assert copied.root() == root_of([*leaves, leaf_hash(b"one more")])


@settings(max_examples=40, deadline=None)
@given(data=st.data(), size=st.integers(min_value=1, max_value=3000))
def test_tile_reader_matches_direct_hashes(data: Any, size: int) -> None:
    leaves = _leaves(size)
    reader = TileHashReader(CountingReader(_store(leaves)))
    direct = hash_at_from_leaf_hashes(leaves)
    level = data.draw(st.integers(0, size.bit_length() - 1))
    index = data.draw(st.integers(0, (size >> level) - 1))
    assert reader(level, index) == direct(level, index)
    assert tree_root(size, reader) == root_of(leaves)


def test_compact_range_across_the_65536_boundary() -> None:
    leaves = _leaves(65_536 + 300)
    frontier = CompactRange()
    reported: list[tuple[int, int, bytes]] = []
    for size, leaf in enumerate(leaves, start=1):
        reported.extend(frontier.append(leaf))
        if size in (255, 256, 257, 65_535, 65_536, 65_537, len(leaves)):
            assert frontier.root() == root_of(leaves[:size]), size
    assert [(level, index) for level, index, _ in reported if level == 16] == [(16, 0)]
    assert len([r for r in reported if r[0] == 8]) == (65_536 + 300) // 256
    for level, index, value in reported:
        assert value == root_of(leaves[index << level : (index + 1) << level])
    rebuilt = CompactRange.from_size(
        len(leaves), hash_at_from_tiles(CountingReader(_store(leaves)))
    )
    assert rebuilt == frontier and rebuilt.hashes == frontier.hashes
    assert len(frontier.hashes) == bin(len(leaves)).count("1")


LEAVES_70K = _leaves(70_000)
STORE_70K = _store(LEAVES_70K)
ROOT_70K = root_of(LEAVES_70K)


@settings(max_examples=25, deadline=None)
@given(index=st.integers(0, 69_999))
def test_inclusion_proof_in_70000_leaves_reads_at_most_6_ranges(index: int) -> None:
    reader = CountingReader(STORE_70K)
    proof = inclusion_proof(index, 70_000, hash_at_from_tiles(reader))
    assert len(reader.calls) <= 6, reader.calls
    verify_inclusion(index, 70_000, LEAVES_70K[index], proof, ROOT_70K)
    assert proof == inclusion_proof(index, 70_000, hash_at_from_leaf_hashes(LEAVES_70K))


def test_tile_hash_at_memoizes_groups_and_results() -> None:
    reader = CountingReader(STORE_70K)
    hash_at = hash_at_from_tiles(reader)
    assert hash_at(3, 5) == root_of(LEAVES_70K[40:48])
    assert reader.calls == [(0, 0, 48)], "one read from the 256-aligned group start"
    assert hash_at(2, 10) == root_of(LEAVES_70K[40:44])
    assert hash_at(3, 5) == root_of(LEAVES_70K[40:48])
    assert len(reader.calls) == 1, "a cached prefix and memoized results are reused"
    calls = len(reader.calls)
    hash_at(8, 272)
    hash_at(7, 1)
    assert len(reader.calls) == calls + 2
    assert hash_at(8, 272) == root_of(LEAVES_70K[272 * 256 : 273 * 256])
    assert len(reader.calls) == calls + 2


def test_verify_accepts_the_documented_keyword_names() -> None:
    proof = inclusion_proof(2, 8, hash_at_from_leaf_hashes(LEAVES))
    verify_inclusion(index=2, size=8, leaf_hash=LEAVES[2], proof=proof, root=root_of(LEAVES))
    CompactRange().append(leaf_hash=LEAVES[0])


def test_stored_levels_are_the_subtrees_the_tiles_need() -> None:
    leaves = _leaves(70_000)
    levels = _store(leaves)
    assert len(levels[8]) == 70_000 // 256
    assert len(levels[16]) == 1
    assert levels[8][3] == root_of(leaves[3 * 256 : 4 * 256])
    assert levels[16][0] == root_of(leaves[:65536])


class SyntheticLevels:
    """Pseudo-random stored hashes for a huge tree: enough to count reads, no hashing."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.calls: list[tuple[int, int, int]] = []

    def __call__(self, level: int, start: int, end: int) -> list[bytes]:
        self.calls.append((level, start, end))
        assert 0 <= start < end <= self.size >> level, "only stored hashes are asked for"
        return [hashlib.sha256(f"{level}/{i}".encode()).digest() for i in range(start, end)]


@pytest.mark.parametrize("size", [2**20, 1_000_003, 1_048_575])
@pytest.mark.parametrize("index", [0, 1, 123_456, 524_288, 999_999])
def test_one_inclusion_proof_in_a_million_leaf_tree_reads_few_tiles(size: int, index: int) -> None:
    source = SyntheticLevels(size)
    calls: list[tuple[int, int]] = []
    reader = TileHashReader(source)

    def counted(level: int, position: int) -> bytes:
        calls.append((level, position))
        return reader(level, position)

    proof = inclusion_proof(index, size, counted)
    assert len(proof) == len(inclusion_proof(index, size, TileHashReader(SyntheticLevels(size))))
    assert len(source.calls) <= 6
    assert len(calls) <= 2 * size.bit_length()


@pytest.mark.parametrize(("old", "new"), [(1, 2**20), (700_001, 1_000_003), (2**19, 2**20 - 1)])
def test_one_consistency_proof_in_a_million_leaf_tree_reads_few_tiles(old: int, new: int) -> None:
    source = SyntheticLevels(new)
    consistency_proof(old, new, TileHashReader(source))
    assert len(source.calls) <= 8


def test_tile_reader_refuses_short_reads_and_subtrees_past_size() -> None:
    with pytest.raises(ValueError, match="returned"):
        TileHashReader(lambda level, start, end: [b"\x00" * 32])(1, 0)
    with pytest.raises(ValueError, match="past size"):
        TileHashReader(SyntheticLevels(8), size=8)(3, 1)


def test_compact_range_rejects_bad_leaf_hash() -> None:
    with pytest.raises(ValueError):
        CompactRange().append(b"short")


def _flip(value: bytes, bit: int) -> bytes:
    data = bytearray(value)
    data[(bit // 8) % len(data)] ^= 1 << (bit % 8)
    return bytes(data)

"""C2SP tlog-tiles paths, hash tiles and entry bundles against the derived and spec vectors."""

from __future__ import annotations

import json

import pytest

from commonweal.core.merkle import leaf_hash
from commonweal.core.tiles import (
    TILE_HEIGHT,
    TILE_WIDTH,
    decode_entry_bundle,
    encode_entry_bundle,
    entries_path,
    parse_tile_path,
    split_hash_tile,
    tile_index_path,
    tile_path,
    tiles_for_size,
)
from tests.vectors import find_vectors

FED = find_vectors() / "federation"
TILES = json.loads((FED / "derived" / "c2sp-derived-checkpoint-cosig-tiles.json").read_text())[
    "tiles"
]
FACTS = json.loads((FED / "c2sp-format-examples.json").read_text())["tlog_tiles_facts"]
CONSTANTS = json.loads((FED / "rfc6962-tree-constants.json").read_text())
LEAF_INPUTS = [bytes.fromhex(h) for h in CONSTANTS["leaf_inputs_hex"]]


@pytest.mark.parametrize(("index", "expected"), sorted(TILES["tile_index_path_examples"].items()))
def test_derived_index_paths(index: str, expected: str) -> None:
    assert tile_index_path(int(index)) == expected


def test_spec_index_example() -> None:
    assert tile_index_path(1234067) == FACTS["index_1234067_encoding"] == "x001/x234/067"


def test_derived_level0_partial_tile() -> None:
    assert tile_path(0, 0, TILES["tree_size"]) == TILES["level0_partial_tile_path"]
    tile = b"".join(leaf_hash(entry) for entry in LEAF_INPUTS)
    assert tile.hex() == TILES["level0_partial_tile_hex"]
    assert split_hash_tile(tile, 8) == [leaf_hash(entry) for entry in LEAF_INPUTS]


def test_derived_entry_bundle() -> None:
    assert entries_path(0, TILES["tree_size"]) == TILES["entry_bundle_path"]
    bundle = encode_entry_bundle(LEAF_INPUTS)
    assert bundle.hex() == TILES["entry_bundle_hex"]
    assert decode_entry_bundle(bundle) == LEAF_INPUTS


@pytest.mark.parametrize(
    ("args", "path"),
    [
        ((0, 0, None), "tile/0/000"),
        ((0, 0, 256), "tile/0/000"),
        ((1, 1234067, 17), "tile/1/x001/x234/067.p/17"),
        (("entries", 1000, None), "tile/entries/x001/000"),
        ((63, 999, 255), "tile/63/999.p/255"),
    ],
)
def test_paths_round_trip(args: tuple[object, int, int | None], path: str) -> None:
    level, index, width = args
    assert tile_path(level, index, width) == path  # type: ignore[arg-type]
    assert parse_tile_path(path) == (level, index, None if width == TILE_WIDTH else width)


@pytest.mark.parametrize(
    "path",
    [
        "tile/00/000",
        "tile/64/000",
        "tile/0/0000",
        "tile/0/00",
        "tile/0/x000/001",
        "tile/0/001/002",
        "tile/0/x001",
        "tile/0/000.p/0",
        "tile/0/000.p/256",
        "tile/0/000.p/017",
        "tile/0/000.p/",
        "/tile/0/000",
        "tile/entry/000",
        "tile/0/000/",
        "tile/-1/000",
        "tile/0/x001/x234/67",
        "tile/0/x1234/000",
        "tile/0/0a0",
        "tile/0/\u0660\u0660\u0660",
        "tile/0/000.p/01",
        "tile/0/000.p/1.p/2",
        "tile/0.p/5",
        "tile/entries",
        "tile/0/000.p/+5",
        "tiles/0/000",
    ],
)
def test_non_canonical_paths_are_refused(path: str) -> None:
    with pytest.raises(ValueError):
        parse_tile_path(path)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("tyle/0/000", "starts with 'tile/'"),
        ("tile/01/000", "leading zeros"),
        ("tile/64/000", "above 63"),
        ("tile/0/001/002", "'x' and three digits"),
        ("tile/0/x001/02", "three digits"),
        ("tile/0/x000/001", "superfluous"),
        ("tile/0/000.p/256", "1 to 255"),
        ("tile/0/000.p/007", "leading zeros"),
        ("tile/0", "level and an index"),
    ],
)
def test_refusals_say_why(path: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_tile_path(path)


@pytest.mark.parametrize(
    ("path", "parsed"),
    [
        ("tile/entries/x001/x234/067.p/1", ("entries", 1234067, 1)),
        ("tile/0/x999/999", (0, 999_999, None)),
        ("tile/5/000.p/255", (5, 0, 255)),
        ("tile/10/001", (10, 1, None)),
    ],
)
def test_canonical_paths_are_accepted(path: str, parsed: tuple[object, int, int | None]) -> None:
    assert parse_tile_path(path) == parsed
    assert tile_path(*parsed) == path


@pytest.mark.parametrize(("level", "width"), [(64, None), (0, 0), (0, 257), ("hashes", None)])
def test_bad_path_arguments(level: object, width: int | None) -> None:
    with pytest.raises(ValueError):
        tile_path(level, 0, width)  # type: ignore[arg-type]


def test_size_70000_matches_the_spec() -> None:
    tiles = list(tiles_for_size(70_000))
    assert [t for t in tiles if t[0] == 0 and t[2] is None] == [(0, i, None) for i in range(273)]
    assert [t for t in tiles if t[2] is not None] == [(0, 273, 112), (1, 1, 17), (2, 0, 1)]
    assert (1, 0, None) in tiles and len(tiles) == 273 + 1 + 1 + 1 + 1
    assert "273 full level-0 tiles" in FACTS["size_70000"]


def test_size_256_matches_the_spec() -> None:
    assert list(tiles_for_size(256)) == [(0, 0, None), (1, 0, 1)]
    assert TILE_HEIGHT == 8 and TILE_WIDTH == 256


@pytest.mark.parametrize(
    "bundle", [b"\x00", b"\x00\x02a", b"\x00\x01ab\x00", bytes.fromhex("0005") + b"abc"]
)
def test_truncated_bundles_are_refused(bundle: bytes) -> None:
    with pytest.raises(ValueError):
        decode_entry_bundle(bundle)


def test_bundle_limits() -> None:
    assert decode_entry_bundle(b"") == []
    assert decode_entry_bundle(encode_entry_bundle([b"x" * 65_535])) == [b"x" * 65_535]
    with pytest.raises(ValueError, match="65535"):
        encode_entry_bundle([b"x" * 65_536])
    with pytest.raises(ValueError):
        encode_entry_bundle([b""] * 257)
    with pytest.raises(ValueError):
        decode_entry_bundle(b"\x00\x00" * 257)
    with pytest.raises(ValueError):
        split_hash_tile(b"\x00" * 33, 1)

"""C2SP tlog-tiles: tile and entry-bundle paths, hash tiles, and entry bundles.

A hash tile at tile level ``L`` holds up to 256 consecutive Merkle tree hashes from tree
level ``8 * L``; full tiles hold exactly 256 and partial tiles 1 to 255. Entry bundles hold
the leaves themselves, each prefixed by its length as a big-endian uint16.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Literal

TILE_HEIGHT = 8
"""Tree levels per tile: a tile is a complete subtree of height 8."""
TILE_WIDTH = 256
"""Hashes (or entries) in a full tile."""
MAX_TILE_LEVEL = 63
MAX_ENTRY_SIZE = 65_535
"""The largest entry an entry bundle can hold (uint16 length prefix)."""
HASH_SIZE = 32

TileLevel = int | Literal["entries"]

_DECIMAL = re.compile(r"0|[1-9][0-9]{0,3}")
_THREE_DIGITS = re.compile(r"[0-9]{3}")


def tile_index_path(index: int) -> str:
    """Encode a tile index as zero-padded 3-digit path elements, ``x``-prefixed but the last."""
    if index < 0:
        raise ValueError(f"a tile index must not be negative, got {index}")
    groups = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        groups.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(groups))


def _check_width(width: int | None) -> int | None:
    if width is None or width == TILE_WIDTH:
        return None
    if not 1 <= width < TILE_WIDTH:
        raise ValueError(f"a partial tile is 1 to 255 wide, got {width}")
    return width


def tile_path(level: TileLevel, index: int, width: int | None = None) -> str:
    """Return ``tile/<L>/<N>[.p/<W>]`` (or ``tile/entries/…``); a width of 256 or None is full."""
    if level != "entries" and not (isinstance(level, int) and 0 <= level <= MAX_TILE_LEVEL):
        raise ValueError(f"a tile level is 0 to {MAX_TILE_LEVEL} or 'entries', got {level!r}")
    partial = _check_width(width)
    path = f"tile/{level}/{tile_index_path(index)}"
    return path if partial is None else f"{path}.p/{partial}"


def entries_path(index: int, width: int | None = None) -> str:
    """Return the path of entry bundle ``index`` (partial when ``width`` is 1 to 255)."""
    return tile_path("entries", index, width)


def _parse_level(text: str) -> TileLevel:
    if text == "entries":
        return "entries"
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"tile level {text!r} is not 'entries' or a decimal without leading zeros")
    if int(text) > MAX_TILE_LEVEL:
        raise ValueError(f"tile level {text} is above {MAX_TILE_LEVEL}")
    return int(text)


def _parse_index(elements: list[str]) -> int:
    for position, element in enumerate(elements):
        last = position == len(elements) - 1
        digits = element if last else element.removeprefix("x")
        if (not last and not element.startswith("x")) or not _THREE_DIGITS.fullmatch(digits):
            shape = "three digits" if last else "'x' and three digits"
            raise ValueError(f"tile index element {element!r} is not {shape}")
    if len(elements) > 1 and elements[0] == "x000":
        raise ValueError("a tile index must not start with a superfluous 'x000' element")
    return int("".join(e.removeprefix("x") for e in elements))


def parse_tile_path(path: str) -> tuple[TileLevel, int, int | None]:
    """Parse ``tile/<L>/<N>[.p/<W>]`` into (level or ``"entries"``, index, width or None).

    Only the canonical spelling is accepted: no leading zeros in the level or width, no
    superfluous ``x000`` elements, level at most 63 and width 1 to 255. A ``ValueError``
    says which part is wrong.
    """
    if not path.startswith("tile/"):
        raise ValueError(f"a tile path starts with 'tile/': {path!r}")
    body, marker, width_text = path[len("tile/") :].partition(".p/")
    elements = body.split("/")
    if len(elements) < 2:
        raise ValueError(f"a tile path needs a level and an index: {path!r}")
    level = _parse_level(elements[0])
    index = _parse_index(elements[1:])
    if not marker:
        return level, index, None
    if not _DECIMAL.fullmatch(width_text):
        raise ValueError(f"partial width {width_text!r} is not a decimal without leading zeros")
    width = int(width_text)
    if not 1 <= width < TILE_WIDTH:
        raise ValueError(f"a partial tile is 1 to 255 wide, got {width}")
    return level, index, width


def tiles_for_size(size: int) -> Iterator[tuple[int, int, int | None]]:
    """Yield (level, index, width or None) of every hash tile of a tree of ``size`` leaves."""
    if size < 0:
        raise ValueError(f"tree size must not be negative, got {size}")
    level = 0
    count = size
    while count:
        full, partial = divmod(count, TILE_WIDTH)
        for index in range(full):
            yield level, index, None
        if partial:
            yield level, full, partial
        level += 1
        count >>= TILE_HEIGHT


def split_hash_tile(data: bytes, width: int | None = None) -> list[bytes]:
    """Split a hash tile into its 32-byte hashes, checking its length against ``width``."""
    expected = TILE_WIDTH if width is None else width
    if len(data) != expected * HASH_SIZE:
        raise ValueError(
            f"a tile of width {expected} is {expected * HASH_SIZE} bytes, got {len(data)}"
        )
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def encode_entry_bundle(entries: Sequence[bytes]) -> bytes:
    """Concatenate entries, each prefixed with its big-endian uint16 length."""
    if len(entries) > TILE_WIDTH:
        raise ValueError(f"an entry bundle holds at most {TILE_WIDTH} entries")
    parts = []
    for position, entry in enumerate(entries):
        if len(entry) > MAX_ENTRY_SIZE:
            raise ValueError(f"entry {position} is {len(entry)} bytes; at most {MAX_ENTRY_SIZE}")
        parts.append(len(entry).to_bytes(2, "big"))
        parts.append(bytes(entry))
    return b"".join(parts)


def decode_entry_bundle(data: bytes) -> list[bytes]:
    """Split an entry bundle into its entries; raise ``ValueError`` if it is truncated."""
    entries = []
    offset = 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise ValueError("entry bundle truncated inside a length prefix")
        length = int.from_bytes(data[offset : offset + 2], "big")
        offset += 2
        if offset + length > len(data):
            raise ValueError("entry bundle truncated inside an entry")
        entries.append(bytes(data[offset : offset + length]))
        offset += length
        if len(entries) > TILE_WIDTH:
            raise ValueError(f"an entry bundle holds at most {TILE_WIDTH} entries")
    return entries

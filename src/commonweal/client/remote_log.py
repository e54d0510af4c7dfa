"""A remote node's log read through its tiles, as a source for ``verify``."""

from __future__ import annotations

import base64

from commonweal.client.http import NodeClient
from commonweal.core.checkpoint import parse_checkpoint
from commonweal.core.events import EventError, parse_leaf
from commonweal.core.merkle import leaf_hash
from commonweal.core.note import split_note
from commonweal.core.tiles import TILE_WIDTH, decode_entry_bundle, tile_path
from commonweal.store.log_store import CheckpointRow, EntryRow


class RemoteLog:
    """Reads identity, checkpoints and entry bundles from a node URL."""

    def __init__(self, client: NodeClient) -> None:
        self.client = client
        self._bundles: dict[tuple[int, int], list[bytes]] = {}
        self._checkpoints: list[CheckpointRow] | None = None

    def read_meta(self) -> dict[str, str]:
        """The node's DID, origin and verifier key, from its well-known document."""
        identity = self.client.identity()
        return {k: str(identity[k]) for k in ("did", "origin", "vkey", "name")}

    def all_checkpoints(self) -> list[CheckpointRow]:
        """Every checkpoint the node publishes."""
        if self._checkpoints is None:
            rows = self.client.get_json("/v1/checkpoints")["checkpoints"]
            self._checkpoints = []
            for row in rows:
                text, _lines = split_note(row["note"])
                checkpoint = parse_checkpoint(text)
                self._checkpoints.append(
                    CheckpointRow(checkpoint.size, checkpoint.root, row["note"], row["signed_at"])
                )
        return self._checkpoints

    def head(self) -> tuple[int, bytes]:
        """The latest checkpoint's size and root: what the node vouches for."""
        checkpoints = self.all_checkpoints()
        if not checkpoints:
            return 0, base64.b64decode("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        latest = checkpoints[-1]
        return latest.size, latest.root

    def entries(self, start: int, end: int) -> list[EntryRow]:
        """Entries [start, end), fetched as entry bundles."""
        size, _root = self.head()
        rows = []
        for idx in range(start, min(end, size)):
            bundle = self._bundle(idx // TILE_WIDTH, size)
            position = idx % TILE_WIDTH
            if position >= len(bundle):
                break
            rows.append(_row(idx, bundle[position]))
        return rows

    def _bundle(self, index: int, size: int) -> list[bytes]:
        width = min(size - index * TILE_WIDTH, TILE_WIDTH)
        key = (index, width)
        if key not in self._bundles:
            self._bundles.clear()
            path = tile_path("entries", index, width)
            self._bundles[key] = decode_entry_bundle(self.client.get_bytes(f"/log/{path}"))
        return self._bundles[key]


def _row(idx: int, leaf: bytes) -> EntryRow:
    try:
        parsed = parse_leaf(leaf)
    except EventError:
        return EntryRow(idx, leaf, leaf_hash(leaf), "", "", 0, "")
    event = parsed.event
    return EntryRow(
        idx, leaf, leaf_hash(leaf), event.type, event.author, event.seq, parsed.received
    )

"""The log in the C2SP tlog-tiles layout under /log/: checkpoint, hash tiles, entry bundles."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from commonweal.core.tiles import TILE_WIDTH, parse_tile_path
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.services.federation.service import Federation
from commonweal.node.services.federation.witness import cosigned_note

IMMUTABLE = "public, max-age=31536000, immutable"


def router(node: Node, federation: Federation | None = None) -> APIRouter:
    """Routes serving ``node``'s log; the checkpoint carries the witnesses' cosignatures."""
    log = APIRouter(prefix="/log")

    @log.get("/checkpoint")
    def checkpoint() -> Response:
        row = node.store.latest_checkpoint()
        if row is None:
            raise Rejected("not_found", "no checkpoint has been signed yet")
        note = row.note if federation is None else cosigned_note(federation, row)
        return Response(
            note, media_type="text/plain; charset=utf-8", headers={"Cache-Control": "no-store"}
        )

    @log.get("/tile/{path:path}")
    def tile(path: str) -> Response:
        try:
            level, index, width = parse_tile_path("tile/" + path)
        except ValueError as error:
            raise Rejected("not_found", "not a tile path: %(error)s", error=error) from None
        latest = node.store.latest_checkpoint()
        signed = latest.size if latest else 0
        available = min(max(signed - index * TILE_WIDTH, 0), TILE_WIDTH)
        wanted = width or TILE_WIDTH
        if level != "entries":
            available = _hash_tile_width(signed, level, index)
        if wanted > available:
            raise Rejected(
                "not_found",
                "that tile is not (yet) part of the checkpointed log of size %(signed)s",
                signed=signed,
            )
        if level == "entries":
            data = node.proofs.entry_bundle(index, wanted)
        else:
            data = node.proofs.hash_tile(level, index, wanted)
        cache = IMMUTABLE if wanted == TILE_WIDTH else "no-store"
        return Response(
            data, media_type="application/octet-stream", headers={"Cache-Control": cache}
        )

    return log


def _hash_tile_width(size: int, level: int, index: int) -> int:
    """How many hashes tile ``level``/``index`` holds in a tree of ``size`` leaves."""
    per_hash: int = TILE_WIDTH**level
    complete = size // per_hash
    return min(max(complete - index * TILE_WIDTH, 0), TILE_WIDTH)

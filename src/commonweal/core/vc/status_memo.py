"""A memo of status list credentials already verified, with their bits decoded.

A verifier checks the same status list for every credential it lists: its proof (RFC 8785
over a 16 KiB ``encodedList``, then Ed25519) and its gzip'd bits need checking once per
version of the list, not once per credential. A list is remembered by the digest of its
exact content (keys sorted) and the issuer it was checked for; one that says
``validUntil`` is not remembered (its verdict depends on the time). Callers must not
change a list object once they passed it (the node's are rebuilt, never changed).
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import orjson

from commonweal.core.vc.status_list import StatusList

MAX_LISTS = 256

_verified: dict[tuple[bytes, str], StatusList] = {}
_lock = threading.Lock()


_digests: dict[int, tuple[dict[str, Any], bytes]] = {}
"""The content digest of the last lists seen, by object: a caller that passes the same
list object again (the node's own, signed once per log size) is not hashed again. The
object is held, so its id cannot be reused while it is here."""
MAX_OBJECTS = 16


def key(status: dict[str, Any], issuer: str) -> tuple[bytes, str] | None:
    """The memo's key for ``status`` checked for ``issuer`` (None: not to be remembered)."""
    if "validUntil" in status:
        return None
    seen = _digests.get(id(status))
    if seen is not None and seen[0] is status:
        return seen[1], issuer
    try:
        content = orjson.dumps(status, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None
    digest = hashlib.sha256(content).digest()
    with _lock:
        if len(_digests) >= MAX_OBJECTS:
            _digests.clear()
        _digests[id(status)] = (status, digest)
    return digest, issuer


def verified(memo_key: tuple[bytes, str] | None) -> StatusList | None:
    """The decoded bits of a list already verified for that issuer, if any."""
    return None if memo_key is None else _verified.get(memo_key)


def remember(memo_key: tuple[bytes, str] | None, bits: StatusList) -> None:
    """Remember a verified list's bits (forgetting them all once there are too many)."""
    if memo_key is None:
        return
    with _lock:
        if len(_verified) >= MAX_LISTS:
            _verified.clear()
        _verified[memo_key] = bits

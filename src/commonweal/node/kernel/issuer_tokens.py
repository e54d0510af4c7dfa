"""The issuer bearer tokens a running node accepts, read from its data directory.

``commonweal issuer-token`` adds a token's hash to ``node.json`` while the node may be
serving; the serving process re-reads the file whenever it changed (a ``stat`` per
check), so a new token works at once, without a restart.
"""

from __future__ import annotations

import threading
from pathlib import Path

from commonweal.node.kernel.setup import SETTINGS_FILE, SetupError, read_settings


class IssuerTokens:
    """The SHA-256 hex digests of the issuer tokens in ``data_dir``'s settings."""

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / SETTINGS_FILE
        self._data_dir = data_dir
        self._stamp: tuple[int, int, int] | None = None
        self._digests: frozenset[str] = frozenset()
        self._scopes: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    def __call__(self) -> frozenset[str]:
        """The digests as the settings file holds them now (read again only if it changed;
        a file that cannot be read keeps the digests last read)."""
        try:
            status = self._path.stat()
        except OSError:
            return self._digests
        stamp = (status.st_mtime_ns, status.st_size, status.st_ino)
        if stamp == self._stamp:
            return self._digests
        with self._lock:
            try:
                settings = read_settings(self._data_dir)
            except (SetupError, ValueError, TypeError):
                return self._digests
            self._digests = frozenset(settings.issuer_tokens)
            self._scopes = {
                digest: frozenset(kinds)
                for digest, kinds in (settings.issuer_token_kinds or {}).items()
            }
            self._stamp = stamp
        return self._digests

    def scopes(self) -> dict[str, frozenset[str]]:
        """Token hash → the community credential kinds it may issue (tokens not named
        may issue every kind), as the settings file holds them now."""
        self()
        return self._scopes

"""A member's wallet: their key (always sealed with a passphrase) and their credentials.

A wallet is a folder, by default ``~/.commonweal/wallet`` (or ``COMMONWEAL_WALLET``):
``key.json`` is the Ed25519 key sealed with scrypt + XSalsa20-Poly1305, mode 0600;
``credentials/`` holds one JSON file per verifiable credential.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import PBKDF2, SigningKey, dump_key_file, load_key_file

KEY_FILE = "key.json"
CREDENTIALS = "credentials"


class WalletError(Exception):
    """The wallet cannot do what was asked; the message says why."""


def default_wallet() -> Path:
    """``COMMONWEAL_WALLET`` or ``~/.commonweal/wallet``."""
    return Path(os.environ.get("COMMONWEAL_WALLET") or Path.home() / ".commonweal" / "wallet")


@dataclass(frozen=True)
class Wallet:
    """A wallet folder."""

    path: Path

    @property
    def key_path(self) -> Path:
        return self.path / KEY_FILE

    def create(self, passphrase: str, key: SigningKey | None = None) -> str:
        """Make a new wallet with a fresh (or given) key; return its did:key."""
        if not passphrase:
            raise WalletError("a wallet key is always sealed: give a passphrase")
        if self.key_path.exists():
            raise WalletError(f"{self.path} already holds a key")
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / CREDENTIALS).mkdir(exist_ok=True)
        key = key or SigningKey.generate()
        fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(dump_key_file(key.seed, passphrase))
        return did_key_from_public_key(key.public_key)

    def key(self, passphrase: str | None) -> SigningKey:
        """The wallet's key, unsealed with ``passphrase``."""
        try:
            return load_key_file(self.key_path.read_bytes(), passphrase)
        except FileNotFoundError:
            raise WalletError(f"no wallet at {self.path} (run `commonweal wallet new`)") from None
        except ValueError as error:
            raise WalletError(str(error)) from None

    def did(self, passphrase: str | None) -> str:
        """The wallet holder's did:key."""
        return did_key_from_public_key(self.key(passphrase).public_key)

    def import_key(self, key_file: Path, old_passphrase: str | None, passphrase: str) -> str:
        """Bring in a key file (a backup, or a key from elsewhere), sealing it anew."""
        try:
            key = load_key_file(key_file.read_bytes(), old_passphrase)
        except (OSError, ValueError) as error:
            raise WalletError(f"{key_file}: {error}") from None
        return self.create(passphrase, key)

    def export(self) -> bytes:
        """The sealed key file, for a backup (it stays sealed with the wallet passphrase)."""
        try:
            return self.key_path.read_bytes()
        except FileNotFoundError:
            raise WalletError(f"no wallet at {self.path}") from None

    def export_for_browser(self, passphrase: str) -> bytes:
        """The key re-sealed with PBKDF2 and AES-GCM under the same passphrase.

        That is the form a browser can open with WebCrypto alone (the wallet's own
        scrypt sealing has no WebCrypto equivalent): restore it on a node's Key page.
        """
        return dump_key_file(self.key(passphrase).seed, passphrase, kdf=PBKDF2)

    def add_credential(self, credential: dict[str, Any]) -> Path:
        """Store a credential (idempotent: named by the hash of its content)."""
        folder = self.path / CREDENTIALS
        folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(credential, indent=2, sort_keys=True)
        path = folder / (hashlib.sha256(text.encode()).hexdigest()[:16] + ".json")
        path.write_text(text + "\n")
        return path

    def credentials(self) -> list[tuple[Path, dict[str, Any]]]:
        """Every stored credential, oldest file first."""
        folder = self.path / CREDENTIALS
        if not folder.exists():
            return []
        files = sorted(folder.glob("*.json"), key=lambda p: (p.stat().st_mtime, p.name))
        return [(path, json.loads(path.read_text())) for path in files]

"""Creating and opening a node from its data directory.

A data directory holds the node key (``node.key``, mode 0600, optionally
passphrase-encrypted), ``node.json`` (origin, database URL, public URL, checkpoint settings)
and, by default, the SQLite database ``node.db``. With a PostgreSQL URL the
database lives there and the directory keeps only the key and settings.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from commonweal.core.events import sign_event
from commonweal.core.keys import SigningKey, dump_key_file, load_key_file
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.catalog import default_registry
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from commonweal.domain.governance.events import ADOPTED
from commonweal.domain.membership.lifecycle import FOUNDER_ADMITTED
from commonweal.domain.membership.policy import DEFAULT_POLICY, POLICY_SET
from commonweal.domain.node.profile import NODE_CREATED, PROFILE
from commonweal.domain.registry import Registry
from commonweal.node.kernel.config import NodeConfig
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.identity import NodeIdentity
from commonweal.node.kernel.public_url import PublicUrlError, check_public_url
from commonweal.node.kernel.service import Clock, Node, system_clock
from commonweal.node.services import aid, membership
from commonweal.store.database import (
    DriverMissing,
    is_initialised,
    make_engine,
    migrate,
    sqlite_url,
)
from commonweal.store.log_store import LogStore

KEY_FILE = "node.key"
SETTINGS_FILE = "node.json"


class SetupError(Exception):
    """The data directory cannot be created or opened as asked."""


def database_engine(url: str) -> Engine:
    """The engine for ``url``; a driver this installation lacks is a :class:`SetupError`
    that says what to install (``pip install 'commonweal[postgres]'``)."""
    try:
        return make_engine(url)
    except DriverMissing as missing:
        raise SetupError(str(missing)) from None


@dataclass(frozen=True)
class Settings:
    """What ``node.json`` records."""

    origin: str
    database_url: str | None
    domain: str | None = None
    checkpoint_every_events: int = 1000
    checkpoint_every_seconds: float = 5.0
    trusted_issuers: tuple[str, ...] = ()
    issuer_tokens: tuple[str, ...] = ()
    """SHA-256 hex of the bearer tokens that may call ``POST /credentials/issue``."""
    issuer_token_kinds: dict[str, list[str]] | None = None
    """A token's hash → the community credential kinds it may issue (a token not named
    here may issue every kind)."""
    witness_quorum: int = 1
    federation_sync_seconds: float = 1.0
    status_list_max_age_seconds: float = 60.0
    public_url: str | None = None
    """The URL every URL the node mints starts with (``--public-url`` overrides it)."""
    rate_limits: dict[str, Any] | None = None
    """Budgets per route class, e.g. ``{"write": "1200/60"}``, or ``{"enabled": false}``
    (web.ratelimit; docs/operations.md, "Rate limits"). Absent: the defaults, on."""

    def config(self) -> NodeConfig:
        """The node configuration these settings describe."""
        return NodeConfig(
            checkpoint_every_events=self.checkpoint_every_events,
            checkpoint_every_seconds=self.checkpoint_every_seconds,
            max_future_skew=timedelta(minutes=10),
            trusted_issuers=tuple(self.trusted_issuers),
            witness_quorum=self.witness_quorum,
            federation_sync_seconds=self.federation_sync_seconds,
            status_list_max_age_seconds=self.status_list_max_age_seconds,
            public_url=self.public_url,
        )


def write_key_file(path: Path, key: SigningKey, passphrase: str | None) -> None:
    """Write a key file readable by its owner only (created with mode 0600)."""
    data = dump_key_file(key.seed, passphrase)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def read_key_file(path: Path, passphrase: str | None) -> SigningKey:
    """Read a key file, decrypting it with ``passphrase`` when it is encrypted."""
    try:
        return load_key_file(path.read_bytes(), passphrase)
    except FileNotFoundError:
        raise SetupError(f"no key file at {path}") from None
    except ValueError as error:
        raise SetupError(f"{path}: {error}") from None


def init_node(
    data_dir: Path,
    *,
    name: str,
    description: str = "",
    url: str = "",
    database_url: str | None = None,
    passphrase: str | None = None,
    key: SigningKey | None = None,
    clock: Clock = system_clock,
    checkpoint_every_events: int = 1000,
    checkpoint_every_seconds: float = 5.0,
    founders: Sequence[str] = (),
    founder_profiles: Mapping[str, Mapping[str, Any]] | None = None,
    admission: Mapping[str, Any] | None = None,
    domain: str | None = None,
    constitution: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> Node:
    """Create a node: its key, settings, database, the ``node.created`` first entry,
    its admission policy (when given; the documented default applies otherwise), its
    constitution (the documented default unless given) and its founding members.

    ``url`` is the node's public URL: kept in ``node.json`` and announced in its profile."""
    if checkpoint_every_events < 1 or checkpoint_every_seconds <= 0:
        raise SetupError("checkpoints need a positive number of events and of seconds")
    try:
        url = check_public_url(url) if url else ""
    except PublicUrlError as error:
        raise SetupError(str(error)) from None
    data_dir.mkdir(parents=True, exist_ok=True)
    if (data_dir / SETTINGS_FILE).exists() or (data_dir / KEY_FILE).exists():
        raise SetupError(f"{data_dir} already holds a node")
    key = key or SigningKey.generate()
    try:
        identity = NodeIdentity.from_key(key, domain=domain)
    except ValueError as error:
        raise SetupError(str(error)) from None
    settings = Settings(
        origin=identity.origin,
        database_url=database_url,
        domain=domain,
        checkpoint_every_events=checkpoint_every_events,
        checkpoint_every_seconds=checkpoint_every_seconds,
        public_url=url or None,
    )
    engine = database_engine(database_url or sqlite_url(data_dir))
    if is_initialised(engine):
        raise SetupError("that database already holds a node; use a fresh one")
    migrate(engine)
    store = LogStore(engine)
    store.write_meta(
        {"did": identity.did, "origin": identity.origin, "vkey": identity.vkey, "name": name}
    )
    write_key_file(data_dir / KEY_FILE, key, passphrase)
    (data_dir / SETTINGS_FILE).write_text(json.dumps(settings.__dict__, indent=2) + "\n")
    node = Node(
        store, identity, registry or default_registry(), config=settings.config(), clock=clock
    )
    body: dict[str, Any] = {"name": name}
    if description:
        body["description"] = description
    if url:
        body["url"] = url
    created = sign_event(
        key, type=NODE_CREATED, node=identity.did, seq=1, at=format_utc(clock()), body=body
    )
    node.submit_batch([created])
    membership.attach(node)
    aid.attach(node)
    try:
        if admission is not None:
            node.submit_as_node(POLICY_SET, {**DEFAULT_POLICY, **admission})
        node.submit_as_node(ADOPTED, {"constitution": dict(constitution or DEFAULT_CONSTITUTION)})
        for founder in founders:
            body = {"member": founder}
            profile = (founder_profiles or {}).get(founder)
            if profile is not None:
                body["commitment"] = membership.keep_profile(node, profile)
            node.submit_as_node(FOUNDER_ADMITTED, body)
    except Rejected as refused:
        raise SetupError(f"the node was created, but: {refused.message}") from None
    node.checkpoint()
    return node


def add_issuer_token(data_dir: Path, kinds: Sequence[str] = ()) -> str:
    """Create a bearer token for ``/credentials/issue``; only its hash is kept. With
    ``kinds``, the token may issue only those community credential kinds."""
    settings = read_settings(data_dir)
    token = secrets.token_urlsafe(32)
    digest = hashlib.sha256(token.encode()).hexdigest()
    updated = {**settings.__dict__, "issuer_tokens": [*settings.issuer_tokens, digest]}
    if kinds:
        scoped = dict(settings.issuer_token_kinds or {})
        updated["issuer_token_kinds"] = {**scoped, digest: sorted(set(kinds))}
    # A serving node re-reads the file (node.issuer_tokens): replace it whole, never half-written.
    staged = data_dir / (SETTINGS_FILE + ".new")
    staged.write_text(json.dumps(updated, indent=2) + "\n")
    os.replace(staged, data_dir / SETTINGS_FILE)
    return token


def read_settings(data_dir: Path) -> Settings:
    """The settings in ``node.json``."""
    try:
        raw = json.loads((data_dir / SETTINGS_FILE).read_text())
    except FileNotFoundError:
        raise SetupError(
            f"{data_dir} is not a node data directory (run `commonweal init`)"
        ) from None
    except (OSError, ValueError) as error:
        raise SetupError(f"{data_dir / SETTINGS_FILE} cannot be read: {error}") from None
    try:
        return Settings(**raw)
    except TypeError as error:
        raise SetupError(f"{data_dir / SETTINGS_FILE} is not valid settings: {error}") from None


def open_node(
    data_dir: Path,
    *,
    passphrase: str | None = None,
    database_url: str | None = None,
    clock: Clock = system_clock,
    public_url: str | None = None,
    default_public_url: str | None = None,
    migrate_schema: bool = True,
    registry: Registry | None = None,
) -> Node:
    """Open an existing node: its key, settings and database.

    Its public URL is ``public_url`` when given, else the one ``node.json`` records;
    else, for a node created before ``node.json`` kept it, the URL its profile
    announces; else ``default_public_url`` (the address it is served on).

    With ``migrate_schema`` False the schema is left as it is (``serve`` checks it is
    current first, and leaves migrating to ``commonweal upgrade``).
    """
    settings = read_settings(data_dir)
    given = public_url or settings.public_url
    try:
        chosen = check_public_url(given) if given else None
    except PublicUrlError as error:
        raise SetupError(str(error)) from None
    key = read_key_file(data_dir / KEY_FILE, passphrase)
    identity = NodeIdentity.from_key(key, settings.origin, settings.domain)
    engine = database_engine(database_url or settings.database_url or sqlite_url(data_dir))
    if migrate_schema:
        migrate(engine)
    store = LogStore(engine)
    meta = store.read_meta()
    if meta.get("did") != identity.did:
        raise SetupError("the key in the data directory is not the key of the node in the database")
    if chosen is None and default_public_url is not None:
        chosen = _announced_url(store) or default_public_url
    config = replace(settings.config(), public_url=chosen)
    node = Node(store, identity, registry or default_registry(), config=config, clock=clock)
    return aid.attach(membership.attach(node))


def _announced_url(store: LogStore) -> str | None:
    """The URL the node's profile announces, if it is a valid public URL."""
    row = store.projection_table(PROFILE).get("profile")
    try:
        return check_public_url(str(row.get("url") or "")) if isinstance(row, dict) else None
    except PublicUrlError:
        return None


def store_url(target: str) -> str:
    """The database URL of a data directory (or ``target`` itself, when it is a URL).

    Refuses a SQLite file that does not exist, rather than create an empty one.
    """
    if "://" in target:
        url = target
    else:
        data_dir = Path(target)
        settings = read_settings(data_dir)
        url = settings.database_url or sqlite_url(data_dir)
    path = url.removeprefix("sqlite:///")
    if url.startswith("sqlite:///") and path and not Path(path).exists():
        raise SetupError(f"there is no database at {path}")
    return url


def open_store(target: str) -> LogStore:
    """A read-only view of a node's store from a data directory or a database URL."""
    engine = database_engine(store_url(target))
    if not is_initialised(engine):
        raise SetupError(f"{target} holds no Commonweal node")
    return LogStore(engine)

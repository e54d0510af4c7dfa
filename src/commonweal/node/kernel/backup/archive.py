"""The backup file: one tar holding a manifest, the node's files and the manifest's hash.

Members, in this order:

1. ``manifest.json`` — the format and its version, when and by which release it was
   made, the node (DID, log origin, verifier key), the database (``sqlite`` or
   ``postgresql``, its member file and schema revision), the log's size and root at
   the instant copied, and every member file's name, size and SHA-256;
2. the files the manifest lists: ``node.key`` (as it is on disk: sealed stays
   sealed), ``node.json``, and ``node.db`` (SQLite) or ``database.pgdump``
   (``pg_dump``'s custom format);
3. ``manifest.sha256`` — the SHA-256 of the manifest's bytes.

Reading checks everything before anything is trusted: the first and last members,
every listed file present once with its size and hash, nothing else. A truncated
file (the last member missing, a short member, a cut tar block) and an altered
one (any byte of any member) are refused with what was wrong. The hashes detect
damage, not a forger who rewrites the manifest too: keep backups where only the
operators can write (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

FORMAT = "commonweal-backup"
VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_HASH = "manifest.sha256"
READ_CHUNK = 1 << 20
ALLOWED_FILES = frozenset({"node.key", "node.json", "node.db", "database.pgdump"})


class BackupDamaged(Exception):
    """The backup file is truncated, altered or not a Commonweal backup."""


@dataclass(frozen=True)
class Member:
    """One file of a backup, as the manifest lists it."""

    name: str
    size: int
    sha256: str


def file_member(path: Path) -> Member:
    """The manifest line for the file at ``path``."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            digest.update(chunk)
    return Member(path.name, path.stat().st_size, digest.hexdigest())


def write_archive(
    output: Path, manifest: dict[str, Any], files: list[Path], *, pause: float = 0.0
) -> None:
    """Write the backup to ``output`` (through a temporary name, renamed when complete).

    The file is flushed to disk every ``SYNC_BYTES`` with a ``pause`` after each, so
    a large backup never leaves gigabytes of dirty pages for one long flush that would
    hold up the serving node's own commits.
    """
    data = json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n"
    partial = output.with_name(output.name + ".partial")
    with (
        partial.open("wb") as raw,
        tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        _add_bytes(tar, MANIFEST, data)
        for path in files:
            info = tar.gettarinfo(str(path), arcname=path.name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with path.open("rb") as handle:
                tar.addfile(info, _Paced(handle, raw, pause))
        _add_bytes(tar, MANIFEST_HASH, hashlib.sha256(data).hexdigest().encode() + b"\n")
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, output)


SYNC_BYTES = 32 << 20


class _Paced:
    """A file being read into the archive, which flushes the archive every SYNC_BYTES."""

    def __init__(self, source: IO[bytes], output: IO[bytes], pause: float) -> None:
        self.source = source
        self.output = output
        self.pause = pause
        self.unsynced = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.unsynced += len(chunk)
        if self.unsynced >= SYNC_BYTES:
            self.output.flush()
            os.fdatasync(self.output.fileno())
            self.unsynced = 0
            time.sleep(self.pause)
        return chunk


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def read_archive(path: Path, into: Path) -> dict[str, Any]:
    """Check the backup at ``path`` whole and write its files into the folder ``into``.

    Returns the manifest. Raises :class:`BackupDamaged` if anything is wrong; the
    caller then discards ``into``.
    """
    try:
        with tarfile.open(path, "r|") as tar:
            return _read_members(tar, into)
    except (tarfile.TarError, EOFError, OSError) as error:
        if isinstance(error, FileNotFoundError):
            raise BackupDamaged(f"no backup file at {path}") from None
        raise BackupDamaged(
            f"{path} is truncated or is not a tar file ({error or type(error).__name__})"
        ) from None


def _read_members(tar: tarfile.TarFile, into: Path) -> dict[str, Any]:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise BackupDamaged("not a Commonweal backup: it does not begin with manifest.json")
    raw = _read_small(tar, first)
    manifest, expected = _parse_manifest(raw)
    seen: set[str] = set()
    while (member := tar.next()) is not None:
        if member.name == MANIFEST_HASH:
            if seen != set(expected):
                missing = ", ".join(sorted(set(expected) - seen))
                raise BackupDamaged(f"the backup lacks {missing}: it is truncated or altered")
            recorded = _read_small(tar, member).decode(errors="replace").strip()
            if recorded != hashlib.sha256(raw).hexdigest():
                raise BackupDamaged("the manifest does not match its hash: it was altered")
            if tar.next() is not None:
                raise BackupDamaged("the backup holds something after its manifest's hash")
            return manifest
        listed = expected.get(member.name)
        if listed is None or member.name in seen or not member.isfile():
            raise BackupDamaged(f"the backup holds an unexpected member {member.name!r}")
        seen.add(member.name)
        _extract_checked(tar, member, listed, into)
    raise BackupDamaged("the backup ends before its manifest's hash: it is truncated")


def _read_small(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    if member.size > 1 << 20:
        raise BackupDamaged(f"{member.name} is implausibly large ({member.size} bytes)")
    handle = tar.extractfile(member)
    assert handle is not None
    data = handle.read()
    if len(data) != member.size:
        raise BackupDamaged(f"{member.name} is cut short: the backup is truncated")
    return data


def _parse_manifest(raw: bytes) -> tuple[dict[str, Any], dict[str, Member]]:
    try:
        manifest = json.loads(raw)
        if manifest["format"] != FORMAT:
            raise BackupDamaged(f"not a Commonweal backup (format {manifest['format']!r})")
        if manifest["version"] != VERSION:
            raise BackupDamaged(
                f"backup format version {manifest['version']} is not one this release reads "
                f"({VERSION})"
            )
        members = {
            m["name"]: Member(str(m["name"]), int(m["size"]), str(m["sha256"]))
            for m in manifest["files"]
        }
        int(manifest["log"]["size"])
        str(manifest["log"]["root"])
        for name in ("did", "origin", "vkey"):
            str(manifest["node"][name])
        str(manifest["database"]["kind"])
    except (ValueError, KeyError, TypeError) as error:
        raise BackupDamaged(f"the backup's manifest is damaged ({error})") from None
    unknown = set(members) - ALLOWED_FILES
    if unknown:
        raise BackupDamaged(f"the manifest lists files a backup never holds: {sorted(unknown)}")
    return manifest, members


def _extract_checked(
    tar: tarfile.TarFile, member: tarfile.TarInfo, listed: Member, into: Path
) -> None:
    if member.size != listed.size:
        raise BackupDamaged(
            f"{member.name} holds {member.size} bytes, the manifest says {listed.size}: altered"
        )
    source = tar.extractfile(member)
    assert source is not None
    digest = hashlib.sha256()
    written = 0
    fd = os.open(into / member.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as target:
        written = _copy(source, target, digest)
        target.flush()
        os.fsync(target.fileno())
    if written != listed.size:
        raise BackupDamaged(f"{member.name} is cut short: the backup is truncated")
    if digest.hexdigest() != listed.sha256:
        raise BackupDamaged(f"{member.name} does not match the manifest's SHA-256: altered")


def _copy(source: IO[bytes], target: IO[bytes], digest: Any) -> int:
    written = 0
    while chunk := source.read(READ_CHUNK):
        digest.update(chunk)
        target.write(chunk)
        written += len(chunk)
    return written

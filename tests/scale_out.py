"""Helpers for the scale-out tests: a node on PostgreSQL served by several real processes,
members who write through one and read through another, and a TCP relay that can cut one
process off from the database."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson

from commonweal.node.kernel.setup import init_node
from tests.builders import WITHOUT_WRITE_POLICY, Clock, EventFactory


def open_to_attest(data_dir: Path, database_url: str | None) -> str:
    """Create a node (no write policy: anyone may attest) on ``database_url`` (None: SQLite
    in the data directory); its DID."""
    node = init_node(
        data_dir, name="Scale-out", database_url=database_url, constitution=WITHOUT_WRITE_POLICY
    )
    did = node.identity.did
    node.close()
    return did


@dataclass
class Tally:
    """What a load saw: every acknowledged event, and every answer that was not a success."""

    acknowledged: dict[tuple[str, int], tuple[int, str]] = field(default_factory=dict)
    """(author, seq) → (index, leaf hash) from the receipt."""
    statuses: dict[int, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    stale_reads: int = 0
    connection_errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int, code: str | None = None) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if code:
                self.codes[code] = self.codes.get(code, 0) + 1


class Member:
    """One author who writes through one URL and reads the write back through another."""

    def __init__(self, name: str, node_did: str, tally: Tally) -> None:
        self.name = name
        self.events = EventFactory(node_did, Clock(datetime.now(UTC)))
        self.did = self.events.did(name)
        self.tally = tally

    def write(self, client: httpx.Client, url: str, *, retries: int = 0) -> int | None:
        """Submit the next attestation (the same bytes again after a dropped connection,
        which the node answers with the original receipt); its seq if acknowledged."""
        self.events.clock.now = datetime.now(UTC)
        raw = self.events.raw(self.name)
        seq = self.events.seqs[self.name]
        for attempt in range(retries + 1):
            if attempt:
                time.sleep(0.2)
            try:
                response = client.post(url + "/v1/events", content=raw)
            except httpx.TransportError:
                with self.tally.lock:
                    self.tally.connection_errors += 1
                continue
            code = response.json().get("code") if response.status_code >= 400 else None
            self.tally.count(response.status_code, code)
            if response.status_code == 201:
                receipt = response.json()
                with self.tally.lock:
                    self.tally.acknowledged[(self.did, seq)] = (
                        receipt["index"],
                        receipt["leaf_hash"],
                    )
                return seq
            if response.status_code != 503:
                self.events.seqs[self.name] = seq - 1  # refused: the next event takes this seq
                return None
        raise AssertionError(f"{self.name}'s seq {seq}: no answer after {retries + 1} tries")

    def read_back(self, client: httpx.Client, url: str, seq: int) -> bool:
        """Whether ``url`` shows this member's ``seq`` at once, as current."""
        response = client.get(f"{url}/v1/authors/{self.did}")
        self.tally.count(response.status_code)
        current = response.headers.get("commonweal-log-lag") == "0"
        seen = response.status_code == 200 and response.json()["last_seq"] >= seq
        if not (current and seen):
            with self.tally.lock:
                self.tally.stale_reads += 1
        return current and seen


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == parent:
            found.append(int(entry))
    return found


def command_line(pid: int) -> list[str]:
    """A process's arguments."""
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


class Relay:
    """A TCP relay on 127.0.0.1 to PostgreSQL, which the test can cut (every connection
    through it closed, new ones refused) and restore on the same port."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._server: socket.socket | None = None
        self._pairs: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> Relay:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()
        return self

    def cut(self) -> None:
        """Close the listening socket and every relayed connection."""
        with self._lock:
            if self._server is not None:
                # shutdown wakes the thread blocked in accept(), which close() alone does not
                with contextlib.suppress(OSError):
                    self._server.shutdown(socket.SHUT_RDWR)
                self._server.close()
                self._server = None
            for sock in self._pairs:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._pairs.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._pairs += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(a, b), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.close()


def size_of(url: str) -> int:
    """The log size a server reports."""
    return int(orjson.loads(httpx.get(url + "/.well-known/commonweal").content)["size"])

"""A live node for browser tests: founders with key files, a server, and a clock to move."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import sign_event
from commonweal.core.keys import SigningKey, load_key_file
from commonweal.core.rfc3339 import format_utc
from commonweal.node.kernel.movable_clock import ENABLE_VALUE, ENABLE_VARIABLE
from commonweal.node.kernel.service import Node
from commonweal.node.kernel.setup import init_node, write_key_file
from tests.server import ServerProcess

FOUNDERS = {"alice": "Alice Moreau", "bob": "Bob Okeke"}


@dataclass
class LiveNode:
    """The server, the founders' key files, and the file that moves the node's clock."""

    server: ServerProcess
    data_dir: Path
    clock_file: Path
    keys: dict[str, Path]
    dids: dict[str, str]
    offset: int = 0
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.server.url, timeout=10)

    @property
    def url(self) -> str:
        return self.server.url

    def advance(self, seconds: int) -> None:
        """Move the node's clock forward (the server re-reads the file every tick)."""
        self.offset += seconds
        self.clock_file.write_text(str(self.offset))

    def get(self, path: str) -> Any:
        response = self.client.get(path)
        response.raise_for_status()
        return response.json()

    def wait_for(self, check: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.2)
        raise TimeoutError(f"waited {timeout} s for {what}")

    def wait_for_phase(self, proposal: int, phase: str) -> None:
        self.wait_for(
            lambda: self.get(f"/v1/proposals/{proposal}")["phase"] == phase,
            f"proposal {proposal} to reach {phase}",
        )

    def act(self, name: str, event_type: str, body: dict[str, Any]) -> int:
        """Sign an event as founder ``name`` from Python (for setting a scene); its index."""
        key = load_key_file(self.keys[name].read_bytes(), None)
        did = self.dids[name]
        node = self.get("/.well-known/commonweal")["did"]
        seq = self.get(f"/v1/authors/{did}")["last_seq"] + 1
        at = format_utc(datetime.now(UTC))
        event = sign_event(key, type=event_type, node=node, seq=seq, at=at, body=body)
        response = self.client.post("/v1/events", json=event)
        assert response.status_code == 201, response.text
        index: int = response.json()["index"]
        return index

    def stop(self) -> None:
        self.client.close()
        self.server.stop()


def start_live_node(
    folder: Path,
    constitution: Mapping[str, Any] | None = None,
    setup: Callable[[Node], object] | None = None,
) -> LiveNode:
    """Create the node (founders admitted, vouch policy) and serve it with a test clock;
    ``setup`` may act on the node (as the node) before it is served."""
    keys, dids, profiles = {}, {}, {}
    for name, display in FOUNDERS.items():
        key = SigningKey.generate()
        keys[name] = folder / f"{name}.key"
        write_key_file(keys[name], key, None)
        dids[name] = did_key_from_public_key(key.public_key)
        profiles[dids[name]] = {"display_name": display, "show_name": True}
    data_dir = folder / "node"
    node = init_node(
        data_dir,
        name="Harbour Guild",
        description="A test community by the harbour.",
        founders=list(dids.values()),
        founder_profiles=profiles,
        admission={"admission": "vouch", "vouches_required": 2},
        checkpoint_every_seconds=1.0,
        constitution=constitution,
    )
    if setup is not None:
        setup(node)
    node.close()
    clock_file = folder / "clock-offset"
    clock_file.write_text("0")
    server = ServerProcess(
        data_dir,
        args=["--test-clock-file", str(clock_file)],
        env={ENABLE_VARIABLE: ENABLE_VALUE},
    ).start()
    return LiveNode(server, data_dir, clock_file, keys, dids)

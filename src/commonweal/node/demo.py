"""The demo node: a realistic small community and some of its public record."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import sign_event
from commonweal.core.keys import SigningKey
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.node.profile import PROFILE_UPDATED
from commonweal.domain.notary.attestation import DOCUMENT_ATTESTED
from commonweal.node.service import Node
from commonweal.node.setup import KEY_FILE, init_node, read_key_file, write_key_file

NAME = "Riverside Commons"
DESCRIPTION = (
    "A co-living hub and tool library by the river: 40 members, a shared workshop, "
    "a community garden and a monthly assembly. Part of the Commonweal network."
)
MEMBERS = ("amara", "bruno", "chen", "dalia")
DOCUMENTS = (
    ("amara", "Founding charter of Riverside Commons", "Adopted at the founding assembly."),
    ("bruno", "Minutes of the November assembly", "Agreed: workshop opening hours, garden rota."),
    ("chen", "Tool library inventory, autumn 2026", "112 tools, 3 retired, 9 new."),
    ("dalia", "Open letter on the riverside footpath", "Signed on behalf of the garden group."),
    ("amara", "Minutes of the November assembly", "Co-signed as note-taker."),
    ("chen", "Garden water-sharing agreement", "Between the garden group and the neighbours."),
)


def create_demo(data_dir: Path) -> Node:
    """Create the demo node in ``data_dir`` with member keys and sample events."""
    node = init_node(data_dir, name=NAME, description=DESCRIPTION, url="http://127.0.0.1:8000")
    members_dir = data_dir / "members"
    members_dir.mkdir(exist_ok=True)
    keys = {}
    for member in MEMBERS:
        keys[member] = SigningKey.generate()
        write_key_file(members_dir / f"{member}.key", keys[member], None)
    node_key = read_key_file(data_dir / KEY_FILE, None)
    seqs = dict.fromkeys(MEMBERS, 0)
    start = node.clock() - timedelta(minutes=len(DOCUMENTS) * 7)
    events = []
    for position, (member, title, note) in enumerate(DOCUMENTS):
        seqs[member] += 1
        digest = "sha256:" + hashlib.sha256(title.encode()).hexdigest()
        events.append(
            sign_event(
                keys[member],
                type=DOCUMENT_ATTESTED,
                node=node.identity.did,
                seq=seqs[member],
                at=format_utc(start + timedelta(minutes=7 * position)),
                body={"digest": digest, "title": title, "note": note},
            )
        )
    events.append(
        sign_event(
            node_key,
            type=PROFILE_UPDATED,
            node=node.identity.did,
            seq=2,
            at=format_utc(node.clock()),
            body={"description": DESCRIPTION + " Visitors welcome on Saturdays."},
        )
    )
    for event in events:
        node.submit_batch([event])
    node.checkpoint()
    return node


def member_dids(data_dir: Path) -> dict[str, str]:
    """The demo members' DIDs, by name."""
    return {
        path.stem: did_key_from_public_key(read_key_file(path, None).public_key)
        for path in sorted((data_dir / "members").glob("*.key"))
    }

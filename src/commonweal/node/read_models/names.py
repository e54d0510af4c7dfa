"""Members' public names for a page that shows many people, each looked up once, and a
member's DID said short where they show no name."""

from __future__ import annotations

from collections.abc import Iterable

from commonweal.domain.federation.standing import RECOGNITIONS
from commonweal.node.kernel import queries
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import said
from commonweal.node.read_models.standing import name_of
from commonweal.node.services import member_directory


def short_did(did: str) -> str:
    """A ``did:key`` said short (``z6MkhaXg…2doK``); any other text as it is."""
    return did[8:16] + "…" + did[-4:] if did.startswith("did:key:") and len(did) > 24 else did


def name_or_short(people: dict[str, str], did: str) -> str:
    """The name ``did`` shows in ``people`` (DID → public name), else its DID said short."""
    return people.get(did) or short_did(did)


class Names:
    """``names(did)``: the name ``did`` chose to show, or None; remembered for one page."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self.known: dict[str, str | None] = {}

    def __call__(self, did: str | None) -> str | None:
        if not did:
            return None
        if did not in self.known:
            self.known[did] = name_of(self.node, did)
        return self.known[did]

    def knowing(self, dids: Iterable[str]) -> Names:
        """These names read at once, the profiles in one query (a page that lists many
        people costs the same however many there are); ``self``."""
        wanted = {did for did in dids if did and did not in self.known}
        if wanted:
            found = member_directory.names_of(self.node, wanted)
            self.known.update({did: found.get(did) for did in wanted})
        return self

    def node_name(self, did: str) -> str | None:
        """A node's name: this node's own, or the name under which it recognises another
        (kept in its log); None for a node it does not know."""
        if did in (self.node.identity.did, self.node.identity.key_did):
            return str(queries.profile(self.node).get("name") or "") or None
        with self.node.reading() as state:
            record = state.get(RECOGNITIONS, did)
        return str(record.get("name") or "") or None if record else None

    def person(self, did: str) -> dict[str, str | None]:
        """``{"did", "name"}``."""
        return {"did": did, "name": self(did)}

    def account(self, account: str) -> str:
        """An account of the money postings in words: a member's name, "the treasury", …"""
        kind, _colon, rest = account.partition(":")
        if kind == "member":
            return self(rest) or (rest[:16] + "…" if len(rest) > 17 else rest)
        # said in the reader's language where a page shows them (read_models/said.py)
        if kind == "campaign":
            return said._("campaign %(id)s's escrow", id=rest)
        if kind == "round":
            return said._("round %(id)s's matching pool", id=rest)
        if kind == "pool":
            return said._("pool %(id)s", id=rest)
        if kind == "treasury":
            return said._("the treasury")
        return account
